//! 普通支付 in partner mode: one sub-merchant's order, placed by the platform (`sp_mchid`) for
//! a sub-merchant (`sub_mchid`), e.g. a SaaS platform whose sellers each run their own shop.
//!
//! | call | endpoint | answer |
//! | --- | --- | --- |
//! | [`Partner::prepay_jsapi`] | `POST /v3/pay/partner/transactions/jsapi` | [`JsapiPrepay`] |
//! | [`Partner::prepay_app`] | `POST /v3/pay/partner/transactions/app` | [`AppPrepay`] |
//! | [`Partner::prepay_h5`] | `POST /v3/pay/partner/transactions/h5` | [`H5Url`] |
//! | [`Partner::prepay_native`] | `POST /v3/pay/partner/transactions/native` | [`CodeUrl`] |
//! | [`Partner::query_by_id`] | `GET /v3/pay/partner/transactions/id/{transaction_id}` | [`PartnerTransaction`] |
//! | [`Partner::query_by_out_trade_no`] | `GET /v3/pay/partner/transactions/out-trade-no/{out_trade_no}` | [`PartnerTransaction`] |
//! | [`Partner::close`] | `POST /v3/pay/partner/transactions/out-trade-no/{out_trade_no}/close` | `()` (204) |

use std::marker::PhantomData;

use wechatpay_models::payments::{
    PartnerCloseRequest, PartnerPrepayRequest, PartnerQueryParams, PartnerTransaction,
};
use wechatpay_transport::{path, BuildContext, BuildError, Operation, RequestSpec, Transport};

use crate::call::Call;
use crate::channel::{App, Channel, Jsapi, Native, H5};
use crate::invoke::{AppPrepay, CodeUrl, H5Url, JsapiPrepay, PrepayId};
use crate::validate::{self, OUT_TRADE_NO_MAX_CHARS};

/// Partner-mode orders (普通支付) placed by the platform the transport signs for.
///
/// The platform is `sp_mchid`: the query and close calls take it from the transport.
///
/// ```no_run
/// # async fn run(transport: wechatpay_transport::Transport, req: wechatpay_models::payments::PartnerPrepayRequest) -> Result<(), wechatpay_transport::Error> {
/// use wechatpay_payments::Partner;
/// let partner = Partner::new(transport);
/// let code_url = partner.prepay_native(&req).send().await?; // draw it as a QR code
/// let order = partner.query_by_out_trade_no(&req.out_trade_no, &req.sub_mchid).send().await?;
/// println!("{}: {}", code_url, order.trade_state);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Partner {
    transport: Transport,
}

impl Partner {
    /// Partner-mode calls through `transport`.
    pub fn new(transport: Transport) -> Self {
        Self { transport }
    }

    /// Creates a JSAPI / mini-program order (`payer` required). The answer carries the appid
    /// the payer's openid belongs to: `sub_appid` for `payer.sub_openid`, else `sp_appid`.
    ///
    /// Retried on 5xx, 429 and connection failures: WeChat Pay deduplicates by `out_trade_no`.
    pub fn prepay_jsapi(
        &self,
        request: &PartnerPrepayRequest,
    ) -> Call<PartnerPrepay<Jsapi>, JsapiPrepay> {
        Call::with_finish(&self.transport, PartnerPrepay::new(request.clone()), |op, out| {
            JsapiPrepay::new(PrepayId::new(out.prepay_id), jsapi_app_id(&op.request))
        })
    }

    /// Creates an APP order. The invoke parameters name `sub_appid` when given (the
    /// sub-merchant's own app), else `sp_appid`, and `partnerid` = `sp_mchid`.
    pub fn prepay_app(
        &self,
        request: &PartnerPrepayRequest,
    ) -> Call<PartnerPrepay<App>, AppPrepay> {
        Call::with_finish(&self.transport, PartnerPrepay::new(request.clone()), |op, out| {
            let r = &op.request;
            let app_id = r.sub_appid.clone().unwrap_or_else(|| r.sp_appid.clone());
            AppPrepay::new(PrepayId::new(out.prepay_id), app_id, r.sp_mchid.clone())
        })
    }

    /// Creates an H5 order (`scene_info.h5_info` required).
    pub fn prepay_h5(&self, request: &PartnerPrepayRequest) -> Call<PartnerPrepay<H5>, H5Url> {
        Call::with_finish(&self.transport, PartnerPrepay::new(request.clone()), |_, out| {
            H5Url::new(out.h5_url)
        })
    }

    /// Creates a Native (QR code) order.
    pub fn prepay_native(
        &self,
        request: &PartnerPrepayRequest,
    ) -> Call<PartnerPrepay<Native>, CodeUrl> {
        Call::with_finish(&self.transport, PartnerPrepay::new(request.clone()), |_, out| {
            CodeUrl::new(out.code_url)
        })
    }

