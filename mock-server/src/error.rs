//! WeChat-style error responses (`{"code","message","detail"}`) and the crate's own errors.

use std::fmt;
use std::path::PathBuf;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use wechatpay_models::error::{ApiErrorBody, ErrorDetail};

/// Where a faulty parameter sits, as WeChat Pay writes it in `detail.location`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Location {
    /// The JSON (or multipart) body.
    Body,
    /// A path segment.
    Path,
    /// A query parameter.
    Query,
    /// A request header.
    Header,
    /// The `Authorization` header's signature parameters.
    Authorization,
}

impl Location {
    /// The `detail.location` string.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Body => "body",
            Self::Path => "path",
            Self::Query => "query",
            Self::Header => "header",
            Self::Authorization => "authorization",
        }
    }
}

/// An API error the mock answers with: an HTTP status and the documented error body.
///
/// Every handler returns `Result<_, ApiError>`; the response-signing layer signs the error
/// like any other response. Constructors exist for the common codes of
/// `fixtures/api/errors.json`; [`ApiError::new`] takes any business code.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{status} {}: {}", .body.code, .body.message)]
pub struct ApiError {
    status: StatusCode,
    // Boxed: every handler returns `Result<_, ApiError>`, and the happy path should not
    // carry a 180-byte error slot around.
    body: Box<ApiErrorBody>,
}

impl ApiError {
    /// An error with any status and code.
    pub fn new(status: StatusCode, code: impl Into<String>, message: impl Into<String>) -> Self {
        Self { status, body: Box::new(ApiErrorBody::new(code, message)) }
    }

    /// `400 PARAM_ERROR` naming the faulty field (a JSON pointer such as `/amount/total` for
    /// body fields, the parameter or header name otherwise).
    pub fn param_error(
        field: impl Into<String>,
        location: Location,
        issue: impl Into<String>,
    ) -> Self {
        let issue = issue.into();
        Self::new(StatusCode::BAD_REQUEST, "PARAM_ERROR", format!("参数错误: {issue}")).with_detail(
            ErrorDetail {
                field: Some(field.into()),
                issue: Some(issue),
                location: Some(location.as_str().to_owned()),
                ..ErrorDetail::default()
            },
        )
    }

    /// `400 INVALID_REQUEST`: the request breaks a protocol or business rule.
    pub fn invalid_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "INVALID_REQUEST", message)
    }

    /// `401 SIGN_ERROR` with `detail.issue` saying why; add the expected message with
    /// [`ApiError::with_detail_member`].
    pub fn sign_error(issue: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "SIGN_ERROR", "签名错误").with_detail(ErrorDetail {
            issue: Some(issue.into()),
            location: Some(Location::Authorization.as_str().to_owned()),
            ..ErrorDetail::default()
        })
    }

    /// `403 NO_AUTH`.
    pub fn no_auth(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "NO_AUTH", message)
    }

    /// `404` with a resource code such as `ORDER_NOT_EXIST` or `RESOURCE_NOT_EXISTS`.
    pub fn not_found(code: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, code, message)
    }

    /// `500 SYSTEM_ERROR`; `why` goes to `detail.issue` so a developer sees the mock's reason.
    pub fn system_error(why: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "SYSTEM_ERROR", "系统异常,请稍后重试")
            .with_detail(ErrorDetail { issue: Some(why.into()), ..ErrorDetail::default() })
    }

    /// Replaces `detail`.
    #[must_use]
    pub fn with_detail(mut self, detail: ErrorDetail) -> Self {
        self.body.detail = Some(detail);
        self
    }

    /// Sets `detail.value` (the offending value).
    #[must_use]
    pub fn with_value(mut self, value: impl Into<Value>) -> Self {
        self.body.detail.get_or_insert_with(ErrorDetail::default).value = Some(value.into());
        self
    }

    /// Adds a member to `detail` besides the documented four (clients ignore unknown
    /// members; WeChat Pay itself adds `sign_information` to `SIGN_ERROR`).
    #[must_use]
    pub fn with_detail_member(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.body
            .detail
            .get_or_insert_with(ErrorDetail::default)
            .other
            .insert(name.into(), value.into());
        self
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The error code.
    pub fn code(&self) -> &str {
        &self.body.code
    }

    /// The whole body.
    pub fn body(&self) -> &ApiErrorBody {
        &self.body
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        // Serializing a struct of strings and JSON values cannot fail; the fallback keeps
        // the documented shape anyway.
        let bytes = serde_json::to_vec(&self.body).unwrap_or_else(|_| {
            br#"{"code":"SYSTEM_ERROR","message":"error body could not be serialized"}"#.to_vec()
        });
        let mut response = (self.status, bytes).into_response();
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json; charset=utf-8"),
        );
        response
    }
}

/// A configuration that cannot be turned into running tenants.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A file named by the configuration could not be read.
    #[error("cannot read {}", .path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The TOML does not parse or has unknown keys.
    #[error("invalid configuration file {}", .path.display())]
    Toml {
        /// The file.
        path: PathBuf,
        /// Why.
        #[source]
        source: Box<toml::de::Error>,
    },
    /// A key, certificate or APIv3 key of a tenant is unusable.
    #[error("tenant {mchid}: unusable {what}")]
    Key {
        /// The tenant's merchant id.
        mchid: String,
        /// Which item.
        what: &'static str,
        /// Why.
        #[source]
        source: wechatpay_crypto::Error,
    },
    /// Two tenants share a merchant id.
    #[error("tenant {0} is configured twice")]
    DuplicateTenant(String),
    /// No tenant left (the built-in one disabled and none configured).
    #[error("no tenant configured: keep builtin_tenant = true or add a [[tenant]]")]
    NoTenants,
    /// A value is out of range or inconsistent.
    #[error("invalid configuration: {0}")]
    Invalid(String),
}

/// Why a [`crate::MockServer`] could not start.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The configuration is unusable.
    #[error("invalid mock configuration")]
    Config(#[from] ConfigError),
    /// The listening socket could not be bound.
    #[error("cannot listen on {addr}")]
    Bind {
        /// The address asked for.
        addr: std::net::SocketAddr,
        /// Why.
        #[source]
        source: std::io::Error,
    },
}

/// A secret string from configuration (APIv3 key, admin token): zeroized on drop, never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(zeroize::Zeroizing<String>);

impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Self::new)
    }
}

impl Secret {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Self(zeroize::Zeroizing::new(value.into()))
    }

    /// The secret text.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}
