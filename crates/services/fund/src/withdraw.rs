//! Withdrawal operations: create (idempotent by `out_request_no`) and query.

use wechatpay_models::withdraw::{
    PlatformWithdraw, PlatformWithdrawRequest, PlatformWithdrawResponse, SubWithdraw,
    SubWithdrawRequest, SubWithdrawResponse,
};
use wechatpay_transport::{path, BuildContext, BuildError, Operation, RequestSpec};

use crate::validate::{
    out_request_no, required, validate_platform_withdraw, validate_sub_withdraw,
};

/// Which number names a withdrawal in a query.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WithdrawKey<'a> {
    /// WeChat Pay's `withdraw_id`.
    WithdrawId(&'a str),
    /// The platform's `out_request_no`.
    OutRequestNo(&'a str),
}

impl WithdrawKey<'_> {
    fn check(&self) -> Result<(), BuildError> {
        match self {
            Self::WithdrawId(id) => required("withdraw_id", id, 128),
            Self::OutRequestNo(no) => out_request_no("out_request_no", no),
        }
    }
}

/// `POST /v3/ecommerce/fund/withdraw` (二级商户余额提现). Idempotent: WeChat Pay deduplicates
/// by `out_request_no`.
#[derive(Clone, Copy, Debug)]
pub struct CreateSubWithdraw<'a> {
    request: &'a SubWithdrawRequest,
}

impl<'a> CreateSubWithdraw<'a> {
    /// The operation for `request`.
    pub fn new(request: &'a SubWithdrawRequest) -> Self {
        Self { request }
    }
}

impl Operation for CreateSubWithdraw<'_> {
    type Output = SubWithdrawResponse;

    fn build(&self, _ctx: &mut BuildContext<'_>) -> Result<RequestSpec, BuildError> {
        validate_sub_withdraw(self.request)?;
        Ok(RequestSpec::post("/v3/ecommerce/fund/withdraw").json(self.request)?.idempotent())
    }
}

/// `GET /v3/ecommerce/fund/withdraw/{withdraw_id}?sub_mchid=` or
/// `GET /v3/ecommerce/fund/withdraw/out-request-no/{out_request_no}?sub_mchid=`
/// (二级商户查询提现状态).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuerySubWithdraw<'a> {
    sub_mchid: &'a str,
    key: WithdrawKey<'a>,
}

impl<'a> QuerySubWithdraw<'a> {
    /// The query for a withdrawal of `sub_mchid`.
    pub fn new(sub_mchid: &'a str, key: WithdrawKey<'a>) -> Self {
        Self { sub_mchid, key }
    }
}

impl Operation for QuerySubWithdraw<'_> {
    type Output = SubWithdraw;

    fn build(&self, _ctx: &mut BuildContext<'_>) -> Result<RequestSpec, BuildError> {
        required("sub_mchid", self.sub_mchid, 32)?;
        self.key.check()?;
        let path = match self.key {
            WithdrawKey::WithdrawId(id) => path!["v3/ecommerce/fund/withdraw", id],
            WithdrawKey::OutRequestNo(no) => {
                path!["v3/ecommerce/fund/withdraw/out-request-no", no]
            }
        };
        Ok(RequestSpec::get(path).query("sub_mchid", self.sub_mchid))
    }
}

/// `POST /v3/merchant/fund/withdraw` (电商平台提现). Idempotent by `out_request_no`.
#[derive(Clone, Copy, Debug)]
pub struct CreatePlatformWithdraw<'a> {
    request: &'a PlatformWithdrawRequest,
}

impl<'a> CreatePlatformWithdraw<'a> {
    /// The operation for `request`.
    pub fn new(request: &'a PlatformWithdrawRequest) -> Self {
        Self { request }
    }
}

impl Operation for CreatePlatformWithdraw<'_> {
    type Output = PlatformWithdrawResponse;

    fn build(&self, _ctx: &mut BuildContext<'_>) -> Result<RequestSpec, BuildError> {
        validate_platform_withdraw(self.request)?;
        Ok(RequestSpec::post("/v3/merchant/fund/withdraw").json(self.request)?.idempotent())
    }
}

