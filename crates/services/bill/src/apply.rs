//! Applying for bills: one [`Operation`] per bill endpoint.

use wechatpay_models::account::AccountType;
use wechatpay_models::bill::{
    BillDownloadUrl, EcommerceFundFlowBillParams, EncryptedBillList, FundFlowBillParams,
    SubMerchantFundFlowBillParams, TradeBillParams,
};
use wechatpay_transport::{BuildContext, BuildError, Operation, RequestSpec};

fn tar(spec: RequestSpec, tar_type: Option<&wechatpay_models::bill::TarType>) -> RequestSpec {
    spec.query_opt("tar_type", tar_type.map(|t| t.as_str()))
}

/// `GET /v3/bill/tradebill` (申请交易账单): the platform's or one sub-merchant's trade bill.
#[derive(Clone, Copy, Debug)]
pub struct ApplyTradeBill<'a> {
    params: &'a TradeBillParams,
}

impl<'a> ApplyTradeBill<'a> {
    /// The application for `params`.
    pub fn new(params: &'a TradeBillParams) -> Self {
        Self { params }
    }
}

impl Operation for ApplyTradeBill<'_> {
    type Output = BillDownloadUrl;

    fn build(&self, _ctx: &mut BuildContext<'_>) -> Result<RequestSpec, BuildError> {
        let p = self.params;
        let spec = RequestSpec::get("/v3/bill/tradebill")
            .query("bill_date", p.bill_date.to_string())
            .query_opt("sub_mchid", p.sub_mchid.as_deref())
            .query_opt("bill_type", p.bill_type.as_ref().map(|t| t.as_str()));
        Ok(tar(spec, p.tar_type.as_ref()))
    }
}

/// `GET /v3/bill/fundflowbill` (申请资金账单): the platform's own fund flow.
#[derive(Clone, Copy, Debug)]
pub struct ApplyFundFlowBill<'a> {
    params: &'a FundFlowBillParams,
}

impl<'a> ApplyFundFlowBill<'a> {
    /// The application for `params`.
    pub fn new(params: &'a FundFlowBillParams) -> Self {
        Self { params }
    }
}

impl Operation for ApplyFundFlowBill<'_> {
    type Output = BillDownloadUrl;

    fn build(&self, _ctx: &mut BuildContext<'_>) -> Result<RequestSpec, BuildError> {
        let p = self.params;
        if matches!(p.account_type, Some(AccountType::All | AccountType::Deposit)) {
            return Err(BuildError::invalid("account_type", "BASIC, OPERATION or FEES"));
        }
        let spec = RequestSpec::get("/v3/bill/fundflowbill")
            .query("bill_date", p.bill_date.to_string())
            .query_opt("account_type", p.account_type.as_ref().map(|t| t.as_str()));
        Ok(tar(spec, p.tar_type.as_ref()))
    }
}

/// `GET /v3/ecommerce/bill/fundflowbill` (申请二级商户资金账单): every sub-merchant's fund
/// flow, as encrypted files.
#[derive(Clone, Copy, Debug)]
pub struct ApplyEcommerceFundFlowBill<'a> {
    params: &'a EcommerceFundFlowBillParams,
}

impl<'a> ApplyEcommerceFundFlowBill<'a> {
    /// The application for `params`.
    pub fn new(params: &'a EcommerceFundFlowBillParams) -> Self {
        Self { params }
    }
}

impl Operation for ApplyEcommerceFundFlowBill<'_> {
    type Output = EncryptedBillList;

    fn build(&self, _ctx: &mut BuildContext<'_>) -> Result<RequestSpec, BuildError> {
        let p = self.params;
        if p.account_type != AccountType::All {
            return Err(BuildError::invalid("account_type", "this bill takes only ALL"));
        }
        aes_gcm_only(&p.algorithm)?;
        let spec = RequestSpec::get("/v3/ecommerce/bill/fundflowbill")
            .query("bill_date", p.bill_date.to_string())
            .query("account_type", p.account_type.as_str())
            .query("algorithm", p.algorithm.as_str());
        Ok(tar(spec, p.tar_type.as_ref()))
    }
}

/// `GET /v3/bill/sub-merchant-fundflowbill` (申请单个子商户资金账单): one sub-merchant's fund
/// flow, as encrypted files.
#[derive(Clone, Copy, Debug)]
pub struct ApplySubMerchantFundFlowBill<'a> {
    params: &'a SubMerchantFundFlowBillParams,
}

impl<'a> ApplySubMerchantFundFlowBill<'a> {
    /// The application for `params`.
    pub fn new(params: &'a SubMerchantFundFlowBillParams) -> Self {
        Self { params }
    }
}

