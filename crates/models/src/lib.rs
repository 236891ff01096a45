//! Data types for WeChat Pay APIv3 平台收付通 (e-commerce platform).
//!
//! Plain serde types, shared by the SDK and the mock server so the two cannot drift apart.
//! There is no I/O and no cryptography here: `wechatpay-transport` sends and verifies,
//! `wechatpay-notify` verifies and decrypts callbacks, and both hand their JSON to these types.
//!
//! # Conventions
//!
//! - Field names are WeChat Pay's JSON member names, unchanged (`r#type` for `type`).
//! - Optional members are `Option<T>`; absent ones are omitted when serializing, so a value
//!   serializes to exactly the shape WeChat Pay sends. Unknown members are ignored.
//! - Amounts are `i64` fen (分); see [`amount`].
//! - Times are [`time::DateTime`] (RFC 3339, offset kept, e.g. `2024-05-20T13:29:35+08:00`)
//!   and [`time::Date`] (`YYYY-MM-DD`).
//! - Every enum is *open*: a value this crate does not know parses into `Unknown(String)` and
//!   serializes back unchanged, so a new WeChat Pay value never breaks parsing.
//! - Path parameters are not fields: the SDK puts them in the path. Query strings have their
//!   own `…Params` types, which serialize for the SDK to URL-encode and deserialize for the
//!   mock server to read.
//! - Members WeChat Pay wants RSA-OAEP encrypted are plain `String`s holding plaintext or
//!   ciphertext; every request type names them through [`SensitiveFields`], and
//!   [`sensitive::visit_strings_mut`] walks them. `Debug` shows them as `"[redacted]"`
//!   ([`sensitive::fmt_redacted`]).
//! - Members only one source lists, or on which sources disagree, say so in their docs
//!   ("Uncertain: …").
//!
//! Each area module starts with a table of its endpoints (the ids of
//! `fixtures/api/endpoints.json`, method and path) and their request, query and response types.
//!
//! # Example
//!
//! A callback arrives as a [`notify::Notification`]; once `wechatpay-notify` has decrypted
//! its resource, the plaintext parses into the type its event names.
//!
//! ```
//! # #[cfg(feature = "refund")] {
//! use wechatpay_models::notify::{EventType, Notification};
//! use wechatpay_models::refund::{RefundNotification, RefundStatus};
//!
//! let body = r#"{"id":"EV-1","create_time":"2025-01-01T10:35:02+08:00",
//!     "resource_type":"encrypt-resource","event_type":"REFUND.SUCCESS","summary":"退款成功",
//!     "resource":{"original_type":"refund","algorithm":"AEAD_AES_256_GCM",
//!     "ciphertext":"…","associated_data":"refund","nonce":"0123456789ab"}}"#;
//! let notification: Notification = serde_json::from_str(body)?;
//! assert_eq!(notification.event_type, EventType::RefundSuccess);
//! assert_eq!(notification.create_time.to_string(), "2025-01-01T10:35:02+08:00");
//!
//! // What decrypting `notification.resource` yields:
//! let plaintext = r#"{"sp_mchid":"1900000100","sub_mchid":"1900000109",
//!     "transaction_id":"4289571342201911273244551234","out_trade_no":"T1",
//!     "refund_id":"50000000382019052709732678859","out_refund_no":"R1",
//!     "refund_status":"SUCCESS","success_time":"2025-01-02T09:00:00+08:00",
//!     "user_received_account":"招商银行信用卡0403",
//!     "amount":{"total":888,"refund":888,"payer_total":888,"payer_refund":888}}"#;
//! let refund: RefundNotification = serde_json::from_str(plaintext)?;
//! assert_eq!(refund.refund_status, RefundStatus::Success);
//! assert_eq!(refund.amount.refund, 888);
//! # }
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! # Features
//!
//! Each API area is a cargo feature of the same name, all enabled by default:
//! `applyment` (二级商户进件), `media` (图片/视频上传), `settlement` (结算账户), `payments`
//! (合单支付 and 普通支付), `refund` (退款), `profitsharing` (分账), `subsidy` (补差), `fund`
//! (余额), `withdraw` (提现) and `bill` (账单). The error body, notification envelope,
//! certificates, accounts, amounts, promotions, bill-file download info, sensitive-field
//! lists and times are always available.
#![forbid(unsafe_code)]
// Input from the network, files and callbacks must never panic (issue #10): no unwrap, expect,
// panic or unchecked indexing outside tests. A provably infallible case keeps a local
// `#[allow]` with a comment saying why.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
#![cfg_attr(
    test,
    allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)
)]

#[macro_use]
mod open_enum;

// Only applyment members accept integers written as strings.
#[cfg(feature = "applyment")]
mod integer;

pub mod account;
pub mod aead;
pub mod amount;
pub mod certificate;
pub mod download;
pub mod error;
pub mod formats;
pub mod notify;
pub mod promotion;
#[macro_use]
pub mod sensitive;
pub mod time;

#[cfg(feature = "applyment")]
pub mod applyment;
#[cfg(feature = "bill")]
pub mod bill;
#[cfg(feature = "fund")]
pub mod fund;
#[cfg(feature = "media")]
pub mod media;
#[cfg(feature = "payments")]
pub mod payments;
#[cfg(feature = "profitsharing")]
pub mod profitsharing;
#[cfg(feature = "refund")]
pub mod refund;
#[cfg(feature = "settlement")]
pub mod settlement;
#[cfg(feature = "subsidy")]
pub mod subsidy;
#[cfg(feature = "withdraw")]
pub mod withdraw;

pub use crate::error::ApiErrorBody;
pub use crate::sensitive::SensitiveFields;
pub use crate::time::{Date, DateTime};
