//! The protocol layer around every API route: verifies `/v3/` requests, signs every
//! response (errors included) over its exact body bytes, adds `Request-ID`, and records the
//! exchange in the journal.

pub mod caller;
pub mod multipart;
#[cfg(test)]
mod tests;
mod verify;

use std::sync::Arc;
use std::time::Instant;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http_body_util::{BodyExt, Limited};

pub use self::caller::Caller;
use crate::error::ApiError;
use crate::faults::{self, FaultNote, Withhold};
use crate::journal::{
    self, CapturedBody, JournalEntry, RequestDetail, SignatureCheck, Verification,
};
use crate::signing;
use crate::state::MockState;
use crate::tenant::Tenant;

/// The largest response body the signing layer buffers (bill files included).
const MAX_RESPONSE_BYTES: usize = 256 * 1024 * 1024;

/// Put this in a response's extensions to leave it unsigned, as WeChat Pay leaves bill
/// file downloads (`download_url`): `Request-ID` is still added.
#[derive(Clone, Copy, Debug)]
pub struct UnsignedResponse;

fn new_request_id() -> String {
    hex::encode_upper(rand::random::<[u8; 20]>())
}

/// The middleware (`from_fn_with_state`) that wraps the API router.
pub(crate) async fn layer(State(state): State<MockState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let request_id: Arc<str> = Arc::from(new_request_id());
    let method = req.method().to_string();
    let path = req
        .uri()
        .path_and_query()
        .map_or_else(|| req.uri().path().to_owned(), |pq| pq.as_str().to_owned());
    let requested_serial =
        req.headers().get(signing::SERIAL).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let default_tenant = state.tenants().default_tenant().clone();
    let request_headers = journal::capture_headers(req.headers());
    // What the journal keeps besides the entry: the body as read, the signature hint.
    let mut request_body = None;
    let mut signature_check = None;

    let (tenant, mchid, verification, response) = if req.uri().path().starts_with("/v3/") {
        let (mut parts, body) = req.into_parts();
        match verify::verify(&state, &parts, body).await {
            Ok(v) => {
                request_body = Some(CapturedBody::capture(&v.body));
                let caller =
                    Caller::new(v.tenant.clone(), request_id.clone(), requested_serial.clone());
                parts.extensions.insert(caller);
                let response = next.run(Request::from_parts(parts, Body::from(v.body))).await;
                let mchid = Some(v.tenant.mchid().to_owned());
                (v.tenant, mchid, Verification::Verified, response)
            }
            Err(rejected) => {
                let reason = rejected.reason();
                request_body = rejected.body.as_deref().map(CapturedBody::capture);
                signature_check = rejected
                    .error
                    .body()
                    .detail
                    .as_ref()
                    .and_then(|d| d.other.get("sign_information"))
                    .and_then(|hint| {
                        let auth = parts.headers.get(axum::http::header::AUTHORIZATION);
                        SignatureCheck::from_hint(hint, auth.and_then(|a| a.to_str().ok()))
                    });
                let tenant = rejected.tenant.clone().unwrap_or(default_tenant);
                (
                    tenant,
                    rejected.mchid,
                    Verification::Failed { reason },
                    rejected.error.into_response(),
                )
            }
        }
    } else {
        (default_tenant, None, Verification::Skipped, next.run(req).await)
    };

    let virtual_time_unix = tenant.now_unix();
    let fault = response.extensions().get::<FaultNote>().map(|n| n.0.clone());
    let withhold = response.extensions().get::<Withhold>().copied();
    let (response, code, response_body) =
        finish(&tenant, requested_serial.as_deref(), &request_id, response).await;
    let status = response.status().as_u16();
    let latency_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX);
    tracing::info!(
        target: "wechatpay_mock::request",
        %method, %path, status, code = code.as_deref().unwrap_or("-"), latency_us, mchid = mchid.as_deref().unwrap_or("-"),
        request_id = &*request_id, "request"
    );
    if let Verification::Failed { reason } = &verification {
        tracing::warn!(target: "wechatpay_mock::request", %path, %reason, "request rejected");
    }
    let detail = RequestDetail {
        request_headers,
        request_body,
        response_headers: journal::capture_headers(response.headers()),
        response_body,
        signature_check,
    };
    state.journal().record_with_detail(
        JournalEntry {
            id: 0,
            request_id: request_id.to_string(),
            mchid,
            method,
            path,
            status,
            code,
            latency_us,
            virtual_time_unix,
            verification,
            fault,
        },
        detail,
    );
    // A `timeout_after_commit` fault: the handler ran and its changes are committed and
    // journaled; only the client is kept from learning it.
    match withhold {
        Some(w) => faults::withhold(response, w).await,
        None => response,
    }
}

fn error_code(status: u16, body: &[u8]) -> Option<String> {
    if status < 400 {
        return None;
    }
    let v: serde_json::Value = serde_json::from_slice(body).ok()?;
    v.get("code")?.as_str().map(str::to_owned)
}

/// Adds `Request-ID` and the signature headers over the exact body bytes; also hands back
/// the error code and the body as the journal keeps it.
async fn finish(
    tenant: &Tenant,
    requested_serial: Option<&str>,
    request_id: &str,
    response: Response,
) -> (Response, Option<String>, CapturedBody) {
    let (mut parts, body) = response.into_parts();
    let request_id =
        HeaderValue::from_str(request_id).unwrap_or_else(|_| HeaderValue::from_static("0"));
    let bytes = match Limited::new(body, MAX_RESPONSE_BYTES).collect().await {
        Ok(c) => c.to_bytes(),
        Err(e) => {
            let error = ApiError::system_error(format!(
                "response body could not be buffered for signing: {e}"
            ));
            let (p, b) = error.into_response().into_parts();
            parts = p;
            match b.collect().await {
                Ok(c) => c.to_bytes(),
                Err(_) => axum::body::Bytes::new(),
            }
        }
    };
    let code = error_code(parts.status.as_u16(), &bytes);
    let captured = CapturedBody::capture(&bytes);
    parts.headers.insert(HeaderName::from_static("request-id"), request_id);
    if parts.extensions.get::<UnsignedResponse>().is_some() {
        return (Response::from_parts(parts, Body::from(bytes)), code, captured);
    }
    match tenant
        .response_key(requested_serial)
        .sign_off_runtime(bytes.clone(), tenant.now_unix())
        .await
    {
        Ok(signed) => {
            for (name, value) in signed.pairs() {
                // `from_bytes` lower-cases the canonical spelling; both always parse.
                if let (Ok(name), Ok(value)) =
                    (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value))
                {
                    parts.headers.insert(name, value);
                }
            }
        }
        Err(e) => {
            tracing::error!(target: "wechatpay_mock::request", error = %e, "response could not be signed")
        }
    }
    (Response::from_parts(parts, Body::from(bytes)), code, captured)
}
