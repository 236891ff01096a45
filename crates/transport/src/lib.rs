//! # wechatpay-transport
//!
//! Everything about one HTTP exchange with WeChat Pay APIv3, and nothing about any particular
//! API: service crates describe requests ([`Operation`] → [`RequestSpec`]) and the
//! [`Transport`] executes them.
//!
//! One request path for every call:
//!
//! 1. **Build once.** Sensitive fields are RSA-OAEP-encrypted through the [`BuildContext`]
//!    (its key's serial goes in `Wechatpay-Serial`), the JSON body is serialised once and the
//!    query percent-encoded once: the bytes signed are the bytes sent.
//! 2. **Sign per attempt.** `Authorization: WECHATPAY2-SHA256-RSA2048 …` with the merchant
//!    key, plus `Accept`, `User-Agent` and `Content-Type`.
//! 3. **Send** through an [`HttpClient`] (hyper + rustls by default), with a timeout,
//!    retries with jittered exponential backoff ([`RetryPolicy`]) and failover to the backup
//!    host when the primary cannot be reached.
//! 4. **Verify before parsing.** A 2xx without a valid `Wechatpay-Signature` is an
//!    [`Error::Verify`], never data. Error answers are verified when signed; unsigned ones are
//!    reported as [`Error::Api`] with [`ApiError::is_verified`] false.
//!
//! The [`KeyStore`] holds WeChat Pay's keys in one of three [`KeyMode`]s: platform
//! certificates (downloaded from `/v3/certificates`, decrypted with the APIv3 key, verified
//! with themselves, refreshed every 12 h and at once, single-flight and rate limited, on an
//! unknown serial), the WeChat Pay public key, or both during a migration. It implements
//! [`wechatpay_crypto::VerifySignature`] for callback verification.
//!
//! ```no_run
//! use wechatpay_crypto::{ApiV3Key, PrivateKey, WechatPayPublicKey};
//! use wechatpay_transport::{http::Method, path, KeyMode, Transport};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let transport = Transport::builder()
//!     .mchid("1900000100")
//!     .merchant_key(PrivateKey::from_pem(std::fs::read("apiclient_key.pem")?)?, "3A2B1C0D9E8F7A6B5C4D3E2F1A0B9C8D7E6F5A4B")
//!     .api_v3_key(ApiV3Key::new("TestOnlyApiV3Key0123456789abcdef")?)
//!     .key_mode(KeyMode::PublicKey(WechatPayPublicKey::from_pem(
//!         "PUB_KEY_ID_0119000001002025010100000001",
//!         std::fs::read("pub_key.pem")?,
//!     )?))
//!     .build()?;
//!
//! let out_trade_no = "P20260101001";
//! let result = transport
//!     .request(Method::GET, path!["v3/pay/partner/transactions/out-trade-no", out_trade_no].as_str())
//!     .query("sp_mchid", "1900000100")
//!     .query("sub_mchid", "1900000109")
//!     .send_json::<serde_json::Value>()
//!     .await;
//! match result {
//!     Ok(order) => println!("state: {}", order["trade_state"]),
//!     Err(e) if e.is_code("ORDER_NOT_EXIST") => println!("no such order"),
//!     Err(e) => return Err(e.into()),
//! }
//! # Ok(()) }
//! ```
//!
//! Tracing: every exchange runs in a `wechatpay_request` span with `method`, `path` (without
//! the query), `status`, `request_id`, `latency_ms` and `attempts`. Secrets, the
//! `Authorization` value and bodies are never logged.
#![forbid(unsafe_code)]
// Input from the network, files and callbacks must never panic (issue #10): no unwrap, expect,
// panic or unchecked indexing outside tests. A provably infallible case keeps a local
// `#[allow]` with a comment saying why.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
#![cfg_attr(
    test,
    allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)
)]

mod builder;
mod certificates;
mod download;
mod error;
mod http_client;
mod hyper_client;
mod key_store;
mod multipart;
mod operation;
mod path;
mod request_builder;
mod response;
mod retry;
mod transport;

pub use builder::{
    TransportBuilder, DEFAULT_BACKUP_BASE_URL, DEFAULT_BASE_URL, DEFAULT_CERTIFICATE_REFRESH,
    DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_MIN_CERTIFICATE_REFRESH,
    DEFAULT_TIMEOUT,
};
pub use download::{ByteReader, ByteStream, Download};
pub use error::{
    ApiError, BuildError, ConfigError, DecodeError, DispatchError, DispatchErrorKind, Error,
    VerifyError,
};
pub use http_client::{HttpClient, HttpError, HttpErrorKind, ResponseBody, SharedHttpClient};
pub use hyper_client::HyperClient;
pub use key_store::{KeyMode, KeyStore};
pub use multipart::{Multipart, MAX_MEDIA_BYTES};
pub use operation::{BuildContext, Operation, RequestBody, RequestSpec, MAX_SENSITIVE_BYTES};
pub use path::{ApiPath, PathBuilder};
pub use request_builder::RequestBuilder;
pub use response::{
    RawResponse, REQUEST_ID, WECHATPAY_NONCE, WECHATPAY_SERIAL, WECHATPAY_SIGNATURE,
    WECHATPAY_SIGNATURE_TYPE, WECHATPAY_TIMESTAMP,
};
pub use retry::RetryPolicy;
pub use transport::{RefreshTask, Transport};

/// The `futures` `BoxFuture` that [`HttpClient::send`] returns.
pub use futures_util::future::BoxFuture;
/// The `http` crate, for [`Method`](http::Method), [`StatusCode`](http::StatusCode) and headers.
pub use http;
