//! The typed refund operations and the [`Refunds`] handle that runs them.

use wechatpay_models::refund::{
    Refund, RefundApplyRequest, RefundApplyResponse, ReturnAdvance as ReturnAdvanceAnswer,
    ReturnAdvanceRequest,
};
use wechatpay_transport::{
    path, BuildContext, BuildError, Error, Operation, RequestSpec, Transport,
};

use crate::validate::{out_number, required, validate_apply, MAX_OUT_REFUND_NO_CHARS};

/// `POST /v3/ecommerce/refunds/apply` (申请退款): checks the request ([`validate_apply`]) and
/// sends it. Idempotent: WeChat Pay deduplicates by `out_refund_no`, so the transport may
/// retry it.
#[derive(Clone, Copy, Debug)]
pub struct ApplyRefund<'a> {
    request: &'a RefundApplyRequest,
}

impl<'a> ApplyRefund<'a> {
    /// The operation for `request`.
    pub fn new(request: &'a RefundApplyRequest) -> Self {
        Self { request }
    }
}

impl Operation for ApplyRefund<'_> {
    type Output = RefundApplyResponse;

    fn build(&self, _ctx: &mut BuildContext<'_>) -> Result<RequestSpec, BuildError> {
        validate_apply(self.request)?;
        Ok(RequestSpec::post("/v3/ecommerce/refunds/apply").json(self.request)?.idempotent())
    }
}

/// `GET /v3/ecommerce/refunds/id/{refund_id}?sub_mchid=` (通过微信支付退款单号查询退款).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueryRefundById<'a> {
    sub_mchid: &'a str,
    refund_id: &'a str,
}

impl<'a> QueryRefundById<'a> {
    /// The query for WeChat Pay's `refund_id` of a refund of `sub_mchid`.
    pub fn new(sub_mchid: &'a str, refund_id: &'a str) -> Self {
        Self { sub_mchid, refund_id }
    }
}

impl Operation for QueryRefundById<'_> {
    type Output = Refund;

    fn build(&self, _ctx: &mut BuildContext<'_>) -> Result<RequestSpec, BuildError> {
        required("sub_mchid", self.sub_mchid, 32)?;
        required("refund_id", self.refund_id, 32)?;
        Ok(RequestSpec::get(path!["v3/ecommerce/refunds/id", self.refund_id])
            .query("sub_mchid", self.sub_mchid))
    }
}

/// `GET /v3/ecommerce/refunds/out-refund-no/{out_refund_no}?sub_mchid=` (通过商户退款单号查询退款).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueryRefundByOutRefundNo<'a> {
    sub_mchid: &'a str,
    out_refund_no: &'a str,
}

impl<'a> QueryRefundByOutRefundNo<'a> {
    /// The query for the platform's `out_refund_no` of a refund of `sub_mchid`.
    pub fn new(sub_mchid: &'a str, out_refund_no: &'a str) -> Self {
        Self { sub_mchid, out_refund_no }
    }
}

impl Operation for QueryRefundByOutRefundNo<'_> {
    type Output = Refund;

    fn build(&self, _ctx: &mut BuildContext<'_>) -> Result<RequestSpec, BuildError> {
        required("sub_mchid", self.sub_mchid, 32)?;
        out_number("out_refund_no", self.out_refund_no, MAX_OUT_REFUND_NO_CHARS)?;
        Ok(RequestSpec::get(path!["v3/ecommerce/refunds/out-refund-no", self.out_refund_no])
            .query("sub_mchid", self.sub_mchid))
    }
}

/// `POST /v3/ecommerce/refunds/{refund_id}/return-advance` (垫付退款回补): the sub-merchant
/// pays back a refund the platform advanced. Not retried automatically: WeChat Pay documents no
/// deduplication for it, so query with [`QueryReturnAdvance`] before trying again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReturnAdvance<'a> {
    refund_id: &'a str,
    request: ReturnAdvanceRequest,
}

