//! Which application the command-line options make (fixtures/api/endpoints.json `bill.*`).

use wechatpay_bill::{
    AccountType, AeadAlgorithm, BillType, EcommerceFundFlowBillParams, FundFlowBillParams, TarType,
    TradeBillParams,
};
use wechatpay_models::time::Date;

use super::BillError;
use crate::cli::BillKind;

/// What the user asked for.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ApplyOptions<'a> {
    pub(crate) bill_type: Option<&'a str>,
    pub(crate) sub_mchid: Option<&'a str>,
    pub(crate) account_type: Option<&'a str>,
    pub(crate) gzip: bool,
}

/// The bill application, as the `wechatpay-bill` parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Application {
    Trade(TradeBillParams),
    FundFlow(FundFlowBillParams),
    EcommerceFundFlow(EcommerceFundFlowBillParams),
}

impl Application {
    /// The path applied at, for messages.
    pub(crate) fn path(&self) -> &'static str {
        match self {
            Self::Trade(_) => "/v3/bill/tradebill",
            Self::FundFlow(_) => "/v3/bill/fundflowbill",
            Self::EcommerceFundFlow(_) => "/v3/ecommerce/bill/fundflowbill",
        }
    }
}

impl BillKind {
    /// The bill's name in messages and default file names.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Trade => "tradebill",
            Self::FundFlow => "fundflowbill",
            Self::EcommerceFundFlow => "ecommerce-fundflowbill",
        }
    }
}

/// The application for `kind` on `date` (YYYY-MM-DD).
///
/// # Errors
/// [`BillError::Date`], or [`BillError::Option`] for an option this bill does not take.
pub(crate) fn application(
    kind: BillKind,
    date: &str,
    opts: &ApplyOptions<'_>,
) -> Result<Application, BillError> {
    let bill_date =
        Date::parse(date).map_err(|_| BillError::Date(date.chars().take(32).collect()))?;
    let refuse = |option| Err(BillError::Option { option, kind: kind.name() });
    let tar_type = opts.gzip.then_some(TarType::Gzip);
    Ok(match kind {
        BillKind::Trade => {
            if opts.account_type.is_some() {
                return refuse("--account-type");
            }
            Application::Trade(TradeBillParams {
                bill_date,
                sub_mchid: opts.sub_mchid.map(str::to_owned),
                bill_type: opts.bill_type.map(BillType::from),
                tar_type,
            })
        }
        BillKind::FundFlow => {
            if opts.bill_type.is_some() {
                return refuse("--bill-type");
            }
            if opts.sub_mchid.is_some() {
                return refuse("--sub-mchid");
            }
            Application::FundFlow(FundFlowBillParams {
                bill_date,
                account_type: opts.account_type.map(AccountType::from),
                tar_type,
            })
        }
        BillKind::EcommerceFundFlow => {
            if opts.bill_type.is_some() {
                return refuse("--bill-type");
            }
            if opts.sub_mchid.is_some() {
                return refuse("--sub-mchid");
            }
            // The API takes only ALL; AES-256-GCM is what wechatpay-bill decrypts.
            match opts.account_type {
                None | Some("ALL") => {}
                Some(_) => return refuse("--account-type other than ALL"),
            }
            Application::EcommerceFundFlow(EcommerceFundFlowBillParams {
                bill_date,
                account_type: AccountType::All,
                algorithm: AeadAlgorithm::AeadAes256Gcm,
                tar_type,
            })
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // Proves each kind makes the documented application with the options given.
    #[test]
    fn applications_per_kind() {
        let date = Date::parse("2025-01-31").unwrap();
        let trade = application(
            BillKind::Trade,
            "2025-01-31",
            &ApplyOptions {
                bill_type: Some("SUCCESS"),
                sub_mchid: Some("1900000109"),
                gzip: true,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(trade.path(), "/v3/bill/tradebill");
        assert_eq!(
            trade,
            Application::Trade(TradeBillParams {
                bill_date: date,
                sub_mchid: Some("1900000109".into()),
                bill_type: Some(BillType::Success),
                tar_type: Some(TarType::Gzip),
            })
        );
        let fund = application(
            BillKind::FundFlow,
            "2025-01-31",
            &ApplyOptions { account_type: Some("OPERATION"), ..Default::default() },
        )
        .unwrap();
        assert_eq!(
            fund,
            Application::FundFlow(FundFlowBillParams {
                bill_date: date,
                account_type: Some(AccountType::Operation),
                tar_type: None,
            })
        );
        let ecommerce =
            application(BillKind::EcommerceFundFlow, "2025-01-31", &ApplyOptions::default())
                .unwrap();
        assert_eq!(ecommerce.path(), "/v3/ecommerce/bill/fundflowbill");
        assert!(matches!(
            ecommerce,
            Application::EcommerceFundFlow(EcommerceFundFlowBillParams {
                account_type: AccountType::All,
                algorithm: AeadAlgorithm::AeadAes256Gcm,
                ..
            })
        ));
    }

    // Proves bad dates and options a bill does not take are refused before any request.
    #[test]
    fn refusals() {
        for bad in ["2025-1-31", "2025-02-30", "yesterday", ""] {
            assert!(matches!(
                application(BillKind::Trade, bad, &ApplyOptions::default()),
                Err(BillError::Date(_))
            ));
        }
        let err = application(
            BillKind::FundFlow,
            "2025-01-31",
            &ApplyOptions { sub_mchid: Some("1"), ..Default::default() },
        )
        .unwrap_err();
        assert_eq!(err.to_string(), "--sub-mchid does not apply to the fundflowbill bill");
        assert!(application(
            BillKind::EcommerceFundFlow,
            "2025-01-31",
            &ApplyOptions { account_type: Some("BASIC"), ..Default::default() },
        )
        .is_err());
    }
}