    /// Queries an order of `sub_mchid` by WeChat Pay's `transaction_id` (known once paid).
    ///
    /// # Errors
    /// (when sent) [`Error::Api`](wechatpay_transport::Error::Api) with code `ORDER_NOT_EXIST`.
    pub fn query_by_id(
        &self,
        transaction_id: impl Into<String>,
        sub_mchid: impl Into<String>,
    ) -> Call<QueryPartnerOrder> {
        let params = self.params(sub_mchid);
        Call::new(&self.transport, QueryPartnerOrder::by_id(transaction_id, params))
    }

    /// Queries an order of `sub_mchid` by the merchant's `out_trade_no`.
    ///
    /// # Errors
    /// (when sent) [`Error::Api`](wechatpay_transport::Error::Api) with code `ORDER_NOT_EXIST`.
    pub fn query_by_out_trade_no(
        &self,
        out_trade_no: impl Into<String>,
        sub_mchid: impl Into<String>,
    ) -> Call<QueryPartnerOrder> {
        let params = self.params(sub_mchid);
        Call::new(&self.transport, QueryPartnerOrder::by_out_trade_no(out_trade_no, params))
    }

    /// Closes an unpaid order of `sub_mchid`. A paid order cannot be closed; refund it.
    pub fn close(
        &self,
        out_trade_no: impl Into<String>,
        sub_mchid: impl Into<String>,
    ) -> Call<ClosePartnerOrder> {
        let body = PartnerCloseRequest {
            sp_mchid: self.transport.mchid().to_owned(),
            sub_mchid: sub_mchid.into(),
        };
        Call::new(&self.transport, ClosePartnerOrder::new(out_trade_no, body))
    }

    fn params(&self, sub_mchid: impl Into<String>) -> PartnerQueryParams {
        PartnerQueryParams {
            sp_mchid: self.transport.mchid().to_owned(),
            sub_mchid: sub_mchid.into(),
        }
    }
}

/// The appid a JSAPI page runs under: the one the payer's openid belongs to.
fn jsapi_app_id(request: &PartnerPrepayRequest) -> String {
    let by_sub_openid = request.payer.as_ref().is_some_and(|p| p.sub_openid.is_some());
    match (&request.sub_appid, by_sub_openid) {
        (Some(sub_appid), true) => sub_appid.clone(),
        _ => request.sp_appid.clone(),
    }
}

/// `partner.prepay_{jsapi,app,h5,native}`: creates an order for channel `C`.
///
/// Checked client-side first ([`validate::partner_prepay`]); marked idempotent.
#[derive(Clone, Debug)]
pub struct PartnerPrepay<C: Channel> {
    request: PartnerPrepayRequest,
    channel: PhantomData<C>,
}

impl<C: Channel> PartnerPrepay<C> {
    /// The operation for `request`.
    pub fn new(request: PartnerPrepayRequest) -> Self {
        Self { request, channel: PhantomData }
    }

    /// The request.
    pub fn request(&self) -> &PartnerPrepayRequest {
        &self.request
    }
}

impl<C: Channel> Operation for PartnerPrepay<C> {
    type Output = C::Response;

    fn build(&self, _ctx: &mut BuildContext<'_>) -> Result<RequestSpec, BuildError> {
        validate::partner_prepay(&self.request, C::CHANNEL)?;
        Ok(RequestSpec::post(path!["v3/pay/partner/transactions", C::CHANNEL.path_segment()])
            .json(&self.request)?
            .idempotent())
    }
}

/// Which number a [`QueryPartnerOrder`] looks an order up by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum OrderRef {
    /// WeChat Pay's order id (微信支付订单号), known once the order is paid.
    TransactionId(String),
    /// The merchant's order number (商户订单号).
    OutTradeNo(String),
}

/// `partner.query_by_id` / `partner.query_by_out_trade_no`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryPartnerOrder {
    order: OrderRef,
    params: PartnerQueryParams,
}

impl QueryPartnerOrder {
    /// By `transaction_id`.
    pub fn by_id(transaction_id: impl Into<String>, params: PartnerQueryParams) -> Self {
        Self { order: OrderRef::TransactionId(transaction_id.into()), params }
    }

    /// By `out_trade_no`.
    pub fn by_out_trade_no(out_trade_no: impl Into<String>, params: PartnerQueryParams) -> Self {
        Self { order: OrderRef::OutTradeNo(out_trade_no.into()), params }
    }

    /// The order looked up.
    pub fn order(&self) -> &OrderRef {
        &self.order
    }
}

impl Operation for QueryPartnerOrder {
    type Output = PartnerTransaction;