impl<'a> ReturnAdvance<'a> {
    /// The return of the advance behind `refund_id`, a refund of `sub_mchid`.
    pub fn new(sub_mchid: &str, refund_id: &'a str) -> Self {
        Self { refund_id, request: ReturnAdvanceRequest { sub_mchid: sub_mchid.to_owned() } }
    }
}

impl Operation for ReturnAdvance<'_> {
    type Output = ReturnAdvanceAnswer;

    fn build(&self, _ctx: &mut BuildContext<'_>) -> Result<RequestSpec, BuildError> {
        required("/sub_mchid", &self.request.sub_mchid, 32)?;
        required("refund_id", self.refund_id, 32)?;
        RequestSpec::post(path!["v3/ecommerce/refunds", self.refund_id, "return-advance"])
            .json(&self.request)
    }
}

/// `GET /v3/ecommerce/refunds/{refund_id}/return-advance?sub_mchid=` (查询垫付回补结果).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueryReturnAdvance<'a> {
    sub_mchid: &'a str,
    refund_id: &'a str,
}

impl<'a> QueryReturnAdvance<'a> {
    /// The query for the advance return of `refund_id`, a refund of `sub_mchid`.
    pub fn new(sub_mchid: &'a str, refund_id: &'a str) -> Self {
        Self { sub_mchid, refund_id }
    }
}

impl Operation for QueryReturnAdvance<'_> {
    type Output = ReturnAdvanceAnswer;

    fn build(&self, _ctx: &mut BuildContext<'_>) -> Result<RequestSpec, BuildError> {
        required("sub_mchid", self.sub_mchid, 32)?;
        required("refund_id", self.refund_id, 32)?;
        Ok(RequestSpec::get(path!["v3/ecommerce/refunds", self.refund_id, "return-advance"])
            .query("sub_mchid", self.sub_mchid))
    }
}

/// Refunds through one [`Transport`] (signed as the platform). Cheap to clone.
///
/// ```no_run
/// # async fn run(transport: wechatpay_transport::Transport, request: wechatpay_refunds::RefundApplyRequest)
/// # -> Result<(), wechatpay_transport::Error> {
/// use wechatpay_refunds::{RefundStatusExt, Refunds};
///
/// let refunds = Refunds::new(transport);
/// let accepted = refunds.apply(&request).await?;
/// let refund = refunds.query_by_id(&request.sub_mchid, &accepted.refund_id).await?;
/// if refund.status.is_final() {
///     println!("{}: {}", refund.out_refund_no, refund.status);
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Refunds {
    transport: Transport,
}

impl Refunds {
    /// Refunds sent through `transport`.
    pub fn new(transport: Transport) -> Self {
        Self { transport }
    }

    /// Asks for a refund. The same `out_refund_no` again answers the same refund (and never
    /// refunds twice); retry with it when the outcome is unknown.
    ///
    /// # Errors
    /// [`Error::Build`] when a client-side check fails ([`validate_apply`]; nothing is sent);
    /// [`Error::Api`] with `RESOURCE_NOT_EXISTS` (no such paid order), `INVALID_REQUEST` (the
    /// order is over a year old, the refunds would exceed what was paid, more than 50 refunds,
    /// the same `out_refund_no` with other content), `NOT_ENOUGH` (the sub-merchant's balance
    /// cannot pay it and the platform does not advance it), `NO_AUTH`; others as
    /// [`Transport::execute`].
    pub async fn apply(&self, request: &RefundApplyRequest) -> Result<RefundApplyResponse, Error> {
        self.transport.execute(&ApplyRefund::new(request)).await
    }

    /// A refund by WeChat Pay's `refund_id`.
    ///
    /// # Errors
    /// [`Error::Api`] with `RESOURCE_NOT_EXISTS` for an unknown refund; others as
    /// [`Transport::execute`].
    pub async fn query_by_id(&self, sub_mchid: &str, refund_id: &str) -> Result<Refund, Error> {
        self.transport.execute(&QueryRefundById::new(sub_mchid, refund_id)).await
    }

