//! The transport's error type, one variant per phase of a call: configure, build, dispatch,
//! verify, the API's own answer, decode.

use std::error::Error as StdError;
use std::fmt;

use bytes::Bytes;
use http::StatusCode;
use wechatpay_models::error::{ApiErrorBody, ErrorDetail};

use crate::http_client::HttpError;

/// Everything that can go wrong in a call through [`Transport`](crate::Transport).
///
/// Match on the variant to know which phase failed; use [`Error::api_code`] /
/// [`Error::is_code`] to branch on a WeChat Pay error code, and [`Error::request_id`] to
/// quote the `Request-ID` to WeChat Pay support.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The transport is misconfigured (only from [`TransportBuilder::build`](crate::TransportBuilder::build)
    /// and calls that need a setting that was not given).
    #[error("transport configuration is invalid")]
    Config(#[source] ConfigError),
    /// The request could not be built (serialisation, encryption, signing, path).
    #[error("request could not be built")]
    Build(#[source] BuildError),
    /// The request was not answered: connection, timeout, I/O, or an oversized body.
    #[error("request was not answered")]
    Dispatch(#[source] DispatchError),
    /// The response did not pass signature verification; its content was discarded.
    #[error("response failed verification")]
    Verify(#[source] VerifyError),
    /// WeChat Pay answered with a non-2xx status.
    #[error("{0}")]
    Api(ApiError),
    /// A verified 2xx response (or a decrypted field) did not decode into the expected type.
    #[error("response could not be decoded")]
    Decode(#[source] DecodeError),
}

impl Error {
    /// The API error, if WeChat Pay answered with a non-2xx status.
    pub fn api_error(&self) -> Option<&ApiError> {
        match self {
            Self::Api(e) => Some(e),
            _ => None,
        }
    }

    /// The WeChat Pay error code (`ORDER_NOT_EXIST`, `SIGN_ERROR` …) of an API error.
    pub fn api_code(&self) -> Option<&str> {
        self.api_error().and_then(ApiError::code)
    }

    /// Whether this is an API error with the given WeChat Pay code.
    ///
    /// ```
    /// # fn check(err: wechatpay_transport::Error) {
    /// if err.is_code("ORDER_NOT_EXIST") {
    ///     // create the order instead
    /// }
    /// # }
    /// ```
    pub fn is_code(&self, code: &str) -> bool {
        self.api_code() == Some(code)
    }

    /// The HTTP status of the response, when one was received.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::Api(e) => Some(e.status),
            Self::Verify(e) => e.status(),
            Self::Decode(e) => e.status,
            Self::Config(_) | Self::Build(_) | Self::Dispatch(_) => None,
        }
    }

    /// The `Request-ID` WeChat Pay gave the response, when one was received.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Api(e) => e.request_id(),
            Self::Verify(e) => e.request_id(),
            Self::Decode(e) => e.request_id(),
            Self::Config(_) | Self::Build(_) | Self::Dispatch(_) => None,
        }
    }

    /// Whether the request timed out (see [`DispatchErrorKind::Timeout`]).
    pub fn is_timeout(&self) -> bool {
        matches!(self, Self::Dispatch(e) if e.kind() == DispatchErrorKind::Timeout)
    }

    /// Whether no connection could be made (see [`DispatchErrorKind::Connect`]).
    pub fn is_connect(&self) -> bool {
        matches!(self, Self::Dispatch(e) if e.kind() == DispatchErrorKind::Connect)
    }
}

impl From<ConfigError> for Error {
    fn from(e: ConfigError) -> Self {
        Self::Config(e)
    }
}

impl From<BuildError> for Error {
    fn from(e: BuildError) -> Self {
        Self::Build(e)
    }
}

impl From<DispatchError> for Error {
    fn from(e: DispatchError) -> Self {
        Self::Dispatch(e)
    }
}

impl From<VerifyError> for Error {
    fn from(e: VerifyError) -> Self {
        Self::Verify(e)
    }
}

impl From<ApiError> for Error {
    fn from(e: ApiError) -> Self {
        Self::Api(e)
    }
}

impl From<DecodeError> for Error {
    fn from(e: DecodeError) -> Self {
        Self::Decode(e)
    }
}

