//! # wechatpay
//!
//! The front door of wechatpay-rs, a Rust SDK for WeChat Pay APIv3 **平台收付通** (the
//! e-commerce platform product): one [`Client`] per platform merchant, an accessor per API
//! area, each area behind a cargo feature that pulls only its service crate.
//!
//! | accessor | area | feature |
//! | --- | --- | --- |
//! | [`Client::applyments`], [`Client::settlement`] | onboarding (二级商户进件), settlement accounts | `applyment` |
//! | [`Client::media`] | image / video upload | `media` |
//! | [`Client::combine`], [`Client::partner`] | 合单支付, partner-mode 普通支付 | `payments` |
//! | [`Client::refunds`] | refunds, advance-refund returns | `refunds` |
//! | [`Client::profit_sharing`], [`Client::subsidies`] | 分账, 补差 | `profitsharing` |
//! | [`Client::fund`] | balances, withdrawals | `fund` |
//! | [`Client::bills`] | trade and fund-flow bills | `bill` |
//! | [`Client::notify_parser`] | callbacks (verified, decrypted, typed) | `notify` (`axum` adds the extractor) |
//! | [`Client::transport`] | any endpoint, signed and verified: [`Transport::request`] | always |
//!
//! Every area is on by default. The service crates are re-exported as modules
//! ([`applyment`], [`media`], [`payments`], [`refunds`], [`profitsharing`], [`fund`],
//! [`bill`], [`oauth`], [`notify`]), beside [`transport`], [`crypto`] and [`models`].
//!
//! ## Quick start, against the mock server
//!
//! `wechatpay-mock` is the sandbox WeChat Pay never shipped; it runs in-process (or as
//! `cargo run -p wechatpay-mock`). With its test credentials:
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! use wechatpay::{Client, KeyMode};
//!
//! let mock = wechatpay_mock::MockServer::start().await;
//! let id = mock.identity();
//! let client = Client::builder()
//!     .mchid(&id.mchid)
//!     .merchant_key_pem(id.merchant_private_key_pem.as_deref().ok_or("no key")?, id.merchant_serial.as_str())
//!     .api_v3_key(id.api_v3_key()?)
//!     .key_mode(KeyMode::PlatformCertificates)
//!     .base_url(mock.base_url())
//!     // The mock's clock can be moved; sign on the same clock.
//!     .clock(Arc::new(mock.state().tenants().default_tenant().clock().clone()))
//!     .build()?;
//!
//! let account = client.settlement().query("1900000109").await?;
//! println!("settles to {} ({:?})", account.account_bank, account.verify_result);
//! match client.combine().query("P20260101000001").await {
//!     Err(e) if e.is_code("ORDER_NOT_EXIST") => println!("no such order, as expected"),
//!     other => panic!("unexpected: {other:?}"),
//! }
//! # Ok(()) }
//! ```
//!
//! In production, drop `base_url` and `clock`, load `apiclient_key.pem`, and pick the key
//! mode of the merchant (docs/migration.md). `cargo run --example platform_tour` walks the
//! whole journey, from uploading ID images to reconciling a bill.
//!
//! ## One example per area
//!
//! Onboarding ([`applyment`]): submit, then guide the seller with [`applyment::next_steps`].
//!
//! ```no_run
//! # async fn run(client: wechatpay::Client, request: wechatpay::applyment::SubmitApplymentRequest) -> Result<(), wechatpay::Error> {
//! let submitted = client.applyments().submit(&request).await?;
//! let applyment = client.applyments().query_by_id(submitted.applyment_id).await?;
//! for step in wechatpay::applyment::next_steps(&applyment) {
//!     println!("{step:?}"); // Sign { url }, VerifyAccount { .. }, Done { sub_mchid } …
//! }
//! # Ok(()) }
//! ```
//!
//! Media ([`media`]): the MediaIDs an application references.
//!
//! ```no_run
//! # async fn run(client: wechatpay::Client) -> Result<(), Box<dyn std::error::Error>> {
//! let media_id = client.media().upload_image("id_front.jpg", std::fs::read("id_front.jpg")?).await?;
//! # let _ = media_id; Ok(()) }
//! ```
//!
//! Settlement accounts:
//!
//! ```no_run
//! # async fn run(client: wechatpay::Client) -> Result<(), wechatpay::Error> {
//! let account = client.settlement().query("1900000109").await?;
//! println!("{:?}", account.verify_result);
//! # Ok(()) }
//! ```
//!
//! Payments ([`payments`]): a combined order, then a partner order's state.
//!
//! ```no_run
//! # async fn run(client: wechatpay::Client, cart: wechatpay::payments::models::CombinePrepayRequest) -> Result<(), wechatpay::Error> {
//! use wechatpay::payments::TradeStateExt;
//! let prepay = client.combine().prepay_native(&cart).await?; // a QR code URL
//! let order = client.combine().query(&cart.combine_out_trade_no).await?;
//! let paid = order.sub_orders.iter().all(|s| s.trade_state.is_paid());
//! let one = client.partner().query_by_out_trade_no("T20260101000001", "1900000109").await?;
//! # let _ = (prepay, paid, one); Ok(()) }
//! ```
//!
//! Refunds ([`refunds`]):
//!
//! ```no_run
//! # async fn run(client: wechatpay::Client, request: wechatpay::refunds::RefundApplyRequest) -> Result<(), wechatpay::Error> {
//! use wechatpay::refunds::RefundStatusExt;
//! let accepted = client.refunds().apply(&request).await?;
//! let refund = client.refunds().query_by_id(&request.sub_mchid, &accepted.refund_id).await?;
//! println!("final: {}", refund.status.is_final());
//! # Ok(()) }
//! ```
//!
//! Profit sharing and subsidies ([`profitsharing`]):
//!
//! ```no_run
//! # async fn run(client: wechatpay::Client, split: wechatpay::profitsharing::CreateOrderRequest) -> Result<(), wechatpay::Error> {
//! client.profit_sharing().create_order(&split).await?;
//! let left = client.profit_sharing().query_amounts(&split.transaction_id).await?.unsplit_amount;
//! println!("{left} fen still frozen");
//! # Ok(()) }
//! ```
//!
//! Balances and withdrawals ([`fund`]):
//!
//! ```no_run
//! # async fn run(client: wechatpay::Client) -> Result<(), wechatpay::Error> {
//! let balance = client.fund().sub_balance("1900000109", None).await?;
//! println!("{} fen available", balance.available_amount);
//! # Ok(()) }
//! ```
//!
//! Bills ([`bill`]): a day's trade bill, downloaded, checked and parsed.
//!
//! ```no_run
//! # async fn run(client: wechatpay::Client) -> Result<(), Box<dyn std::error::Error>> {
//! use wechatpay::bill::{Date, DownloadOptions, TradeBillParams};
//! let params = TradeBillParams { bill_date: Date::parse("2026-01-05")?, sub_mchid: None, bill_type: None, tar_type: None };
//! let info = client.bills().trade_bill(&params).await?;
//! let file = client.bills().download(&info, &DownloadOptions::plain(), "trade.csv".as_ref()).await?;
//! println!("{} orders", file.trade_bill()?.summary.count);
//! # Ok(()) }
//! ```
//!
//! Callbacks ([`notify`]): verified with the client's keys, typed.
//!
//! ```no_run
//! # fn run(client: wechatpay::Client, headers: wechatpay::transport::http::HeaderMap, body: bytes::Bytes) -> Result<(), Box<dyn std::error::Error>> {
//! use wechatpay::notify::Event;
//! let parser = client.notify_parser()?;
//! let reply = match parser.parse(&headers, &body) {
//!     Ok(n) => {
//!         if let Event::CombineTransactionSuccess(order) = n.resource() {
//!             println!("paid: {}", order.combine_out_trade_no);
//!         }
//!         wechatpay::notify::ack()
//!     }
//!     Err(e) => e.reply(),
//! };
//! # let _ = reply; Ok(()) }
//! ```
//!
//! Any other endpoint, signed and verified ([`Transport::request`]):
//!
//! ```no_run
//! # async fn run(client: wechatpay::Client) -> Result<(), wechatpay::Error> {
//! use wechatpay::transport::http::Method;
//! let answer: serde_json::Value = client
//!     .transport()
//!     .request(Method::GET, "/v3/ecommerce/fund/balance/1900000109")
//!     .send_json()
//!     .await?;
//! # let _ = answer; Ok(()) }
//! ```
//!
//! ## Features
//!
//! `applyment`, `media`, `payments`, `refunds`, `profitsharing`, `fund`, `bill`, `oauth`,
//! `notify` (all on by
//! default) and `axum` (the [`notify`] extractor). `default-features = false` with the areas
//! you use keeps the rest out of the build.
#![forbid(unsafe_code)]

