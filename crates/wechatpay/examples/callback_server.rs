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

use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;
use wechatpay::crypto::ApiV3Key;
use wechatpay::notify::axum::NotifyRejection;
use wechatpay::notify::{Event, Verified};
use wechatpay::{Client, KeyMode};

/// The mock's built-in test identity (fixtures/vectors/test_identity.json): TEST ONLY.
const TEST_KEY_PEM: &str = include_str!("../../../fixtures/vectors/keys/apiclient_key.pem");
const TEST_SERIAL: &str = "3A2B1C0D9E8F7A6B5C4D3E2F1A0B9C8D7E6F5A4B";
const TEST_APIV3_KEY: &str = "TestOnlyApiV3Key0123456789abcdef";

fn env_or(name: &str, default: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| default.to_owned())
}

/// Handles one callback. WeChat Pay may deliver a notification more than once: act on it
/// idempotently (keyed by the order number), then answer 2xx.
async fn on_notify(notification: Result<Verified<Event>, NotifyRejection>) -> StatusCode {
    let notification = match notification {
        Ok(n) => n,
        Err(rejected) => {
            // Forged, stale or undecryptable: WeChat Pay is told to try again.
            eprintln!("refused a callback: {rejected}");
            return rejected.status();
        }
    };
    match notification.resource() {
        Event::CombineTransactionSuccess(order) => {
            println!(
                "cart {} paid ({} sub-orders)",
                order.combine_out_trade_no,
                order.sub_orders.len()
            );
        }
        Event::PartnerTransactionSuccess(order) => {
            println!(
                "order {} of {} paid: {} fen",
                order.out_trade_no, order.sub_mchid, order.amount.total
            );
        }
        Event::RefundSuccess(refund) => println!("refund {} done", refund.out_refund_no),
        other => println!("{}: {other:?}", notification.event_type()),
    }
    StatusCode::NO_CONTENT
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

    let app = Router::new()
        .route("/wechatpay/notify", post(on_notify))
        .with_state(client.notify_parser()?);
    let listener = tokio::net::TcpListener::bind(env_or("LISTEN", "127.0.0.1:3000")).await?;
    println!("receiving callbacks on http://{}/wechatpay/notify", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}
