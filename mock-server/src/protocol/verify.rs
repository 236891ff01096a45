//! Request verification, as WeChat Pay's gateway does it: body size, protocol headers,
//! `Authorization` (any parameter order), merchant, certificate serial, the ±5 min window
//! against the tenant's virtual clock, then the signature over the raw body bytes (the
//! `meta` JSON for multipart uploads).

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde_json::json;
use wechatpay_crypto::message::request_message;
use wechatpay_crypto::verifier::{check_timestamp, MAX_CLOCK_SKEW_SECS, MAX_SIGNATURE_BASE64_LEN};
use wechatpay_crypto::Authorization;
use wechatpay_models::error::ErrorDetail;

use super::multipart;
use crate::error::{ApiError, Location};
use crate::state::MockState;
use crate::tenant::Tenant;

/// How much of the body the `SIGN_ERROR` hint shows.
const HINT_BODY_BYTES: usize = 2048;

/// The most request headers accepted. An APIv3 call sends about ten; hyper itself stops at
/// 100 (answering 431), this bound is the mock's own, with a WeChat error body.
pub(crate) const MAX_REQUEST_HEADERS: usize = 64;

/// The most header bytes (names and values together) accepted, 16 KiB. An APIv3 call sends
/// under 1 KiB (the `Authorization` header is about 520 bytes).
pub(crate) const MAX_REQUEST_HEADER_BYTES: usize = 16 * 1024;

/// A request that passed verification.
#[derive(Debug)]
pub(crate) struct Verified {
    pub(crate) tenant: Arc<Tenant>,
    pub(crate) body: Bytes,
}

/// A request that did not, with what is known about who sent it.
#[derive(Debug)]
pub(crate) struct Rejected {
    pub(crate) error: ApiError,
    pub(crate) tenant: Option<Arc<Tenant>>,
    pub(crate) mchid: Option<String>,
    /// The body, when it was read (for the journal).
    pub(crate) body: Option<Bytes>,
}

impl Rejected {
    fn anonymous(error: ApiError) -> Self {
        Self { error, tenant: None, mchid: None, body: None }
    }

    /// The reason recorded in the journal.
    pub(crate) fn reason(&self) -> String {
        let detail = self.error.body().detail.as_ref().and_then(|d| d.issue.clone());
        match detail {
            Some(issue) => format!("{}: {issue}", self.error.code()),
            None => format!("{}: {}", self.error.code(), self.error.body().message),
        }
    }
}

/// What the signed message is made of, for the `SIGN_ERROR` hint.
struct SignInfo<'a> {
    method: &'a str,
    url: &'a str,
    timestamp: Option<&'a str>,
    nonce: Option<&'a str>,
    serial_no: Option<&'a str>,
    signed_body: &'a [u8],
}

impl SignInfo<'_> {
    /// The canonical message the mock verifies against, body truncated for display;
    /// unknown parts show as `<timestamp>` / `<nonce_str>`.
    fn expected_message(&self) -> String {
        let shown = self.signed_body.get(..HINT_BODY_BYTES).unwrap_or(self.signed_body);
        let mut body = String::from_utf8_lossy(shown).into_owned();
        if shown.len() < self.signed_body.len() {
            body.push_str(&format!("…({} more bytes)", self.signed_body.len() - shown.len()));
        }
        let message = request_message(
            self.method,
            self.url,
            self.timestamp.unwrap_or("<timestamp>"),
            self.nonce.unwrap_or("<nonce_str>"),
            body.as_bytes(),
        );
        String::from_utf8_lossy(&message).into_owned()
    }

    fn error(&self, issue: impl Into<String>) -> ApiError {
        ApiError::sign_error(issue).with_detail_member(
            "sign_information",
            json!({
                "method": self.method,
                "url": self.url,
                "timestamp": self.timestamp,
                "nonce_str": self.nonce,
                "serial_no": self.serial_no,
                "truncated_sign_message": self.expected_message(),
                "sign_message_length": request_message(
                    self.method, self.url, self.timestamp.unwrap_or(""), self.nonce.unwrap_or(""), self.signed_body
                ).len(),
            }),
        )
    }
}

