//! 合单支付: one payment over 1–50 sub-merchant orders (a shopping cart across shops).
//!
//! | call | endpoint | answer |
//! | --- | --- | --- |
//! | [`Combine::prepay_jsapi`] | `POST /v3/combine-transactions/jsapi` | [`JsapiPrepay`] |
//! | [`Combine::prepay_app`] | `POST /v3/combine-transactions/app` | [`AppPrepay`] |
//! | [`Combine::prepay_h5`] | `POST /v3/combine-transactions/h5` | [`H5Url`] |
//! | [`Combine::prepay_native`] | `POST /v3/combine-transactions/native` | [`CodeUrl`] |
//! | [`Combine::query`] | `GET /v3/combine-transactions/out-trade-no/{combine_out_trade_no}` | [`CombineTransaction`] |
//! | [`Combine::close`], [`Combine::close_order`] | `POST /v3/combine-transactions/out-trade-no/{combine_out_trade_no}/close` | `()` (204) |

use std::marker::PhantomData;

use wechatpay_models::payments::{
    CombineCloseRequest, CombineCloseSubOrder, CombinePrepayRequest, CombineTransaction,
};
use wechatpay_transport::{path, BuildContext, BuildError, Operation, RequestSpec, Transport};

use crate::call::Call;
use crate::channel::{App, Channel, Jsapi, Native, H5};
use crate::invoke::{AppPrepay, CodeUrl, H5Url, JsapiPrepay, PrepayId};
use crate::validate::{self, MAX_SUB_ORDERS, MIN_SUB_ORDERS, OUT_TRADE_NO_MAX_CHARS};

/// Combined orders (合单支付) of the platform the transport signs for.
///
/// Cheap to clone; every call is signed as the transport's merchant, which must be the
/// `combine_mchid` of the orders.
///
/// ```no_run
/// # async fn run(transport: wechatpay_transport::Transport, req: wechatpay_models::payments::CombinePrepayRequest, signer: wechatpay_crypto::MerchantSigner) -> Result<(), Box<dyn std::error::Error>> {
/// use wechatpay_payments::Combine;
/// let combine = Combine::new(transport);
/// let prepay = combine.prepay_jsapi(&req).send().await?;
/// let params = prepay.invoke_params(&signer)?; // hand these to wx.requestPayment
/// let order = combine.query(&req.combine_out_trade_no).send().await?;
/// # let _ = (params, order); Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Combine {
    transport: Transport,
}

impl Combine {
    /// Combined-order calls through `transport`.
    pub fn new(transport: Transport) -> Self {
        Self { transport }
    }

    /// Creates a JSAPI / mini-program combined order (`combine_payer_info` required). The
    /// answer carries `combine_appid` as the appid to re-sign with.
    ///
    /// Retried on 5xx, 429 and connection failures: WeChat Pay deduplicates by
    /// `combine_out_trade_no`, answering the same `prepay_id` for the same request.
    pub fn prepay_jsapi(
        &self,
        request: &CombinePrepayRequest,
    ) -> Call<CombinePrepay<Jsapi>, JsapiPrepay> {
        Call::with_finish(&self.transport, CombinePrepay::new(request.clone()), |op, out| {
            JsapiPrepay::new(PrepayId::new(out.prepay_id), op.request.combine_appid.clone())
        })
    }

    /// Creates an APP combined order. `partnerid` of the invoke parameters is `combine_mchid`.
    pub fn prepay_app(
        &self,
        request: &CombinePrepayRequest,
    ) -> Call<CombinePrepay<App>, AppPrepay> {
        Call::with_finish(&self.transport, CombinePrepay::new(request.clone()), |op, out| {
            let r = &op.request;
            AppPrepay::new(
                PrepayId::new(out.prepay_id),
                r.combine_appid.clone(),
                r.combine_mchid.clone(),
            )
        })
    }

    /// Creates an H5 combined order (`scene_info.h5_info` required).
    pub fn prepay_h5(&self, request: &CombinePrepayRequest) -> Call<CombinePrepay<H5>, H5Url> {
        Call::with_finish(&self.transport, CombinePrepay::new(request.clone()), |_, out| {
            H5Url::new(out.h5_url)
        })
    }

    /// Creates a Native (QR code) combined order.
    pub fn prepay_native(
        &self,
        request: &CombinePrepayRequest,
    ) -> Call<CombinePrepay<Native>, CodeUrl> {
        Call::with_finish(&self.transport, CombinePrepay::new(request.clone()), |_, out| {
            CodeUrl::new(out.code_url)
        })
    }

