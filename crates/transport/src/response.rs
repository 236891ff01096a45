//! Verified responses and the `Wechatpay-*` signature headers they carry.

use std::fmt;

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;
use wechatpay_crypto::SignatureHeaders;

use crate::error::{DecodeError, Error};

/// `Request-ID`, WeChat Pay's id of an exchange.
pub const REQUEST_ID: &str = "request-id";
/// `Wechatpay-Timestamp`.
pub const WECHATPAY_TIMESTAMP: &str = "wechatpay-timestamp";
/// `Wechatpay-Nonce`.
pub const WECHATPAY_NONCE: &str = "wechatpay-nonce";
/// `Wechatpay-Serial`, on responses the key that signed, on requests the key that encrypted.
pub const WECHATPAY_SERIAL: &str = "wechatpay-serial";
/// `Wechatpay-Signature`.
pub const WECHATPAY_SIGNATURE: &str = "wechatpay-signature";
/// `Wechatpay-Signature-Type`.
pub const WECHATPAY_SIGNATURE_TYPE: &str = "wechatpay-signature-type";

/// A 2xx response whose signature was verified (unless the request declared it unsigned).
#[derive(Clone)]
pub struct RawResponse {
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body exactly as received (and verified).
    pub body: Bytes,
    /// `Request-ID`, if sent.
    pub request_id: Option<String>,
}

impl fmt::Debug for RawResponse {
    // Bodies can hold personal data; show the size only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawResponse")
            .field("status", &self.status)
            .field("request_id", &self.request_id)
            .field("body_len", &self.body.len())
            .finish_non_exhaustive()
    }
}

impl RawResponse {
    /// Decodes the body as JSON. An empty body (`204 No Content`) decodes as JSON `null`, so
    /// `()` and `Option<T>` accept it.
    ///
    /// # Errors
    /// [`Error::Decode`] carrying the body.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        let text: &[u8] =
            if self.body.iter().all(u8::is_ascii_whitespace) { b"null" } else { &self.body };
        serde_json::from_slice(text).map_err(|e| {
            Error::Decode(DecodeError::new(
                std::any::type_name::<T>(),
                Some(self.status),
                self.request_id.clone(),
                self.body.clone(),
                e,
            ))
        })
    }
}

pub(crate) fn header_str<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

pub(crate) fn request_id(headers: &HeaderMap) -> Option<String> {
    header_str(headers, REQUEST_ID).map(|s| s.chars().take(128).collect())
}

/// What a response says about its signature.
#[derive(Debug)]
pub(crate) enum Signature<'h> {
    /// No `Wechatpay-*` signature header at all.
    Absent,
    /// Some but not all; names the first missing one.
    Partial(&'static str),
    /// All four (the type is optional).
    Present(SignatureHeaders<'h>),
}

pub(crate) fn signature(headers: &HeaderMap) -> Signature<'_> {
    let names = [
        ("Wechatpay-Timestamp", WECHATPAY_TIMESTAMP),
        ("Wechatpay-Nonce", WECHATPAY_NONCE),
        ("Wechatpay-Serial", WECHATPAY_SERIAL),
        ("Wechatpay-Signature", WECHATPAY_SIGNATURE),
    ];
    let values = names.map(|(_, n)| header_str(headers, n));
    if values.iter().all(Option::is_none) {
        return Signature::Absent;
    }
    match values {
        [Some(timestamp), Some(nonce), Some(serial), Some(signature)] => {
            Signature::Present(SignatureHeaders {
                timestamp,
                nonce,
                serial,
                signature,
                signature_type: header_str(headers, WECHATPAY_SIGNATURE_TYPE),
            })
        }
        _ => {
            let missing = names
                .iter()
                .zip(values.iter())
                .find(|(_, v)| v.is_none())
                .map_or("Wechatpay-Signature", |((n, _), _)| n);
            Signature::Partial(missing)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp(body: &'static [u8]) -> RawResponse {
        RawResponse {
            status: StatusCode::OK,
            headers: HeaderMap::new(),
            body: Bytes::from_static(body),
            request_id: Some("R".into()),
        }
    }

    // Proves empty bodies decode as null (for `()` / Option) and bad JSON keeps the body.
    #[test]
    fn json_decoding() {
        resp(b"").json::<()>().unwrap();
        assert_eq!(resp(b"").json::<Option<u32>>().unwrap(), None);
        assert_eq!(resp(br#"{"a":1}"#).json::<serde_json::Value>().unwrap()["a"], 1);
        let err = resp(b"<html>").json::<serde_json::Value>().unwrap_err();
        let Error::Decode(d) = err else { panic!("{err:?}") };
        assert_eq!(d.body().as_ref(), b"<html>");
        assert_eq!(d.request_id(), Some("R"));
    }

    // Proves header extraction distinguishes absent, partial and complete signatures.
    #[test]
    fn signature_extraction() {
        let mut h = HeaderMap::new();
        assert!(matches!(signature(&h), Signature::Absent));
        h.insert(WECHATPAY_TIMESTAMP, "1".parse().unwrap());
        h.insert(WECHATPAY_NONCE, "n".parse().unwrap());
        assert!(matches!(signature(&h), Signature::Partial("Wechatpay-Serial")));
        h.insert(WECHATPAY_SERIAL, "S".parse().unwrap());
        h.insert(WECHATPAY_SIGNATURE, "sig".parse().unwrap());
        let Signature::Present(s) = signature(&h) else { panic!() };
        assert_eq!(
            (s.timestamp, s.nonce, s.serial, s.signature, s.signature_type),
            ("1", "n", "S", "sig", None)
        );
    }
}