fn header_str<'a>(headers: &'a HeaderMap, name: &str) -> Result<Option<&'a str>, ApiError> {
    // A second value (a CRLF injected upstream, say) would leave open which one counts.
    if headers.get_all(name).iter().nth(1).is_some() {
        return Err(header_error(name, "the header is sent more than once"));
    }
    match headers.get(name) {
        None => Ok(None),
        Some(v) => v.to_str().map(Some).map_err(|_| {
            ApiError::invalid_request(format!("HTTP 头 {name} 含有非法字符")).with_detail(
                ErrorDetail {
                    field: Some(name.to_owned()),
                    issue: Some("header value is not visible ASCII".into()),
                    location: Some(Location::Header.as_str().to_owned()),
                    ..ErrorDetail::default()
                },
            )
        }),
    }
}

fn header_error(field: &str, issue: impl Into<String>) -> ApiError {
    ApiError::invalid_request(format!("HTTP 请求不符合微信支付 APIv3 接口规则: {field}"))
        .with_detail(ErrorDetail {
            field: Some(field.to_owned()),
            issue: Some(issue.into()),
            location: Some(Location::Header.as_str().to_owned()),
            ..ErrorDetail::default()
        })
}

fn too_large(limit: usize, size: Option<u64>) -> ApiError {
    let issue = match size {
        Some(n) => format!(
            "body is {n} bytes, more than the {limit} bytes this mock accepts (max_body_bytes)"
        ),
        None => format!("body is larger than the {limit} bytes this mock accepts (max_body_bytes)"),
    };
    ApiError::invalid_request("请求体过大").with_detail(ErrorDetail {
        issue: Some(issue),
        location: Some(Location::Body.as_str().to_owned()),
        ..ErrorDetail::default()
    })
}

/// Refuses more than [`MAX_REQUEST_HEADERS`] headers or [`MAX_REQUEST_HEADER_BYTES`] of them.
fn check_header_limits(headers: &HeaderMap) -> Result<(), ApiError> {
    let count = headers.len();
    if count > MAX_REQUEST_HEADERS {
        return Err(header_error(
            "headers",
            format!("{count} headers, more than the {MAX_REQUEST_HEADERS} accepted"),
        ));
    }
    let bytes: usize = headers.iter().map(|(name, value)| name.as_str().len() + value.len()).sum();
    if bytes > MAX_REQUEST_HEADER_BYTES {
        return Err(header_error(
            "headers",
            format!("{bytes} header bytes, more than the {MAX_REQUEST_HEADER_BYTES} accepted"),
        ));
    }
    Ok(())
}

fn accepts_json(accept: &str) -> bool {
    accept.split(',').any(|item| {
        let mime = item.split(';').next().unwrap_or_default().trim();
        ["application/json", "*/*", "application/*"].iter().any(|m| mime.eq_ignore_ascii_case(m))
    })
}

async fn read_body(headers: &HeaderMap, body: Body, limit: usize) -> Result<Bytes, ApiError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if let Some(n) = declared {
        if n > u64::try_from(limit).unwrap_or(u64::MAX) {
            return Err(too_large(limit, Some(n)));
        }
    }
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => Err(too_large(limit, None)),
        Err(e) => Err(ApiError::invalid_request(format!("请求体无法读取: {e}"))),
    }
}

/// Verifies one `/v3/` request; on success hands back the tenant and the buffered body.
pub(crate) async fn verify(
    state: &MockState,
    parts: &Parts,
    body: Body,
) -> Result<Verified, Rejected> {
    let body = read_body(&parts.headers, body, state.settings().max_body_bytes)
        .await
        .map_err(Rejected::anonymous)?;
    match check(state, parts, &body).await {
        Ok(tenant) => Ok(Verified { tenant, body }),
        Err(rejected) => Err(Rejected { body: Some(body), ..rejected }),
    }
}