/// What is wrong with the transport's configuration.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A required setting was not given; the text names it.
    #[error("missing {0}")]
    Missing(&'static str),
    /// A base URL (or a download URL's origin) is not acceptable.
    #[error("invalid base URL `{url}`: {reason}")]
    InvalidBaseUrl {
        /// The URL given.
        url: String,
        /// Why it was rejected.
        reason: &'static str,
    },
    /// A setting has a value that cannot work (a zero timeout, an empty mchid …).
    #[error("invalid {what}: {reason}")]
    InvalidValue {
        /// The setting.
        what: &'static str,
        /// Why it was rejected.
        reason: String,
    },
    /// The merchant's own API certificate (or its public key) was configured as a key to
    /// verify WeChat Pay with. Responses are signed by WeChat Pay's platform certificate or
    /// WeChat Pay public key (`pub_key.pem`), never by the merchant's key.
    #[error(
        "the merchant's own API certificate or key (serial `{serial}`) was configured to verify WeChat Pay's \
         signatures; configure the WeChat Pay platform certificate or the WeChat Pay public key (pub_key.pem) instead"
    )]
    MerchantKeyAsVerificationKey {
        /// The serial or public key id that was configured.
        serial: String,
    },
    /// A key or identifier was rejected by the crypto layer.
    #[error("invalid {what}")]
    Crypto {
        /// Which setting.
        what: &'static str,
        /// Why.
        #[source]
        source: wechatpay_crypto::Error,
    },
    /// The default HTTP client could not be created (TLS set-up).
    #[error("the default HTTP client could not be created: {0}")]
    HttpClient(String),
}

/// Why a request could not be built.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// The body did not serialise to JSON.
    #[error("the request body did not serialise to JSON")]
    Serialize(#[source] serde_json::Error),
    /// A sensitive field could not be encrypted (no platform certificate or public key yet,
    /// or a value longer than RSA-OAEP takes).
    #[error("a sensitive field could not be encrypted")]
    Encrypt(#[source] wechatpay_crypto::Error),
    /// The `Authorization` header could not be made.
    #[error("the request could not be signed")]
    Sign(#[source] wechatpay_crypto::Error),
    /// The path or query is not a valid request-target.
    #[error("invalid request path `{path}`: {reason}")]
    InvalidPath {
        /// The path (truncated to 256 characters).
        path: String,
        /// Why it was rejected.
        reason: &'static str,
    },
    /// An absolute URL (a bill `download_url`) is malformed or points at a host other than the
    /// configured base URLs, so it is not followed.
    #[error("refusing to follow URL `{url}`: {reason}")]
    ForeignUrl {
        /// The URL (truncated to 256 characters).
        url: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// The request body is larger than allowed.
    #[error("request body of {len} bytes is larger than the {limit}-byte limit")]
    BodyTooLarge {
        /// The body length.
        len: usize,
        /// The limit.
        limit: usize,
    },
    /// A value given by the caller is invalid (for service crates' own checks).
    #[error("invalid {field}: {reason}")]
    Invalid {
        /// The field.
        field: String,
        /// Why.
        reason: String,
    },
}

impl BuildError {
    /// A caller-supplied value is invalid; service crates use this for their own checks.
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::Invalid { field: field.into(), reason: reason.into() }
    }
}

/// What kind of dispatch failure happened.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DispatchErrorKind {
    /// No connection could be made (DNS, refused, TLS handshake, connect timeout): the
    /// request was not sent.
    Connect,
    /// The exchange did not finish within the configured timeout.
    Timeout,
    /// The connection failed after the request may have been sent.
    Io,
    /// The response body was larger than the limit; reading stopped there.
    BodyTooLarge {
        /// The limit in bytes.
        limit: u64,
    },
}

impl fmt::Display for DispatchErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Connect => f.write_str("could not connect"),
            Self::Timeout => f.write_str("timed out"),
            Self::Io => f.write_str("connection failed"),
            Self::BodyTooLarge { limit } => {
                write!(f, "response body exceeds the {limit}-byte limit")
            }
        }
    }
}

/// The request was not answered, after retries and backup-host failover.
#[derive(Debug)]
pub struct DispatchError {
    kind: DispatchErrorKind,
    attempts: u32,
    hosts_tried: Vec<String>,
    source: Option<HttpError>,
}

impl DispatchError {
    pub(crate) fn new(kind: DispatchErrorKind, source: Option<HttpError>) -> Self {
        Self { kind, attempts: 1, hosts_tried: Vec::new(), source }
    }

    pub(crate) fn with_attempts(mut self, attempts: u32, hosts_tried: Vec<String>) -> Self {
        self.attempts = attempts;
        self.hosts_tried = hosts_tried;
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> DispatchErrorKind {
        self.kind
    }

    /// How many attempts were made (retries included).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The origins (`https://host`) tried, in order; two entries means the backup host was
    /// tried after a connection failure on the primary.
    pub fn hosts_tried(&self) -> &[String] {
        &self.hosts_tried
    }

    /// Whether the backup base URL was tried.
    pub fn failed_over(&self) -> bool {
        let mut hosts = self.hosts_tried.iter();
        hosts.next().is_some_and(|first| hosts.any(|h| h != first))
    }
}

impl fmt::Display for DispatchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} after {} attempt(s)", self.kind, self.attempts)?;
        if !self.hosts_tried.is_empty() {
            let mut unique: Vec<&str> = Vec::new();
            for h in &self.hosts_tried {
                if !unique.contains(&h.as_str()) {
                    unique.push(h);
                }
            }
            write!(f, " (tried {})", unique.join(", "))?;
        }
        Ok(())
    }
}