mod builder;
mod client;
mod error;

pub use builder::ClientBuilder;
pub use client::Client;
pub use error::ConfigError;
#[cfg(feature = "notify")]
pub use error::NotifyConfigError;

/// The error of every call: build, dispatch, verification, or WeChat Pay's answer.
pub use wechatpay_transport::Error;
pub use wechatpay_transport::{KeyMode, RetryPolicy, Transport};

/// Keys, certificates, signatures: `wechatpay-crypto`.
pub use wechatpay_crypto as crypto;
/// The request and response types of every endpoint: `wechatpay-models`.
pub use wechatpay_models as models;
/// Signed HTTP, the key store and the low-level request builder: `wechatpay-transport`.
pub use wechatpay_transport as transport;

/// Onboarding and settlement accounts: `wechatpay-applyment`.
#[cfg(feature = "applyment")]
pub use wechatpay_applyment as applyment;
/// Bills: `wechatpay-bill`.
#[cfg(feature = "bill")]
pub use wechatpay_bill as bill;
/// Balances and withdrawals: `wechatpay-fund`.
#[cfg(feature = "fund")]
pub use wechatpay_fund as fund;
/// Image and video upload: `wechatpay-media`.
#[cfg(feature = "media")]
pub use wechatpay_media as media;
/// Callbacks: `wechatpay-notify`.
#[cfg(feature = "notify")]
pub use wechatpay_notify as notify;
/// The payer's openid (OAuth code exchange): `wechatpay-oauth`.
#[cfg(feature = "oauth")]
pub use wechatpay_oauth as oauth;
/// 合单支付 and partner-mode 普通支付: `wechatpay-payments`.
#[cfg(feature = "payments")]
pub use wechatpay_payments as payments;
/// Profit sharing and subsidies: `wechatpay-profitsharing`.
#[cfg(feature = "profitsharing")]
pub use wechatpay_profitsharing as profitsharing;
/// Refunds: `wechatpay-refunds`.
#[cfg(feature = "refunds")]
pub use wechatpay_refunds as refunds;