impl Operation for ApplySubMerchantFundFlowBill<'_> {
    type Output = EncryptedBillList;

    fn build(&self, _ctx: &mut BuildContext<'_>) -> Result<RequestSpec, BuildError> {
        let p = self.params;
        if p.sub_mchid.is_empty() {
            return Err(BuildError::invalid("sub_mchid", "is required"));
        }
        if matches!(p.account_type, AccountType::All | AccountType::Deposit) {
            return Err(BuildError::invalid("account_type", "BASIC, OPERATION or FEES"));
        }
        aes_gcm_only(&p.algorithm)?;
        let spec = RequestSpec::get("/v3/bill/sub-merchant-fundflowbill")
            .query("sub_mchid", p.sub_mchid.clone())
            .query("bill_date", p.bill_date.to_string())
            .query("account_type", p.account_type.as_str())
            .query("algorithm", p.algorithm.as_str());
        Ok(tar(spec, p.tar_type.as_ref()))
    }
}

/// Only AES-256-GCM is something this crate (and wechatpay-crypto) decrypts; SM4_GCM is the
/// other documented value, refused before asking for files nobody can read.
fn aes_gcm_only(algorithm: &wechatpay_models::bill::AeadAlgorithm) -> Result<(), BuildError> {
    if algorithm.as_str() == wechatpay_crypto::AEAD_AES_256_GCM {
        Ok(())
    } else {
        Err(BuildError::invalid("algorithm", "only AEAD_AES_256_GCM is supported"))
    }
}

#[cfg(test)]
mod tests {
    use wechatpay_crypto::Verifier;
    use wechatpay_models::bill::{AeadAlgorithm, BillType, TarType};
    use wechatpay_models::time::Date;

    use super::*;

    fn target(op: &impl Operation) -> Result<String, BuildError> {
        let verifier = Verifier::new();
        let spec = op.build(&mut BuildContext::new(&verifier, 0))?;
        let q: Vec<String> = spec.query_pairs().iter().map(|(k, v)| format!("{k}={v}")).collect();
        Ok(format!("{}?{}", spec.path().as_str(), q.join("&")))
    }

    // Proves each bill applies at its documented path with its documented parameters, and
    // what a bill does not take is refused unsent.
    #[test]
    fn requests_per_kind() {
        let bill_date = Date::parse("2025-01-31").unwrap();
        let trade = TradeBillParams {
            bill_date,
            sub_mchid: Some("1900000109".into()),
            bill_type: Some(BillType::Success),
            tar_type: Some(TarType::Gzip),
        };
        assert_eq!(
            target(&ApplyTradeBill::new(&trade)).unwrap(),
            "/v3/bill/tradebill?bill_date=2025-01-31&sub_mchid=1900000109&bill_type=SUCCESS&tar_type=GZIP"
        );
        let fund = FundFlowBillParams {
            bill_date,
            account_type: Some(AccountType::Operation),
            tar_type: None,
        };
        assert_eq!(
            target(&ApplyFundFlowBill::new(&fund)).unwrap(),
            "/v3/bill/fundflowbill?bill_date=2025-01-31&account_type=OPERATION"
        );
        let mut ecommerce = EcommerceFundFlowBillParams {
            bill_date,
            account_type: AccountType::All,
            algorithm: AeadAlgorithm::from("AEAD_AES_256_GCM"),
            tar_type: None,
        };
        assert_eq!(
            target(&ApplyEcommerceFundFlowBill::new(&ecommerce)).unwrap(),
            "/v3/ecommerce/bill/fundflowbill?bill_date=2025-01-31&account_type=ALL&algorithm=AEAD_AES_256_GCM"
        );
        let sub = SubMerchantFundFlowBillParams {
            sub_mchid: "1900000109".into(),
            bill_date,
            account_type: AccountType::Basic,
            algorithm: AeadAlgorithm::from("AEAD_AES_256_GCM"),
            tar_type: Some(TarType::Gzip),
        };
        assert_eq!(
            target(&ApplySubMerchantFundFlowBill::new(&sub)).unwrap(),
            "/v3/bill/sub-merchant-fundflowbill?sub_mchid=1900000109&bill_date=2025-01-31&account_type=BASIC&algorithm=AEAD_AES_256_GCM&tar_type=GZIP"
        );
        ecommerce.account_type = AccountType::Basic;
        assert!(target(&ApplyEcommerceFundFlowBill::new(&ecommerce)).is_err());
        ecommerce.account_type = AccountType::All;
        ecommerce.algorithm = AeadAlgorithm::from("AEAD_SM4_GCM");
        assert!(target(&ApplyEcommerceFundFlowBill::new(&ecommerce)).is_err());
    }
}