impl StdError for DispatchError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source.as_ref().map(|e| e as &(dyn StdError + 'static))
    }
}

/// The response could not be trusted. Its body is not returned: a forged answer must not
/// reach the caller.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// A response that must be signed has no (or incomplete) `Wechatpay-*` signature headers.
    #[error("HTTP {status} response has no {missing} header")]
    MissingSignature {
        /// The status received.
        status: StatusCode,
        /// The first missing header.
        missing: &'static str,
        /// `Request-ID`, if sent.
        request_id: Option<String>,
    },
    /// The signature headers are present but do not verify (bad signature, unknown serial,
    /// timestamp outside ±300 s, expired certificate, `WECHATPAY/SIGNTEST/` probe).
    #[error("HTTP {status} response signed with serial `{serial}` does not verify")]
    InvalidSignature {
        /// The status received.
        status: StatusCode,
        /// The `Wechatpay-Serial` of the response (truncated to 64 characters).
        serial: String,
        /// `Request-ID`, if sent.
        request_id: Option<String>,
        /// Why.
        #[source]
        source: wechatpay_crypto::Error,
    },
    /// A certificate in the `/v3/certificates` answer could not be decrypted or parsed (a
    /// wrong APIv3 key gives [`wechatpay_crypto::Error::AeadAuthentication`]).
    #[error(
        "platform certificate `{serial}` from /v3/certificates could not be decrypted or parsed"
    )]
    PlatformCertificate {
        /// The `serial_no` listed (truncated to 64 characters).
        serial: String,
        /// Why.
        #[source]
        source: wechatpay_crypto::Error,
    },
    /// A certificate in the `/v3/certificates` answer does not have the serial it is listed with.
    #[error("/v3/certificates lists serial `{listed}` but the certificate's serial is `{actual}`")]
    CertificateSerialMismatch {
        /// The `serial_no` listed.
        listed: String,
        /// The serial inside the decrypted certificate.
        actual: String,
    },
    /// No platform certificate is trusted yet: the download failed (in another call) or
    /// returned none.
    #[error("no platform certificate is trusted yet; downloading /v3/certificates failed or returned none")]
    NoPlatformCertificates,
}

impl VerifyError {
    /// The HTTP status of the rejected response, if the error is about one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Self::MissingSignature { status, .. } | Self::InvalidSignature { status, .. } => {
                Some(*status)
            }
            Self::PlatformCertificate { .. }
            | Self::CertificateSerialMismatch { .. }
            | Self::NoPlatformCertificates => None,
        }
    }

    /// The `Request-ID` of the rejected response, if any.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::MissingSignature { request_id, .. }
            | Self::InvalidSignature { request_id, .. } => request_id.as_deref(),
            Self::PlatformCertificate { .. }
            | Self::CertificateSerialMismatch { .. }
            | Self::NoPlatformCertificates => None,
        }
    }
}

/// WeChat Pay answered with a non-2xx status.
///
/// The body is parsed as WeChat Pay's `{code, message, detail}` when it is one; a gateway page
/// (an HTML 502) keeps only the status and the raw body.
#[derive(Debug, Clone)]
pub struct ApiError {
    status: StatusCode,
    body: Option<Box<ApiErrorBody>>,
    request_id: Option<String>,
    raw_body: Bytes,
    verified: bool,
}