    /// Queries a combined order and all its sub-orders.
    ///
    /// # Errors
    /// (when sent) [`Error::Api`](wechatpay_transport::Error::Api) with code `ORDER_NOT_EXIST`
    /// if there is no such order.
    pub fn query(&self, combine_out_trade_no: impl Into<String>) -> Call<QueryCombineOrder> {
        Call::new(&self.transport, QueryCombineOrder::new(combine_out_trade_no))
    }

    /// Closes a combined order: `request` must list every sub-order (a partial close is not
    /// supported). A paid order cannot be closed; refund it instead.
    pub fn close(
        &self,
        combine_out_trade_no: impl Into<String>,
        request: &CombineCloseRequest,
    ) -> Call<CloseCombineOrder> {
        Call::new(&self.transport, CloseCombineOrder::new(combine_out_trade_no, request.clone()))
    }

    /// Closes the combined order `request` created, listing all its sub-orders.
    pub fn close_order(&self, request: &CombinePrepayRequest) -> Call<CloseCombineOrder> {
        Call::new(&self.transport, CloseCombineOrder::for_order(request))
    }
}

/// The close request listing every sub-order of a combined prepay request.
pub fn close_request_for(request: &CombinePrepayRequest) -> CombineCloseRequest {
    CombineCloseRequest {
        combine_appid: request.combine_appid.clone(),
        sub_orders: request
            .sub_orders
            .iter()
            .map(|s| CombineCloseSubOrder {
                mchid: s.mchid.clone(),
                out_trade_no: s.out_trade_no.clone(),
                sub_mchid: s.sub_mchid.clone(),
                sub_appid: s.sub_appid.clone(),
            })
            .collect(),
    }
}

/// `combine.prepay_{jsapi,app,h5,native}`: creates a combined order for channel `C`.
///
/// Checked client-side first ([`validate::combine_prepay`]); marked idempotent.
#[derive(Clone, Debug)]
pub struct CombinePrepay<C: Channel> {
    request: CombinePrepayRequest,
    channel: PhantomData<C>,
}

impl<C: Channel> CombinePrepay<C> {
    /// The operation for `request`.
    pub fn new(request: CombinePrepayRequest) -> Self {
        Self { request, channel: PhantomData }
    }

    /// The request.
    pub fn request(&self) -> &CombinePrepayRequest {
        &self.request
    }
}

impl<C: Channel> Operation for CombinePrepay<C> {
    type Output = C::Response;

    fn build(&self, _ctx: &mut BuildContext<'_>) -> Result<RequestSpec, BuildError> {
        validate::combine_prepay(&self.request, C::CHANNEL)?;
        Ok(RequestSpec::post(path!["v3/combine-transactions", C::CHANNEL.path_segment()])
            .json(&self.request)?
            .idempotent())
    }
}

/// `combine.query`: a combined order by `combine_out_trade_no`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QueryCombineOrder {
    combine_out_trade_no: String,
}

impl QueryCombineOrder {
    /// The query for `combine_out_trade_no`.
    pub fn new(combine_out_trade_no: impl Into<String>) -> Self {
        Self { combine_out_trade_no: combine_out_trade_no.into() }
    }
}

impl Operation for QueryCombineOrder {
    type Output = CombineTransaction;

    fn build(&self, _ctx: &mut BuildContext<'_>) -> Result<RequestSpec, BuildError> {
        combine_out_trade_no(&self.combine_out_trade_no)?;
        Ok(RequestSpec::get(path![
            "v3/combine-transactions/out-trade-no",
            &self.combine_out_trade_no
        ]))
    }
}

/// `combine.close`: closes a combined order and all its sub-orders (answers `204`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CloseCombineOrder {
    combine_out_trade_no: String,
    request: CombineCloseRequest,
}

impl CloseCombineOrder {
    /// Closes `combine_out_trade_no`, whose sub-orders `request` lists.
    pub fn new(combine_out_trade_no: impl Into<String>, request: CombineCloseRequest) -> Self {
        Self { combine_out_trade_no: combine_out_trade_no.into(), request }
    }

    /// Closes the order `request` created ([`close_request_for`]).
    pub fn for_order(request: &CombinePrepayRequest) -> Self {
        Self::new(request.combine_out_trade_no.clone(), close_request_for(request))
    }
}

