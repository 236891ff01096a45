//! # wechatpay-oauth
//!
//! The payer's openid, which JSAPI and mini-program payments need (`payer.sp_openid` /
//! `sub_openid`, `combine_payer_info.openid`): an openid is per appid, so get it under the
//! appid the page or mini program runs as.
//!
//! - Official account pages (公众号网页授权): send the user to WeChat's authorize page; it
//!   redirects back with `?code=…`; [`OAuthClient::web_access_token`] exchanges the code
//!   (`GET /sns/oauth2/access_token`).
//! - Mini programs (小程序登录): `wx.login()` gives a code; [`OAuthClient::jscode2session`]
//!   exchanges it (`GET /sns/jscode2session`).
//!
//! These endpoints live on `api.weixin.qq.com` and are not WeChat Pay APIv3: no signature,
//! the app secret in the query, errors as `{"errcode":40029,"errmsg":"invalid code"}` in a
//! 200 answer, typed here as [`Error::Api`] with an [`ErrCode`]. The HTTP client is
//! `wechatpay-transport`'s ([`HyperClient`](wechatpay_transport::HyperClient) by default, or
//! any [`HttpClient`](wechatpay_transport::HttpClient)); the base URL is configurable (the
//! mock server serves both endpoints). The app secret, tokens and session key are
//! [`Secret`]s: wiped on drop, never printed.
//!
//! ```no_run
//! use wechatpay_oauth::OAuthClient;
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let mini_program = OAuthClient::builder()
//!     .appid("wxd678efh567hg6999")
//!     .secret(std::env::var("MINI_PROGRAM_SECRET")?)
//!     .build()?;
//! let session = mini_program.jscode2session("0a3bCd000RkzxQ1nKB200kLyKt2bCd0L").await?;
//! println!("pay as {}", session.openid); // → payer.sub_openid / combine_payer_info.openid
//! # Ok(()) }
//! ```
//!
//! Errors name what to do:
//!
//! ```
//! use wechatpay_oauth::{ErrCode, Error, WechatError};
//! let err = Error::Api(WechatError::new(40163, "code been used, rid: 6523a1f0-1b2c3d4e"));
//! assert!(err.is_code(ErrCode::CodeBeenUsed)); // a reloaded page: authorize again
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

mod answer;
mod client;
mod error;
mod secret;

pub use crate::answer::{MiniProgramSession, WebAccessToken};
pub use crate::client::{
    OAuthClient, OAuthClientBuilder, DEFAULT_BASE_URL, DEFAULT_TIMEOUT, MAX_ANSWER_BYTES,
};
pub use crate::error::{ConfigError, ErrCode, Error, WechatError};
pub use crate::secret::Secret;
