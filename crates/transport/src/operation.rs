//! How service crates describe a request: an [`Operation`] builds a [`RequestSpec`] (with
//! sensitive fields encrypted through the [`BuildContext`]) and the transport signs, sends
//! and verifies it.

use std::fmt;

use bytes::Bytes;
use http::Method;
use serde::de::DeserializeOwned;
use serde::Serialize;
use wechatpay_crypto::{EncryptionKey, SerialNo, Verifier};
use wechatpay_models::sensitive::{visit_strings_mut, SensitiveFields};

use crate::error::BuildError;
use crate::multipart::Multipart;
use crate::path::ApiPath;

/// One API call: a value that knows how to describe its request and what its response is.
///
/// ```
/// use wechatpay_transport::{path, BuildContext, BuildError, Operation, RequestSpec};
///
/// struct QueryCombineOrder { combine_out_trade_no: String }
///
/// impl Operation for QueryCombineOrder {
///     type Output = serde_json::Value;
///     fn build(&self, _ctx: &mut BuildContext<'_>) -> Result<RequestSpec, BuildError> {
///         Ok(RequestSpec::get(path!["v3", "combine-transactions", "out-trade-no", &self.combine_out_trade_no]))
///     }
/// }
/// ```
pub trait Operation: Send + Sync {
    /// The decoded response body. Use `()` for `204 No Content` answers.
    type Output: DeserializeOwned;

    /// Describes the request. Called once per call (not per retry), so sensitive fields are
    /// encrypted once and the same bytes are signed and sent on every attempt.
    ///
    /// # Errors
    /// A [`BuildError`] for invalid input or a failed encryption.
    fn build(&self, ctx: &mut BuildContext<'_>) -> Result<RequestSpec, BuildError>;
}

/// The longest plaintext RSA-OAEP (SHA-1) takes with a 2048-bit key, in bytes.
pub const MAX_SENSITIVE_BYTES: usize = 214;

/// What an [`Operation`] may use while building: sensitive-field encryption.
///
/// All fields of one request are encrypted with the same key, and the transport sends that
/// key's serial as `Wechatpay-Serial`.
pub struct BuildContext<'a> {
    verifier: &'a Verifier,
    now: i64,
    key: Option<EncryptionKey>,
}

impl fmt::Debug for BuildContext<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BuildContext")
            .field("now", &self.now)
            .field("encryption_serial", &self.key.as_ref().map(EncryptionKey::serial))
            .finish_non_exhaustive()
    }
}

impl<'a> BuildContext<'a> {
    /// A context encrypting with `verifier`'s encryption key at `now` (unix seconds). The
    /// transport makes these; service crates can make one to unit-test their `build`.
    pub fn new(verifier: &'a Verifier, now: i64) -> Self {
        Self { verifier, now, key: None }
    }

    /// RSA-OAEP-encrypts one sensitive field value (name, ID number, phone, bank account)
    /// with the WeChat Pay public key or the newest valid platform certificate, and records
    /// that `Wechatpay-Serial` must name that key.
    ///
    /// # Errors
    /// [`BuildError::Encrypt`] when no key is available or the value is longer than 214 bytes.
    pub fn encrypt(&mut self, plaintext: &str) -> Result<String, BuildError> {
        let key = match &self.key {
            Some(k) => k,
            None => self
                .key
                .insert(self.verifier.encryption_key(self.now).map_err(BuildError::Encrypt)?),
        };
        key.encrypt(plaintext).map_err(BuildError::Encrypt)
    }

    /// Serialises `request` and encrypts, in place, every string member its type lists in
    /// [`SensitiveFields::SENSITIVE_FIELDS`], so the list in `wechatpay-models` is the one place
    /// that says which members travel encrypted. The caller fills plaintext; the request itself
    /// is not modified, so it can never be encrypted twice. Absent and `null` members are
    /// skipped.
    ///
    /// # Errors
    /// [`BuildError::Invalid`] naming the member (a JSON pointer with array indexes, e.g.
    /// `/ubo_info_list/1/ubo_id_doc_name`) when a value is longer than
    /// [`MAX_SENSITIVE_BYTES`]; [`BuildError::Encrypt`] when no WeChat Pay key is available;
    /// [`BuildError::Serialize`].
    pub fn encrypt_sensitive<T>(&mut self, request: &T) -> Result<serde_json::Value, BuildError>
    where
        T: Serialize + SensitiveFields,
    {
        let mut body = serde_json::to_value(request).map_err(BuildError::Serialize)?;
        visit_strings_mut(&mut body, T::SENSITIVE_FIELDS, |pointer, text| {
            if text.len() > MAX_SENSITIVE_BYTES {
                return Err(BuildError::invalid(
                    pointer,
                    format!(
                        "is {} bytes; an encrypted field holds at most {MAX_SENSITIVE_BYTES} bytes of UTF-8",
                        text.len()
                    ),
                ));
            }
            *text = self.encrypt(text)?;
            Ok(())
        })?;
        Ok(body)
    }

