//! The mock's admin API over HTTP (`/mock/admin/…`), for the examples and tests that play
//! WeChat Pay's side (the payer, the reviewers): `#[path = "../examples/support/admin.rs"] mod admin;`.

use std::time::Duration;

use futures_util::StreamExt;
use serde_json::Value;
use wechatpay::transport::{http, HttpClient, HyperClient};

/// What went wrong in an admin call.
pub(crate) type AdminError = Box<dyn std::error::Error + Send + Sync>;

/// A client of one mock's admin API.
#[derive(Debug)]
pub(crate) struct Admin {
    http: HyperClient,
    base_url: String,
}

impl Admin {
    /// The admin API of the mock at `base_url` (`http://127.0.0.1:<port>`).
    pub(crate) fn new(base_url: &str) -> Result<Self, AdminError> {
        Ok(Self { http: HyperClient::new(Duration::from_secs(10))?, base_url: base_url.to_owned() })
    }

    /// Calls `method path` (relative to `/mock/admin`) with a JSON body; a non-2xx answer is
    /// an error carrying the status and body.
    pub(crate) async fn call(
        &self,
        method: &str,
        path: &str,
        body: &Value,
    ) -> Result<Value, AdminError> {
        let uri = format!("{}{}{path}", self.base_url, wechatpay_mock::ADMIN_PREFIX);
        let body = if body.is_null() { bytes::Bytes::new() } else { body.to_string().into() };
        let request = http::Request::builder()
            .method(method)
            .uri(uri)
            .header("content-type", "application/json")
            .body(body)?;
        let response = self.http.send(request).await?;
        let status = response.status();
        let mut stream = response.into_body();
        let mut bytes = Vec::new();
        while let Some(chunk) = stream.next().await {
            bytes.extend_from_slice(&chunk?);
        }
        let answer = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        if !status.is_success() {
            return Err(format!("admin {method} {path}: {status} {answer}").into());
        }
        Ok(answer)
    }
}