    fn build(&self, _ctx: &mut BuildContext<'_>) -> Result<RequestSpec, BuildError> {
        let path = match &self.order {
            OrderRef::TransactionId(id) => {
                number("transaction_id", id)?;
                path!["v3/pay/partner/transactions/id", id]
            }
            OrderRef::OutTradeNo(no) => {
                number("out_trade_no", no)?;
                path!["v3/pay/partner/transactions/out-trade-no", no]
            }
        };
        Ok(RequestSpec::get(path)
            .query("sp_mchid", self.params.sp_mchid.as_str())
            .query("sub_mchid", self.params.sub_mchid.as_str()))
    }
}

/// `partner.close`: closes an unpaid order (answers `204`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClosePartnerOrder {
    out_trade_no: String,
    request: PartnerCloseRequest,
}

impl ClosePartnerOrder {
    /// Closes `out_trade_no` of `request.sub_mchid`.
    pub fn new(out_trade_no: impl Into<String>, request: PartnerCloseRequest) -> Self {
        Self { out_trade_no: out_trade_no.into(), request }
    }
}

impl Operation for ClosePartnerOrder {
    type Output = ();

    fn build(&self, _ctx: &mut BuildContext<'_>) -> Result<RequestSpec, BuildError> {
        number("out_trade_no", &self.out_trade_no)?;
        RequestSpec::post(path![
            "v3/pay/partner/transactions/out-trade-no",
            &self.out_trade_no,
            "close"
        ])
        .json(&self.request)
    }
}

fn number(field: &str, value: &str) -> Result<(), BuildError> {
    if value.is_empty() || value.chars().count() > OUT_TRADE_NO_MAX_CHARS {
        return Err(BuildError::invalid(
            field,
            format!("must have 1 to {OUT_TRADE_NO_MAX_CHARS} characters"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use wechatpay_crypto::Verifier;
    use wechatpay_models::payments::PartnerPrepayPayer;

    use super::*;
    use crate::test_requests::partner_request;

    fn build<Op: Operation>(op: &Op) -> Result<RequestSpec, BuildError> {
        let verifier = Verifier::new();
        op.build(&mut BuildContext::new(&verifier, 0))
    }

    // Proves the four prepay operations post to their own paths idempotently.
    #[test]
    fn prepay_paths() {
        let req = partner_request();
        let paths = [
            build(&PartnerPrepay::<Jsapi>::new(req.clone())).unwrap(),
            build(&PartnerPrepay::<App>::new(req.clone())).unwrap(),
            build(&PartnerPrepay::<H5>::new(req.clone())).unwrap(),
            build(&PartnerPrepay::<Native>::new(req)).unwrap(),
        ];
        for (spec, channel) in paths.iter().zip(["jsapi", "app", "h5", "native"]) {
            assert_eq!(spec.path().as_str(), format!("/v3/pay/partner/transactions/{channel}"));
            assert!(spec.is_idempotent());
        }
    }

    // Proves queries carry sp_mchid and sub_mchid as query parameters and escape the number.
    #[test]
    fn query_specs() {
        let params =
            PartnerQueryParams { sp_mchid: "1900000100".into(), sub_mchid: "1900000109".into() };
        let by_id = build(&QueryPartnerOrder::by_id("4200000001", params.clone())).unwrap();
        assert_eq!(by_id.path().as_str(), "/v3/pay/partner/transactions/id/4200000001");
        let pairs: Vec<(&str, &str)> =
            by_id.query_pairs().iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        assert_eq!(pairs, [("sp_mchid", "1900000100"), ("sub_mchid", "1900000109")]);
        let by_no = build(&QueryPartnerOrder::by_out_trade_no("T1/2", params.clone())).unwrap();
        assert_eq!(by_no.path().as_str(), "/v3/pay/partner/transactions/out-trade-no/T1%2F2");
        assert!(build(&QueryPartnerOrder::by_out_trade_no("", params)).is_err());
        let close = build(&ClosePartnerOrder::new(
            "T20260001",
            PartnerCloseRequest { sp_mchid: "1900000100".into(), sub_mchid: "1900000109".into() },
        ))
        .unwrap();
        assert_eq!(
            close.path().as_str(),
            "/v3/pay/partner/transactions/out-trade-no/T20260001/close"
        );
    }

    // Proves the JSAPI appid follows the payer's openid: sub_appid for sub_openid, else sp_appid.
    #[test]
    fn jsapi_app_id_follows_the_openid() {
        let mut req = partner_request();
        assert_eq!(jsapi_app_id(&req), "wx8888888888888888");
        req.payer = Some(PartnerPrepayPayer { sp_openid: None, sub_openid: Some("o-sub".into()) });
        assert_eq!(jsapi_app_id(&req), "wxd678efh567hg6999");
    }
}