impl ApiError {
    pub(crate) fn new(
        status: StatusCode,
        raw_body: Bytes,
        request_id: Option<String>,
        verified: bool,
    ) -> Self {
        let body = serde_json::from_slice::<ApiErrorBody>(&raw_body).ok().map(Box::new);
        Self { status, body, request_id, raw_body, verified }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The error code (`PARAM_ERROR`, `SIGN_ERROR`, `ORDER_NOT_EXIST` …), if the body was a
    /// WeChat Pay error body.
    pub fn code(&self) -> Option<&str> {
        self.body.as_deref().map(|b| b.code.as_str())
    }

    /// The human-readable message, if the body was a WeChat Pay error body.
    pub fn message(&self) -> Option<&str> {
        self.body.as_deref().map(|b| b.message.as_str())
    }

    /// The `detail` object (field, value, issue, location), if sent.
    pub fn detail(&self) -> Option<&ErrorDetail> {
        self.body.as_deref().and_then(|b| b.detail.as_ref())
    }

    /// The parsed error body, if the body was one.
    pub fn body(&self) -> Option<&ApiErrorBody> {
        self.body.as_deref()
    }

    /// The `Request-ID` header, for WeChat Pay support.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The body exactly as received.
    pub fn raw_body(&self) -> &Bytes {
        &self.raw_body
    }

    /// Whether the error response carried a valid WeChat Pay signature. WeChat Pay's gateway
    /// sometimes answers errors unsigned; such errors are reported but flagged unverified, so
    /// a caller should not act on their content in ways that matter (e.g. treat an unverified
    /// `ORDER_NOT_EXIST` as proof that no order exists).
    pub fn is_verified(&self) -> bool {
        self.verified
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WeChat Pay answered HTTP {}", self.status.as_u16())?;
        match self.body.as_deref() {
            Some(body) => write!(f, " {}: {}", body.code, body.message)?,
            None => write!(
                f,
                " with a {}-byte body that is not a WeChat Pay error",
                self.raw_body.len()
            )?,
        }
        if let Some(id) = &self.request_id {
            write!(f, " (Request-ID {id})")?;
        }
        if !self.verified {
            f.write_str(" [unsigned]")?;
        }
        Ok(())
    }
}

impl StdError for ApiError {}

/// A verified response (or a field in it) did not decode into the expected type.
#[derive(Debug)]
pub struct DecodeError {
    target: &'static str,
    status: Option<StatusCode>,
    request_id: Option<String>,
    body: Bytes,
    source: Box<dyn StdError + Send + Sync>,
}

impl DecodeError {
    pub(crate) fn new(
        target: &'static str,
        status: Option<StatusCode>,
        request_id: Option<String>,
        body: Bytes,
        source: impl Into<Box<dyn StdError + Send + Sync>>,
    ) -> Self {
        Self { target, status, request_id, body, source: source.into() }
    }

    /// The type (or field) that was being decoded.
    pub fn target(&self) -> &'static str {
        self.target
    }

    /// The `Request-ID` of the response, if any.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The HTTP status of the response, if the error is about one.
    pub fn status(&self) -> Option<StatusCode> {
        self.status
    }

    /// The body exactly as received (empty for a field decryption error).
    pub fn body(&self) -> &Bytes {
        &self.body
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "could not decode {}", self.target)?;
        if !self.body.is_empty() {
            write!(f, " from a {}-byte body", self.body.len())?;
        }
        Ok(())
    }
}

impl StdError for DecodeError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&*self.source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Proves a WeChat error body is parsed into code/message/detail and the helpers find the code.
    #[test]
    fn api_error_exposes_code_and_helpers() {
        let raw = Bytes::from_static(
            br#"{"code":"ORDER_NOT_EXIST","message":"no","detail":{"field":"/x","issue":"bad"}}"#,
        );
        let err =
            Error::Api(ApiError::new(StatusCode::NOT_FOUND, raw.clone(), Some("RID".into()), true));
        assert!(err.is_code("ORDER_NOT_EXIST"));
        assert!(!err.is_code("PARAM_ERROR"));
        assert_eq!(err.request_id(), Some("RID"));
        assert_eq!(err.status(), Some(StatusCode::NOT_FOUND));
        let api = err.api_error().unwrap();
        assert_eq!(api.detail().and_then(|d| d.field.as_deref()), Some("/x"));
        assert_eq!(api.raw_body(), &raw);
        assert!(err.to_string().contains("ORDER_NOT_EXIST"), "{err}");
    }

    // Proves an HTML gateway page keeps status and raw body and has no code.
    #[test]
    fn non_json_error_body_is_kept_raw() {
        let raw = Bytes::from_static(b"<html>502 Bad Gateway</html>");
        let api = ApiError::new(StatusCode::BAD_GATEWAY, raw.clone(), None, false);
        assert_eq!(api.code(), None);
        assert_eq!(api.raw_body(), &raw);
        assert!(!api.is_verified());
        assert!(api.to_string().contains("[unsigned]"));
    }

    // Proves the failover flag reads the list of hosts tried.
    #[test]
    fn dispatch_error_reports_failover() {
        let e = DispatchError::new(DispatchErrorKind::Connect, None)
            .with_attempts(2, vec!["http://a".into(), "http://b".into(), "http://a".into()]);
        assert!(e.failed_over());
        assert!(e.to_string().contains("http://a, http://b"), "{e}");
        let single = DispatchError::new(DispatchErrorKind::Timeout, None)
            .with_attempts(1, vec!["http://a".into()]);
        assert!(!single.failed_over());
    }
}