    /// A refund by the platform's `out_refund_no`.
    ///
    /// # Errors
    /// As [`query_by_id`](Self::query_by_id); [`Error::Build`] for a malformed number.
    pub async fn query_by_out_refund_no(
        &self,
        sub_mchid: &str,
        out_refund_no: &str,
    ) -> Result<Refund, Error> {
        self.transport.execute(&QueryRefundByOutRefundNo::new(sub_mchid, out_refund_no)).await
    }

    /// Takes an advanced refund back from the sub-merchant to the platform (垫付退款回补).
    ///
    /// # Errors
    /// [`Error::Api`] with `RESOURCE_NOT_EXISTS` (no such refund), `INVALID_REQUEST` (the
    /// refund was not advanced, or is not successful), `NOT_ENOUGH` (the sub-merchant's
    /// available balance is short); others as [`Transport::execute`].
    pub async fn return_advance(
        &self,
        sub_mchid: &str,
        refund_id: &str,
    ) -> Result<ReturnAdvanceAnswer, Error> {
        self.transport.execute(&ReturnAdvance::new(sub_mchid, refund_id)).await
    }

    /// The result of an advance return.
    ///
    /// # Errors
    /// [`Error::Api`] with `RESOURCE_NOT_EXISTS` when none was made; others as
    /// [`Transport::execute`].
    pub async fn query_return_advance(
        &self,
        sub_mchid: &str,
        refund_id: &str,
    ) -> Result<ReturnAdvanceAnswer, Error> {
        self.transport.execute(&QueryReturnAdvance::new(sub_mchid, refund_id)).await
    }

    /// The transport used.
    pub fn transport(&self) -> &Transport {
        &self.transport
    }
}

#[cfg(test)]
mod tests {
    use wechatpay_crypto::Verifier;
    use wechatpay_transport::RequestBody;

    use super::*;
    use crate::validate::tests::sample;

    // Proves apply posts the request as is, marked idempotent, and refuses an invalid one
    // before anything is built.
    #[test]
    fn apply_is_idempotent_post() {
        let verifier = Verifier::new();
        let mut ctx = BuildContext::new(&verifier, 0);
        let req = sample();
        let spec = ApplyRefund::new(&req).build(&mut ctx).unwrap();
        assert_eq!(spec.path().as_str(), "/v3/ecommerce/refunds/apply");
        assert!(spec.is_idempotent());
        let RequestBody::Json(body) = spec.body() else { panic!("json body") };
        let sent: RefundApplyRequest = serde_json::from_slice(body).unwrap();
        assert_eq!(sent, req);
        let mut bad = sample();
        bad.amount.refund = 0;
        assert!(ApplyRefund::new(&bad).build(&mut ctx).is_err());
    }

    // Proves queries escape their path segment and carry sub_mchid in the query.
    #[test]
    fn queries_escape_and_carry_sub_mchid() {
        let verifier = Verifier::new();
        let mut ctx = BuildContext::new(&verifier, 0);
        let spec = QueryRefundById::new("1900000109", "50/1").build(&mut ctx).unwrap();
        assert_eq!(spec.path().as_str(), "/v3/ecommerce/refunds/id/50%2F1");
        assert_eq!(spec.query_pairs(), [("sub_mchid".to_owned(), "1900000109".to_owned())]);
        let spec = QueryRefundByOutRefundNo::new("1900000109", "R1").build(&mut ctx).unwrap();
        assert_eq!(spec.path().as_str(), "/v3/ecommerce/refunds/out-refund-no/R1");
        assert!(QueryRefundByOutRefundNo::new("1900000109", "R 1").build(&mut ctx).is_err());
        let spec = QueryReturnAdvance::new("1900000109", "501").build(&mut ctx).unwrap();
        assert_eq!(spec.path().as_str(), "/v3/ecommerce/refunds/501/return-advance");
        let spec = ReturnAdvance::new("1900000109", "501").build(&mut ctx).unwrap();
        assert_eq!(spec.method(), wechatpay_transport::http::Method::POST);
        assert!(!spec.is_idempotent());
        assert!(QueryRefundById::new("", "501").build(&mut ctx).is_err());
    }
}
