//! # wechatpay-profitsharing
//!
//! Settling sub-merchant money on a WeChat Pay 平台收付通 platform (onboarding guide §5.4):
//!
//! - [`ProfitSharing`] (分账): an order paid with `settle_info.profit_sharing = true` lands
//!   frozen in the sub-merchant's account (180 days by default). The platform
//!   [`create_order`](ProfitSharing::create_order)s splits to receivers (at most 30 % of the
//!   order by default, several splits per order), [`create_return`](ProfitSharing::create_return)s
//!   a split from a merchant receiver, [`finish`](ProfitSharing::finish)es the order (the rest
//!   is unfrozen to the sub-merchant), asks what is left with
//!   [`query_amounts`](ProfitSharing::query_amounts), and manages the platform's receivers
//!   ([`add_receiver`](ProfitSharing::add_receiver) / [`delete_receiver`](ProfitSharing::delete_receiver)).
//! - [`Subsidies`] (补差): the platform tops up an order that declared
//!   `settle_info.subsidy_amount` ([`create`](Subsidies::create)), takes the subsidy back after
//!   a refund ([`return_subsidy`](Subsidies::return_subsidy)) or declares it will not subsidise
//!   ([`cancel`](Subsidies::cancel)).
//!
//! A personal receiver's real name (`receiver_name` of a split, `encrypted_name` of a new
//! receiver) is the only sensitive member here: fill it in plaintext, it is RSA-OAEP-encrypted
//! to the WeChat Pay public key or platform certificate and `Wechatpay-Serial` is set while the
//! request is built. Requests are checked before anything is sent ([`validate`]): 1–50
//! receivers, positive amounts, the merchant-number alphabet, lengths, the `appid` a personal
//! receiver needs. Splits, returns and finishes are deduplicated by WeChat Pay on their merchant
//! number and therefore marked idempotent (retried by the transport).
//!
//! ```
//! use wechatpay_profitsharing::*;
//!
//! let split = CreateOrderRequest {
//!     appid: None,
//!     sub_mchid: "1900000109".into(),
//!     transaction_id: "4200000000000000000000000001".into(),
//!     out_order_no: "P20260101000001".into(),
//!     receivers: vec![],
//!     finish: false,
//!     notify_url: None,
//! };
//! let err = validate::create_order(&split).unwrap_err();
//! assert_eq!(err.to_string(), "invalid /receivers: must hold 1 to 50 receivers, holds 0");
//! ```
//!
//! Every call is also a public [`Operation`](wechatpay_transport::Operation): [`CreateOrder`],
//! [`QueryOrder`], [`CreateReturn`], [`QueryReturn`], [`FinishOrder`], [`QueryAmounts`],
//! [`AddReceiver`], [`DeleteReceiver`], [`CreateSubsidy`], [`ReturnSubsidy`],
//! [`CancelSubsidy`]. docs/guides/settlement.md shows the money flow against the mock server.
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
mod subsidies;
pub mod validate;

pub use operations::{
    AddReceiver, CreateOrder, CreateReturn, DeleteReceiver, FinishOrder, ProfitSharing,
    QueryAmounts, QueryOrder, QueryReturn,
};
pub use subsidies::{CancelSubsidy, CreateSubsidy, ReturnSubsidy, Subsidies};
pub use wechatpay_models::profitsharing::*;
pub use wechatpay_models::subsidy::*;
pub use wechatpay_transport::{BuildError, Error, Transport};