impl Operation for CloseCombineOrder {
    type Output = ();

    fn build(&self, _ctx: &mut BuildContext<'_>) -> Result<RequestSpec, BuildError> {
        combine_out_trade_no(&self.combine_out_trade_no)?;
        let count = self.request.sub_orders.len();
        if !(MIN_SUB_ORDERS..=MAX_SUB_ORDERS).contains(&count) {
            return Err(BuildError::invalid(
                "/sub_orders",
                format!("list every sub-order of the combined order ({MIN_SUB_ORDERS} to {MAX_SUB_ORDERS}), not {count}"),
            ));
        }
        RequestSpec::post(path![
            "v3/combine-transactions/out-trade-no",
            &self.combine_out_trade_no,
            "close"
        ])
        .json(&self.request)
    }
}

fn combine_out_trade_no(value: &str) -> Result<(), BuildError> {
    if value.is_empty() || value.chars().count() > OUT_TRADE_NO_MAX_CHARS {
        return Err(BuildError::invalid(
            "combine_out_trade_no",
            format!("must have 1 to {OUT_TRADE_NO_MAX_CHARS} characters"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use wechatpay_crypto::Verifier;
    use wechatpay_transport::RequestBody;

    use super::*;
    use crate::test_requests::combine_request;

    fn build<Op: Operation>(op: &Op) -> Result<RequestSpec, BuildError> {
        let verifier = Verifier::new();
        op.build(&mut BuildContext::new(&verifier, 0))
    }

    // Proves each channel posts to its own path, idempotently, with the request as JSON.
    #[test]
    fn prepay_paths_and_idempotency() {
        let req = combine_request(2);
        let specs = [
            build(&CombinePrepay::<Jsapi>::new(req.clone())).unwrap(),
            build(&CombinePrepay::<App>::new(req.clone())).unwrap(),
            build(&CombinePrepay::<H5>::new(req.clone())).unwrap(),
            build(&CombinePrepay::<Native>::new(req.clone())).unwrap(),
        ];
        let paths: Vec<&str> = specs.iter().map(|s| s.path().as_str()).collect();
        assert_eq!(
            paths,
            [
                "/v3/combine-transactions/jsapi",
                "/v3/combine-transactions/app",
                "/v3/combine-transactions/h5",
                "/v3/combine-transactions/native"
            ]
        );
        for spec in &specs {
            assert!(spec.is_idempotent());
            let RequestBody::Json(bytes) = spec.body() else { panic!("json body") };
            let back: CombinePrepayRequest = serde_json::from_slice(bytes).unwrap();
            assert_eq!(back, req);
        }
    }

    // Proves a 51-sub-order request fails to build, so it is never sent.
    #[test]
    fn too_many_sub_orders_fail_to_build() {
        let err = build(&CombinePrepay::<Native>::new(combine_request(51))).unwrap_err();
        assert!(
            matches!(err, BuildError::Invalid { ref field, .. } if field == "/sub_orders"),
            "{err:?}"
        );
    }

    // Proves query and close escape the order number into one path segment, and close lists
    // every sub-order of the prepay request.
    #[test]
    fn query_and_close_paths() {
        let q = build(&QueryCombineOrder::new("P2026/01")).unwrap();
        assert_eq!(q.path().as_str(), "/v3/combine-transactions/out-trade-no/P2026%2F01");
        assert!(build(&QueryCombineOrder::new("")).is_err());
        let req = combine_request(3);
        let close = CloseCombineOrder::for_order(&req);
        let spec = build(&close).unwrap();
        assert_eq!(
            spec.path().as_str(),
            "/v3/combine-transactions/out-trade-no/P20260101000001/close"
        );
        assert!(!spec.is_idempotent());
        let RequestBody::Json(bytes) = spec.body() else { panic!("json body") };
        let body: CombineCloseRequest = serde_json::from_slice(bytes).unwrap();
        assert_eq!(body.combine_appid, "wx8888888888888888");
        let nos: Vec<&str> = body.sub_orders.iter().map(|s| s.out_trade_no.as_str()).collect();
        assert_eq!(nos, ["T20260101000000", "T20260101000001", "T20260101000002"]);
        let empty = CloseCombineOrder::new(
            "P1",
            CombineCloseRequest { combine_appid: "wx".into(), sub_orders: vec![] },
        );
        assert!(build(&empty).is_err());
    }
}
