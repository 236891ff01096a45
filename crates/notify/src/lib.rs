//! # wechatpay-notify
//!
//! WeChat Pay APIv3 callbacks (回调通知) for 平台收付通, with any web framework: give
//! [`NotifyParser::parse`] the request's [`http::HeaderMap`] and raw body bytes, get back a
//! [`Verified`] typed [`Event`], answer with [`ack`] or [`Error::reply`].
//!
//! Parsing a callback:
//!
//! 1. refuses a body over [`MAX_BODY_BYTES`] (64 KiB) and bounded-length `Wechatpay-*` headers;
//! 2. verifies `Wechatpay-Signature` over the raw body with the key named by
//!    `Wechatpay-Serial` (platform certificate or WeChat Pay public key), within ±300 s of the
//!    [`Clock`](wechatpay_crypto::Clock), refusing `WECHATPAY/SIGNTEST/` probes;
//! 3. reads the envelope, then decrypts its `resource` (`AEAD_AES_256_GCM` under the APIv3 key,
//!    absent `associated_data` taken as empty);
//! 4. decodes the resource by `event_type` into [`Event`] (partner or combined payment, refund
//!    success / abnormal / closed, profit sharing and its return, withdrawal change, or
//!    [`Event::Unknown`] with the JSON), or into your own type with
//!    [`NotifyParser::parse_as`].
//!
//! A [`Verified`] has no public constructor, so an event can only come out of these checks.
//! The keys come from any [`VerifySignature`](wechatpay_crypto::VerifySignature): a
//! [`Verifier`](wechatpay_crypto::Verifier) loaded with the platform certificates / public key,
//! or the HTTP client's refreshing key store. This crate itself needs no HTTP client.
//!
//! ```
//! use std::sync::Arc;
//! use wechatpay_crypto::{ApiV3Key, Certificate, FixedClock, Verifier};
//! use wechatpay_notify::{Event, NotifyParser};
//!
//! # let cert_pem = include_str!("../../../fixtures/vectors/keys/wechatpay_platform_cert.pem");
//! # let vectors: serde_json::Value =
//! #     serde_json::from_str(include_str!("../../../fixtures/vectors/notify_vectors.json"))?;
//! # let n01 = &vectors["cases"][0];
//! # let mut headers = http::HeaderMap::new();
//! # for (name, value) in n01["headers"].as_object().ok_or("headers")? {
//! #     let value = value.as_str().ok_or("header value")?;
//! #     headers.insert(http::HeaderName::from_bytes(name.as_bytes())?, value.parse()?);
//! # }
//! # let body = n01["body"].as_str().ok_or("body")?.as_bytes();
//! // Trust WeChat Pay's platform certificate (or its public key), and hold the APIv3 key.
//! let mut verifier = Verifier::new();
//! verifier.add_certificate(Certificate::from_pem(cert_pem)?);
//! let api_v3_key = ApiV3Key::new("TestOnlyApiV3Key0123456789abcdef")?;
//! let parser = NotifyParser::new(verifier, api_v3_key)
//!     // The test vector was signed on 2025-01-01; a real receiver keeps the system clock.
//!     .with_clock(Arc::new(FixedClock::new(1_735_699_000)));
//!
//! // In the handler, whatever the framework: the headers and the raw body bytes.
//! let reply = match parser.parse(&headers, body) {
//!     Ok(notification) => {
//!         // WeChat Pay may deliver a notification more than once: handle it idempotently.
//!         println!("{} {}", notification.id(), notification.summary());
//!         match notification.resource() {
//!             Event::PartnerTransactionSuccess(tx) => {
//!                 assert_eq!(tx.out_trade_no, "1217752501201407033233368018");
//!                 assert_eq!(tx.amount.total, 100);
//!             }
//!             Event::RefundSuccess(refund) => println!("refunded {}", refund.out_refund_no),
//!             other => println!("{}: {other:?}", notification.event_type()),
//!         }
//!         wechatpay_notify::ack() // 200, empty body
//!     }
//!     // Refused: {"code":"FAIL","message":…} with a 4xx/5xx, and WeChat Pay retries.
//!     Err(e) => e.reply(),
//! };
//! assert_eq!(reply.status(), 200);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Replies
//!
//! [`ack`] (200) or [`ack_no_content`] (204) with no body says the notification was handled;
//! [`fail`] and [`Error::reply`] give `{"code":"FAIL","message":"…"}` with a 4xx/5xx status,
//! after which WeChat Pay delivers again (15 s, 15 s, 30 s, 3 min … for about 24 h). They are
//! `http::Response<Bytes>`; `into_parts()` gives status and body to frameworks with their own
//! types.
//!
//! # Features
//!
//! - `aws-lc` (default) or `rustcrypto`: the backend of `wechatpay-crypto`.
//! - `axum`: [`Verified<Event>`] and `Verified<T: DeserializeOwned>` become axum extractors;
//!   see the `axum` module (present with the feature). It depends on `axum-core`, not on
//!   axum or hyper.
#![forbid(unsafe_code)]
// Input from the network, files and callbacks must never panic (issue #10): no unwrap, expect,
// panic or unchecked indexing outside tests. A provably infallible case keeps a local
// `#[allow]` with a comment saying why.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
#![cfg_attr(
    test,
    allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)
)]

mod error;
mod event;
mod headers;
mod parser;
pub mod reply;
mod verified;

#[cfg(feature = "axum")]
pub mod axum;

pub use error::{Error, HeaderProblem};
pub use event::Event;
pub use parser::{NotifyParser, MAX_BODY_BYTES};
pub use reply::{ack, ack_no_content, fail};
pub use verified::Verified;