    /// The serial of the key used by [`encrypt`](Self::encrypt), once it has been called.
    pub fn encryption_serial(&self) -> Option<&SerialNo> {
        self.key.as_ref().map(EncryptionKey::serial)
    }

    /// The time used for key selection, unix seconds.
    pub fn now_unix(&self) -> i64 {
        self.now
    }

    pub(crate) fn into_encryption_serial(self) -> Option<SerialNo> {
        self.key.map(|k| k.serial().clone())
    }
}

/// A request body, serialised once: the bytes stored here are the bytes signed and sent.
#[non_exhaustive]
#[derive(Clone)]
pub enum RequestBody {
    /// No body (GET, or a POST without one).
    Empty,
    /// A JSON document, already serialised.
    Json(Bytes),
    /// Other bytes with their content type (signed over exactly these bytes).
    Raw {
        /// The `Content-Type` to send.
        content_type: String,
        /// The bytes.
        bytes: Bytes,
    },
    /// A media upload: the signature covers only the `meta` JSON.
    Multipart(Multipart),
}

impl fmt::Debug for RequestBody {
    // Bodies may hold sensitive fields (encrypted, but still not for logs): show sizes only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Empty => f.write_str("Empty"),
            Self::Json(b) => write!(f, "Json({} bytes)", b.len()),
            Self::Raw { content_type, bytes } => {
                write!(f, "Raw({content_type}, {} bytes)", bytes.len())
            }
            Self::Multipart(m) => fmt::Debug::fmt(m, f),
        }
    }
}

/// The description of one request, made by an [`Operation`] and executed by the transport.
///
/// Defaults: response signed (verified), not idempotent (a POST is not retried), the
/// transport's response size limit.
#[derive(Clone, Debug)]
pub struct RequestSpec {
    pub(crate) method: Method,
    pub(crate) path: ApiPath,
    pub(crate) query: Vec<(String, String)>,
    pub(crate) body: RequestBody,
    pub(crate) response_signed: bool,
    pub(crate) idempotent: bool,
    pub(crate) max_response_bytes: Option<u64>,
}

impl RequestSpec {
    /// A request with `method` to `path`.
    pub fn new(method: Method, path: impl Into<ApiPath>) -> Self {
        Self {
            method,
            path: path.into(),
            query: Vec::new(),
            body: RequestBody::Empty,
            response_signed: true,
            idempotent: false,
            max_response_bytes: None,
        }
    }

    /// A GET.
    pub fn get(path: impl Into<ApiPath>) -> Self {
        Self::new(Method::GET, path)
    }

    /// A POST.
    pub fn post(path: impl Into<ApiPath>) -> Self {
        Self::new(Method::POST, path)
    }

    /// A PUT.
    pub fn put(path: impl Into<ApiPath>) -> Self {
        Self::new(Method::PUT, path)
    }

    /// A PATCH.
    pub fn patch(path: impl Into<ApiPath>) -> Self {
        Self::new(Method::PATCH, path)
    }

    /// A DELETE.
    pub fn delete(path: impl Into<ApiPath>) -> Self {
        Self::new(Method::DELETE, path)
    }

    /// Appends a query parameter (percent-encoded once, when the request is built).
    #[must_use]
    pub fn query(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((key.into(), value.into()));
        self
    }

    /// Appends a query parameter if `value` is `Some`.
    #[must_use]
    pub fn query_opt(self, key: impl Into<String>, value: Option<impl Into<String>>) -> Self {
        match value {
            Some(v) => self.query(key, v),
            None => self,
        }
    }

    /// Serialises `body` to compact JSON now; these bytes are signed and sent.
    ///
    /// # Errors
    /// [`BuildError::Serialize`].
    pub fn json<T: Serialize + ?Sized>(mut self, body: &T) -> Result<Self, BuildError> {
        let bytes = serde_json::to_vec(body).map_err(BuildError::Serialize)?;
        self.body = RequestBody::Json(Bytes::from(bytes));
        Ok(self)
    }

    /// Uses already-serialised JSON bytes as the body, unchanged.
    #[must_use]
    pub fn json_bytes(mut self, bytes: impl Into<Bytes>) -> Self {
        self.body = RequestBody::Json(bytes.into());
        self
    }

