//! An axum server that receives WeChat Pay callbacks, verified and decrypted by the
//! `wechatpay::notify` extractor with the client's keys.
//!
//! ```sh
//! cargo run -p wechatpay-mock &                      # WeChat Pay, on 127.0.0.1:9966
//! cargo run --example callback_server                # listens on 127.0.0.1:3000
//! ```
//!
//! Point an order's `notify_url` at `http://127.0.0.1:3000/wechatpay/notify`, or have the mock
//! send a test callback: `POST /mock/admin/callbacks` (docs/mock-server.md, "Callbacks").
//! Settings come from the environment: `WECHATPAY_BASE_URL`, `WECHATPAY_MCHID`,
//! `WECHATPAY_MERCHANT_KEY` (a PEM file), `WECHATPAY_MERCHANT_SERIAL`, `WECHATPAY_APIV3_KEY`;
//! the defaults are the mock's test credentials.
//!
//! The endpoint (examples/support/notify_handler.rs) acts on each notification id once and
//! acknowledges every verified copy: WeChat Pay delivers at least once, and retries for a day.

#[path = "support/notify_handler.rs"]
mod notify_handler;

use std::sync::Arc;

use notify_handler::{describe, OnEvent, Receiver, NOTIFY_PATH};
use wechatpay::crypto::ApiV3Key;
use wechatpay::notify::{Event, Verified};
use wechatpay::{Client, KeyMode};

/// The mock's built-in test identity (fixtures/vectors/test_identity.json): TEST ONLY.
const TEST_KEY_PEM: &str = include_str!("../../../fixtures/vectors/keys/apiclient_key.pem");
const TEST_SERIAL: &str = "3A2B1C0D9E8F7A6B5C4D3E2F1A0B9C8D7E6F5A4B";
const TEST_APIV3_KEY: &str = "TestOnlyApiV3Key0123456789abcdef";

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

/// The application: here it prints each notification; a shop would mark the order paid.
/// `notify_handler` calls it once per notification id, however often WeChat Pay delivers.
struct PrintEvents;

impl OnEvent for PrintEvents {
    fn on_event(&self, notification: &Verified<Event>) -> Result<(), String> {
        println!("{} {}", notification.id(), describe(notification));
        Ok(())
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let key_pem = match std::env::var("WECHATPAY_MERCHANT_KEY") {
        Ok(path) => std::fs::read_to_string(path)?,
        Err(_) => TEST_KEY_PEM.to_owned(),
    };
    let client = Client::builder()
        .mchid(env_or("WECHATPAY_MCHID", "1900000100"))
        .merchant_key_pem(key_pem, env_or("WECHATPAY_MERCHANT_SERIAL", TEST_SERIAL))
        .api_v3_key(ApiV3Key::new(env_or("WECHATPAY_APIV3_KEY", TEST_APIV3_KEY))?)
        .key_mode(KeyMode::PlatformCertificates)
        .base_url(env_or("WECHATPAY_BASE_URL", "http://127.0.0.1:9966"))
        // Keeps the platform certificates fresh although this process makes no API calls.
        .refresh_certificates_in_background(true)
        .build()?;
    // The first download, so the first callback already finds its certificate.
    client.transport().refresh_certificates().await?;

    let app = Receiver::new(client.notify_parser()?, Arc::new(PrintEvents)).router();
    let listener = tokio::net::TcpListener::bind(env_or("LISTEN", "127.0.0.1:3000")).await?;
    println!("receiving callbacks on http://{}{NOTIFY_PATH}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}
