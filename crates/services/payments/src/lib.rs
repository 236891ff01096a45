//! # wechatpay-payments
//!
//! Taking payments on a WeChat Pay 平台收付通 platform:
//!
//! - [`Combine`] — 合单支付: one payment over 1–50 sub-merchant orders (a cart across
//!   shops), through JSAPI / mini program, APP, H5 or Native; query and close the whole order.
//! - [`Partner`] — 普通支付 in partner mode (`sp_mchid` + `sub_mchid`): one sub-merchant's
//!   order through the same four channels; query by `transaction_id` or `out_trade_no`, close.
//! - Front-end hand-off ([`invoke`]): a JSAPI / APP prepay answers a [`JsapiPrepay`] /
//!   [`AppPrepay`] that re-signs itself into the parameters `wx.requestPayment` or the APP
//!   SDK need; H5 and Native answer an [`H5Url`] / [`CodeUrl`].
//!
//! Every call is a typed [`Operation`](wechatpay_transport::Operation) executed by
//! `wechatpay-transport`, which signs, sends, retries and verifies; this crate adds the
//! per-endpoint rules. Prepay requests are checked before anything is sent ([`validate`]:
//! 1–50 sub-orders, distinct `out_trade_no`s, positive amounts, lengths, channel members)
//! and are marked idempotent, because WeChat Pay deduplicates them by `out_trade_no`.
//! The request and response types are `wechatpay_models::payments`.
//!
//! ```no_run
//! use wechatpay_models::payments::CombinePrepayRequest;
//! use wechatpay_payments::{Combine, TradeStateExt};
//!
//! # async fn run(transport: wechatpay_transport::Transport, signer: wechatpay_crypto::MerchantSigner, cart: CombinePrepayRequest) -> Result<(), Box<dyn std::error::Error>> {
//! let combine = Combine::new(transport);
//! // 1. Create the order; a 51st sub-order or a duplicate out_trade_no fails here, unsent.
//! let prepay = combine.prepay_jsapi(&cart).send().await?;
//! // 2. Hand the re-signed parameters to the mini program's wx.requestPayment.
//! let params = prepay.invoke_params(&signer)?;
//! // 3. After the TRANSACTION.SUCCESS callback (wechatpay-notify), or to be sure, query.
//! let order = combine.query(&cart.combine_out_trade_no).send().await?;
//! if order.sub_orders.iter().all(|s| s.trade_state.is_paid()) {
//!     println!("paid; pay sign was {}", params.pay_sign);
//! }
//! # Ok(()) }
//! ```
//!
//! The checks also run on their own, e.g. before storing a cart:
//!
//! ```
//! use wechatpay_models::payments::{CombinePrepayRequest, PrepayChannel};
//! # let cart: CombinePrepayRequest = serde_json::from_value(serde_json::json!({
//! #   "combine_appid": "wx8888888888888888", "combine_mchid": "1900000100",
//! #   "combine_out_trade_no": "P20260101000001", "notify_url": "https://shop.example.com/notify",
//! #   "sub_orders": [{"mchid": "1900000100", "attach": "", "out_trade_no": "T20260101000001",
//! #     "sub_mchid": "1900000109", "description": "QQ公仔",
//! #     "amount": {"total_amount": 0, "currency": "CNY"}}]}))?;
//! let err = wechatpay_payments::validate::combine_prepay(&cart, PrepayChannel::Native).unwrap_err();
//! assert_eq!(err.to_string(), "invalid /sub_orders/0/amount/total_amount: must be at least 1, is 0");
//! # Ok::<(), serde_json::Error>(())
//! ```
#![forbid(unsafe_code)]
// Input from the network, files and callbacks must never panic (issue #10): no unwrap, expect,
// panic or unchecked indexing outside tests. A provably infallible case keeps a local
// `#[allow]` with a comment saying why.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
#![cfg_attr(
    test,
    allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)
)]

mod call;
pub mod channel;
pub mod combine;
pub mod invoke;
pub mod partner;
mod trade_state;
pub mod validate;

#[cfg(test)]
mod test_requests;

pub use crate::call::Call;
pub use crate::combine::Combine;
pub use crate::invoke::{AppPrepay, CodeUrl, H5Url, JsapiPrepay, PrepayId};
pub use crate::partner::Partner;
pub use crate::trade_state::TradeStateExt;

/// The request and response types of this crate's endpoints.
pub use wechatpay_models::payments as models;
/// The errors of every call.
pub use wechatpay_transport::Error;