/// Everything after reading the body: headers, `Authorization`, merchant, certificate, time
/// window, signature.
async fn check(state: &MockState, parts: &Parts, body: &Bytes) -> Result<Arc<Tenant>, Rejected> {
    let headers = &parts.headers;
    check_header_limits(headers).map_err(Rejected::anonymous)?;
    let user_agent =
        header_str(headers, header::USER_AGENT.as_str()).map_err(Rejected::anonymous)?;
    if user_agent.is_none_or(|ua| ua.trim().is_empty()) {
        return Err(Rejected::anonymous(header_error(
            "User-Agent",
            "APIv3 requires a non-empty User-Agent header",
        )));
    }
    if let Some(accept) =
        header_str(headers, header::ACCEPT.as_str()).map_err(Rejected::anonymous)?
    {
        if !accepts_json(accept) {
            return Err(Rejected::anonymous(header_error(
                "Accept",
                format!("`{accept}` does not accept application/json"),
            )));
        }
    }

    let method = parts.method.as_str();
    let url = parts.uri.path_and_query().map_or_else(|| parts.uri.path(), |pq| pq.as_str());
    let signed_body: Bytes = if multipart::is_multipart(headers) {
        multipart::meta(headers, body.clone()).await.map_err(Rejected::anonymous)?
    } else {
        body.clone()
    };
    let mut info = SignInfo {
        method,
        url,
        timestamp: None,
        nonce: None,
        serial_no: None,
        signed_body: &signed_body,
    };

    let auth_header =
        header_str(headers, header::AUTHORIZATION.as_str()).map_err(Rejected::anonymous)?;
    let Some(auth_header) = auth_header else {
        return Err(Rejected::anonymous(info.error(
            "Authorization header missing; sign the request (WECHATPAY2-SHA256-RSA2048) over the message shown in sign_information",
        )));
    };
    let auth = Authorization::parse(auth_header)
        .map_err(|e| Rejected::anonymous(info.error(e.to_string())))?;
    info.timestamp = Some(&auth.timestamp);
    info.nonce = Some(&auth.nonce_str);
    info.serial_no = Some(&auth.serial_no);

    let Some(tenant) = state.tenant(&auth.mchid).cloned() else {
        let known: Vec<&str> = state.tenants().iter().map(|t| t.mchid()).collect();
        return Err(Rejected {
            error: info.error(format!(
                "mchid {} is not a merchant of this mock (known: {})",
                auth.mchid,
                known.join(", ")
            )),
            tenant: None,
            mchid: Some(auth.mchid.clone()),
            body: None,
        });
    };
    let reject = |error: ApiError| Rejected {
        error,
        tenant: Some(tenant.clone()),
        mchid: Some(auth.mchid.clone()),
        body: None,
    };

    let Some(cert) = tenant.merchant_certificate(&auth.serial_no) else {
        return Err(reject(info.error(format!(
            "serial_no {} is not an API certificate of merchant {} (known: {})",
            auth.serial_no,
            auth.mchid,
            tenant.merchant_serials().join(", ")
        ))));
    };
    let now = tenant.now_unix();
    cert.check_valid_at(now)
        .map_err(|e| reject(info.error(format!("merchant API certificate: {e}"))))?;
    check_timestamp(&auth.timestamp, now, MAX_CLOCK_SKEW_SECS).map_err(|e| {
        reject(
            info.error(format!("{e} (the mock's clock for merchant {} reads {now})", auth.mchid)),
        )
    })?;

    if auth.signature.len() > MAX_SIGNATURE_BASE64_LEN {
        return Err(reject(info.error(format!(
            "signature is {} characters; an RSA-2048 signature is {MAX_SIGNATURE_BASE64_LEN}",
            auth.signature.len()
        ))));
    }
    let signature = wechatpay_crypto::base64::decode(&auth.signature, "signature")
        .map_err(|_| reject(info.error("signature is not valid base64")))?;
    let message = request_message(method, url, &auth.timestamp, &auth.nonce_str, &signed_body);
    if !cert.public_key().verify(&message, &signature) {
        return Err(reject(info.error(format!(
            "signature does not verify with merchant certificate {}: sign exactly the message in sign_information.truncated_sign_message (method, path with query as sent, timestamp, nonce, raw body bytes, each followed by \\n)",
            auth.serial_no
        ))));
    }
    Ok(tenant)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Proves Accept negotiation takes JSON, wildcards and lists, and refuses other types.
    #[test]
    fn accept_values() {
        assert!(accepts_json("application/json"));
        assert!(accepts_json("text/html, */*;q=0.1"));
        assert!(accepts_json("Application/JSON; charset=utf-8"));
        assert!(!accepts_json("text/html"));
    }

    // Proves the hint shows placeholders for unknown parts and truncates long bodies.
    #[test]
    fn hint_message_shape() {
        let body = vec![b'x'; HINT_BODY_BYTES + 5];
        let info = SignInfo {
            method: "POST",
            url: "/v3/a?b=1",
            timestamp: None,
            nonce: None,
            serial_no: None,
            signed_body: &body,
        };
        let m = info.expected_message();
        assert!(m.starts_with("POST\n/v3/a?b=1\n<timestamp>\n<nonce_str>\nxxx"));
        assert!(m.ends_with("…(5 more bytes)\n"));
    }
}
