//! Balance queries: sub-merchant and platform, real time and day end.

use wechatpay_models::account::AccountType;
use wechatpay_models::fund::{PlatformBalance, SubMerchantBalance};
use wechatpay_models::time::Date;
use wechatpay_transport::{path, BuildContext, BuildError, Operation, RequestSpec};

use crate::validate::required;

/// `GET /v3/ecommerce/fund/balance/{sub_mchid}?account_type=` (查询二级商户账户实时余额).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubBalance<'a> {
    sub_mchid: &'a str,
    account_type: Option<AccountType>,
}

impl<'a> SubBalance<'a> {
    /// The real-time balance of `sub_mchid`'s `account_type` (`BASIC` when `None`).
    pub fn new(sub_mchid: &'a str, account_type: Option<AccountType>) -> Self {
        Self { sub_mchid, account_type }
    }
}

impl Operation for SubBalance<'_> {
    type Output = SubMerchantBalance;

    fn build(&self, _ctx: &mut BuildContext<'_>) -> Result<RequestSpec, BuildError> {
        required("sub_mchid", self.sub_mchid, 32)?;
        Ok(RequestSpec::get(path!["v3/ecommerce/fund/balance", self.sub_mchid])
            .query_opt("account_type", self.account_type.as_ref().map(|t| t.as_str())))
    }
}

/// `GET /v3/ecommerce/fund/enddaybalance/{sub_mchid}?date=&account_type=` (查询二级商户账户日终余额).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubDayEndBalance<'a> {
    sub_mchid: &'a str,
    date: Date,
    account_type: Option<AccountType>,
}

impl<'a> SubDayEndBalance<'a> {
    /// The balance of `sub_mchid` at the end of `date`.
    pub fn new(sub_mchid: &'a str, date: Date, account_type: Option<AccountType>) -> Self {
        Self { sub_mchid, date, account_type }
    }
}

impl Operation for SubDayEndBalance<'_> {
    type Output = SubMerchantBalance;

    fn build(&self, _ctx: &mut BuildContext<'_>) -> Result<RequestSpec, BuildError> {
        required("sub_mchid", self.sub_mchid, 32)?;
        Ok(RequestSpec::get(path!["v3/ecommerce/fund/enddaybalance", self.sub_mchid])
            .query("date", self.date.to_string())
            .query_opt("account_type", self.account_type.as_ref().map(|t| t.as_str())))
    }
}

/// `GET /v3/merchant/fund/balance/{account_type}` (查询电商平台账户实时余额).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlatformBalanceQuery {
    account_type: AccountType,
}

impl PlatformBalanceQuery {
    /// The platform's real-time balance of `account_type`.
    pub fn new(account_type: AccountType) -> Self {
        Self { account_type }
    }
}

impl Operation for PlatformBalanceQuery {
    type Output = PlatformBalance;

    fn build(&self, _ctx: &mut BuildContext<'_>) -> Result<RequestSpec, BuildError> {
        platform_account(&self.account_type)?;
        Ok(RequestSpec::get(path!["v3/merchant/fund/balance", self.account_type.as_str()]))
    }
}

/// `GET /v3/merchant/fund/dayendbalance/{account_type}?date=` (查询电商平台账户日终余额).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlatformDayEndBalance {
    account_type: AccountType,
    date: Date,
}

impl PlatformDayEndBalance {
    /// The platform's balance of `account_type` at the end of `date`.
    pub fn new(account_type: AccountType, date: Date) -> Self {
        Self { account_type, date }
    }
}

impl Operation for PlatformDayEndBalance {
    type Output = PlatformBalance;

    fn build(&self, _ctx: &mut BuildContext<'_>) -> Result<RequestSpec, BuildError> {
        platform_account(&self.account_type)?;
        Ok(RequestSpec::get(path!["v3/merchant/fund/dayendbalance", self.account_type.as_str()])
            .query("date", self.date.to_string()))
    }
}

/// `ALL` names no single account: refused before sending.
fn platform_account(account_type: &AccountType) -> Result<(), BuildError> {
    if *account_type == AccountType::All {
        return Err(BuildError::invalid("account_type", "ALL is not an account; name one"));
    }
    required("account_type", account_type.as_str(), 32)
}

#[cfg(test)]
mod tests {
    use wechatpay_crypto::Verifier;

    use super::*;

    fn build(op: &impl Operation) -> Result<RequestSpec, BuildError> {
        let verifier = Verifier::new();
        op.build(&mut BuildContext::new(&verifier, 0))
    }

    fn target(spec: &RequestSpec) -> String {
        let q: Vec<String> = spec.query_pairs().iter().map(|(k, v)| format!("{k}={v}")).collect();
        format!("{} {}?{}", spec.method(), spec.path().as_str(), q.join("&"))
    }

    // Proves each balance query goes to its documented path with its documented parameters.
    #[test]
    fn paths_and_queries() {
        let date = Date::parse("2026-01-01").unwrap();
        assert_eq!(
            target(&build(&SubBalance::new("1900000109", Some(AccountType::Deposit))).unwrap()),
            "GET /v3/ecommerce/fund/balance/1900000109?account_type=DEPOSIT"
        );
        assert_eq!(
            target(&build(&SubDayEndBalance::new("1900000109", date, None)).unwrap()),
            "GET /v3/ecommerce/fund/enddaybalance/1900000109?date=2026-01-01"
        );
        assert_eq!(
            target(&build(&PlatformBalanceQuery::new(AccountType::Operation)).unwrap()),
            "GET /v3/merchant/fund/balance/OPERATION?"
        );
        assert_eq!(
            target(&build(&PlatformDayEndBalance::new(AccountType::Fees, date)).unwrap()),
            "GET /v3/merchant/fund/dayendbalance/FEES?date=2026-01-01"
        );
    }

    // Proves a path segment is escaped and ALL / empty ids are refused unsent.
    #[test]
    fn escaping_and_refusals() {
        let spec = build(&SubBalance::new("19/00", None)).unwrap();
        assert_eq!(spec.path().as_str(), "/v3/ecommerce/fund/balance/19%2F00");
        assert!(build(&SubBalance::new("", None)).is_err());
        assert!(build(&PlatformBalanceQuery::new(AccountType::All)).is_err());
    }
}