/// `GET /v3/merchant/fund/withdraw/withdraw-id/{withdraw_id}` or
/// `GET /v3/merchant/fund/withdraw/out-request-no/{out_request_no}` (电商平台查询提现状态).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueryPlatformWithdraw<'a> {
    key: WithdrawKey<'a>,
}

impl<'a> QueryPlatformWithdraw<'a> {
    /// The query for a platform withdrawal.
    pub fn new(key: WithdrawKey<'a>) -> Self {
        Self { key }
    }
}

impl Operation for QueryPlatformWithdraw<'_> {
    type Output = PlatformWithdraw;

    fn build(&self, _ctx: &mut BuildContext<'_>) -> Result<RequestSpec, BuildError> {
        self.key.check()?;
        Ok(RequestSpec::get(match self.key {
            WithdrawKey::WithdrawId(id) => path!["v3/merchant/fund/withdraw/withdraw-id", id],
            WithdrawKey::OutRequestNo(no) => {
                path!["v3/merchant/fund/withdraw/out-request-no", no]
            }
        }))
    }
}

#[cfg(test)]
mod tests {
    use wechatpay_crypto::Verifier;
    use wechatpay_transport::RequestBody;

    use super::*;
    use crate::validate::tests::sample;

    fn build(op: &impl Operation) -> Result<RequestSpec, BuildError> {
        let verifier = Verifier::new();
        op.build(&mut BuildContext::new(&verifier, 0))
    }

    // Proves creates are idempotent POSTs of the request as is, refused unsent when invalid.
    #[test]
    fn creates_are_idempotent_posts() {
        let req = sample();
        let spec = build(&CreateSubWithdraw::new(&req)).unwrap();
        assert_eq!(spec.path().as_str(), "/v3/ecommerce/fund/withdraw");
        assert!(spec.is_idempotent());
        let RequestBody::Json(body) = spec.body() else { panic!("json body") };
        assert_eq!(serde_json::from_slice::<SubWithdrawRequest>(body).unwrap(), req);
        let mut bad = sample();
        bad.amount = -1;
        assert!(build(&CreateSubWithdraw::new(&bad)).is_err());
        let platform = PlatformWithdrawRequest {
            out_request_no: "P1".into(),
            amount: 5,
            remark: None,
            bank_memo: None,
            account_type: wechatpay_models::account::AccountType::Operation,
            notify_url: None,
        };
        let spec = build(&CreatePlatformWithdraw::new(&platform)).unwrap();
        assert_eq!(spec.path().as_str(), "/v3/merchant/fund/withdraw");
        assert!(spec.is_idempotent());
    }

    // Proves each query goes to its documented path, escaped, with sub_mchid in the query.
    #[test]
    fn query_paths() {
        let spec =
            build(&QuerySubWithdraw::new("1900000109", WithdrawKey::WithdrawId("a/b"))).unwrap();
        assert_eq!(spec.path().as_str(), "/v3/ecommerce/fund/withdraw/a%2Fb");
        assert_eq!(spec.query_pairs(), &[("sub_mchid".to_owned(), "1900000109".to_owned())]);
        let spec =
            build(&QuerySubWithdraw::new("1900000109", WithdrawKey::OutRequestNo("W1"))).unwrap();
        assert_eq!(spec.path().as_str(), "/v3/ecommerce/fund/withdraw/out-request-no/W1");
        let spec = build(&QueryPlatformWithdraw::new(WithdrawKey::WithdrawId("X1"))).unwrap();
        assert_eq!(spec.path().as_str(), "/v3/merchant/fund/withdraw/withdraw-id/X1");
        let spec = build(&QueryPlatformWithdraw::new(WithdrawKey::OutRequestNo("P1"))).unwrap();
        assert_eq!(spec.path().as_str(), "/v3/merchant/fund/withdraw/out-request-no/P1");
        assert!(build(&QueryPlatformWithdraw::new(WithdrawKey::OutRequestNo("P 1"))).is_err());
    }
}
