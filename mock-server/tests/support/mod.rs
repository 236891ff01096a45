//! Helpers shared by the integration tests: JSON calls to the admin API over loopback and a
//! bounded wait for a condition on the mock's state.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;
use wechatpay_mock::MockServer;

/// Calls the admin API and returns the status and the JSON answer.
pub(crate) async fn admin(
    mock: &MockServer,
    method: &str,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let mut b = http::Request::builder().method(method).uri(format!(
        "{}{}{path}",
        mock.base_url(),
        wechatpay_mock::ADMIN_PREFIX
    ));
    let bytes = match body {
        Some(v) => {
            b = b.header("content-type", "application/json");
            Bytes::from(v.to_string())
        }
        None => Bytes::new(),
    };
    let response = client.request(b.body(Full::new(bytes)).unwrap()).await.unwrap();
    let status = response.status().as_u16();
    let body = response.into_body().collect().await.unwrap().to_bytes();
    (status, serde_json::from_slice(&body).unwrap_or(Value::Null))
}

// Each test binary compiles this module; the fault tests have nothing to wait for.
#[allow(dead_code)]
/// Polls `check` every 10 ms until it gives a value; fails the test after 10 s. Used to wait
/// for the dispatcher, never to measure time.
pub(crate) async fn wait_for<T>(what: &str, mut check: impl FnMut() -> Option<T>) -> T {
    for _ in 0..1_000 {
        if let Some(v) = check() {
            return v;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("gave up waiting for {what}");
}
