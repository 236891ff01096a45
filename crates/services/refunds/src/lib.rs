//! # wechatpay-refunds
//!
//! Refunds (退款) on a WeChat Pay 平台收付通 platform, for orders of its sub-merchants:
//!
//! - [`Refunds::apply`]: ask for a refund of a paid order (named by `transaction_id` or
//!   `out_trade_no`), in full or in part. Accepted is not refunded: follow the refund with
//!   [`Refunds::query_by_id`] / [`Refunds::query_by_out_refund_no`] or the `REFUND.*`
//!   callbacks until its [`RefundStatus`] is final ([`RefundStatusExt::is_final`]).
//! - [`Refunds::return_advance`]: after a refund the platform advanced
//!   (`refund_account = REFUND_SOURCE_PARTNER_ADVANCE`), take the money back from the
//!   sub-merchant (垫付退款回补); [`Refunds::query_return_advance`] reads its result.
//!
//! WeChat Pay deduplicates refunds by `out_refund_no`, so [`ApplyRefund`] is marked idempotent:
//! the transport retries it on `5xx`, `429` and connection failures, and the same
//! `out_refund_no` never refunds twice. Retry a refund whose outcome you do not know with the
//! same `out_refund_no`, never a new one. What can be checked locally is checked before
//! anything is sent ([`validate_apply`]): a positive refund no larger than the order total,
//! one order number, the `out_refund_no` alphabet, lengths.
//!
//! Every call is also a public [`Operation`](wechatpay_transport::Operation)
//! ([`ApplyRefund`], [`QueryRefundById`], [`QueryRefundByOutRefundNo`], [`ReturnAdvance`],
//! [`QueryReturnAdvance`]) for [`Transport::execute`].
//!
//! ```
//! use wechatpay_refunds::*;
//!
//! let request = RefundApplyRequest {
//!     sub_mchid: "1900000109".into(),
//!     sp_appid: "wx8888888888888888".into(),
//!     sub_appid: None,
//!     transaction_id: Some("4200000000000000000000000001".into()),
//!     out_trade_no: None,
//!     out_refund_no: "R20260101000001".into(),
//!     reason: Some("商品已售完".into()),
//!     amount: RefundApplyAmount { refund: 1_500, from: None, total: 1_000, currency: Currency::Cny },
//!     notify_url: None,
//!     refund_account: None,
//!     funds_account: None,
//! };
//! // Refunding more than the order total fails here, unsent.
//! let err = validate_apply(&request).unwrap_err();
//! assert_eq!(err.to_string(), "invalid /amount/refund: 1500 fen is more than the order total of 1000 fen");
//! ```
//!
//! docs/guides/settlement.md walks through refunds, profit sharing and subsidies against the
//! mock server.
#![forbid(unsafe_code)]
// Input from the network, files and callbacks must never panic (issue #10): no unwrap, expect,
// panic or unchecked indexing outside tests. A provably infallible case keeps a local
// `#[allow]` with a comment saying why.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
#![cfg_attr(
    test,
    allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)
)]

mod operations;
mod status;
mod validate;

pub use operations::{
    ApplyRefund, QueryRefundById, QueryRefundByOutRefundNo, QueryReturnAdvance, Refunds,
    ReturnAdvance,
};
pub use status::RefundStatusExt;
pub use validate::{validate_apply, MAX_OUT_REFUND_NO_CHARS, MAX_REASON_CHARS};
pub use wechatpay_models::amount::Currency;
pub use wechatpay_models::refund::*;
pub use wechatpay_transport::{BuildError, Error, Transport};