    /// Uses raw bytes with a content type as the body.
    #[must_use]
    pub fn raw_body(mut self, content_type: impl Into<String>, bytes: impl Into<Bytes>) -> Self {
        self.body = RequestBody::Raw { content_type: content_type.into(), bytes: bytes.into() };
        self
    }

    /// Uses a media upload as the body.
    #[must_use]
    pub fn multipart(mut self, upload: Multipart) -> Self {
        self.body = RequestBody::Multipart(upload);
        self
    }

    /// Marks the response as unsigned (bill file downloads, which are checked by digest
    /// instead). Error responses that do carry signature headers are still verified.
    #[must_use]
    pub fn unsigned_response(mut self) -> Self {
        self.response_signed = false;
        self
    }

    /// Marks the request as safe to repeat: a POST is then retried on `429`, `5xx` and
    /// connection failures like a GET. Only for endpoints WeChat Pay deduplicates (same
    /// `out_*` number).
    #[must_use]
    pub fn idempotent(mut self) -> Self {
        self.idempotent = true;
        self
    }

    /// Caps the response body size for this request.
    #[must_use]
    pub fn max_response_bytes(mut self, limit: u64) -> Self {
        self.max_response_bytes = Some(limit);
        self
    }

    /// The method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The path.
    pub fn path(&self) -> &ApiPath {
        &self.path
    }

    /// The query parameters, unencoded, in order.
    pub fn query_pairs(&self) -> &[(String, String)] {
        &self.query
    }

    /// The body.
    pub fn body(&self) -> &RequestBody {
        &self.body
    }

    /// Whether the response must carry a valid signature.
    pub fn is_response_signed(&self) -> bool {
        self.response_signed
    }

    /// Whether the request may be retried.
    pub fn is_idempotent(&self) -> bool {
        self.idempotent || self.method == Method::GET || self.method == Method::HEAD
    }

    /// The response size limit, if set for this request.
    pub fn response_limit(&self) -> Option<u64> {
        self.max_response_bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wechatpay_crypto::{PrivateKey, WechatPayPublicKey};

    const PUB_KEY: &str = include_str!("../../../fixtures/vectors/keys/pub_key.pem");
    const PUB_PRIV: &str = include_str!("../../../fixtures/vectors/keys/pub_key_private.pem");
    const PUB_ID: &str = "PUB_KEY_ID_0119000001002025010100000001";

    // Proves encrypt() uses one key for every field, records its serial, and decrypts back.
    #[test]
    fn encrypt_records_serial_and_round_trips() {
        let mut verifier = Verifier::new();
        verifier.add_public_key(WechatPayPublicKey::from_pem(PUB_ID, PUB_KEY).unwrap());
        let mut ctx = BuildContext::new(&verifier, 1_735_700_000);
        assert!(ctx.encryption_serial().is_none());
        let a = ctx.encrypt("张三").unwrap();
        let b = ctx.encrypt("13800000000").unwrap();
        assert_eq!(ctx.encryption_serial().unwrap().as_str(), PUB_ID);
        let key = PrivateKey::from_pem(PUB_PRIV).unwrap();
        assert_eq!(key.decrypt_field(&a).unwrap().as_str(), "张三");
        assert_eq!(key.decrypt_field(&b).unwrap().as_str(), "13800000000");
        assert_eq!(ctx.into_encryption_serial().unwrap().as_str(), PUB_ID);
    }

    // Proves encryption without any key fails as a build error rather than sending plaintext.
    #[test]
    fn encrypt_without_key_is_a_build_error() {
        let verifier = Verifier::new();
        let mut ctx = BuildContext::new(&verifier, 0);
        assert!(matches!(
            ctx.encrypt("x"),
            Err(BuildError::Encrypt(wechatpay_crypto::Error::NoEncryptionKey))
        ));
    }

    // Proves json() serialises once into the body and GET is idempotent by default, POST not.
    #[test]
    fn spec_defaults() {
        let spec = RequestSpec::post("/v3/x").json(&serde_json::json!({"a": 1})).unwrap();
        assert!(matches!(spec.body(), RequestBody::Json(b) if b.as_ref() == br#"{"a":1}"#));
        assert!(!spec.is_idempotent());
        assert!(spec.clone().idempotent().is_idempotent());
        assert!(RequestSpec::get("/v3/x").is_idempotent());
        assert!(spec.is_response_signed());
        assert!(!format!("{spec:?}").contains("\"a\""), "Debug must not print the body");
    }
}
