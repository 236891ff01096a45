//! The `Wechatpay-*` headers of a callback, read from an [`http::HeaderMap`] with bounds.

use http::{HeaderMap, HeaderName};
use wechatpay_crypto::SignatureHeaders;

use crate::error::{Error, HeaderProblem};

/// A callback header: WeChat Pay's spelling (for errors) and the [`HeaderName`] to look up
/// ([`HeaderMap`] names are case-insensitive; `from_static` checks the lowercase spelling at
/// compile time).
#[derive(Debug, Clone)]
pub(crate) struct Header {
    /// The name as WeChat Pay documents it.
    pub(crate) name: &'static str,
    key: HeaderName,
    /// The longest value accepted. WeChat Pay's real values are far shorter; the bound keeps
    /// hostile input from reaching the verifier.
    max_len: usize,
}

/// `Wechatpay-Timestamp`: unix seconds (crypto takes at most 19 digits).
pub(crate) const TIMESTAMP: Header = Header {
    name: "Wechatpay-Timestamp",
    key: HeaderName::from_static("wechatpay-timestamp"),
    max_len: 32,
};
/// `Wechatpay-Nonce`: 32 characters in practice.
pub(crate) const NONCE: Header = Header {
    name: "Wechatpay-Nonce",
    key: HeaderName::from_static("wechatpay-nonce"),
    max_len: 128,
};
/// `Wechatpay-Serial`: a 40-hex certificate serial or a 39-character `PUB_KEY_ID_…`.
pub(crate) const SERIAL: Header = Header {
    name: "Wechatpay-Serial",
    key: HeaderName::from_static("wechatpay-serial"),
    max_len: 64,
};
/// `Wechatpay-Signature`: 344 base64 characters for RSA-2048; crypto refuses more than
/// [`MAX_SIGNATURE_BASE64_LEN`](wechatpay_crypto::verifier::MAX_SIGNATURE_BASE64_LEN) before
/// decoding. This header bound only keeps a hostile value from being copied around.
pub(crate) const SIGNATURE: Header = Header {
    name: "Wechatpay-Signature",
    key: HeaderName::from_static("wechatpay-signature"),
    max_len: 1024,
};
/// `Wechatpay-Signature-Type`: `WECHATPAY2-SHA256-RSA2048` when sent.
pub(crate) const SIGNATURE_TYPE: Header = Header {
    name: "Wechatpay-Signature-Type",
    key: HeaderName::from_static("wechatpay-signature-type"),
    max_len: 64,
};
/// `Request-ID`: identifies the delivery; informational, not signed.
pub(crate) const REQUEST_ID: Header =
    Header { name: "Request-ID", key: HeaderName::from_static("request-id"), max_len: 128 };

/// The headers a callback is verified with, borrowed from the request.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CallbackHeaders<'a> {
    pub(crate) signature: SignatureHeaders<'a>,
    pub(crate) request_id: Option<&'a str>,
}

impl<'a> CallbackHeaders<'a> {
    /// Reads and bounds the headers; checks nothing cryptographic.
    ///
    /// # Errors
    /// [`Error::MissingHeader`] or [`Error::MalformedHeader`], naming the header.
    pub(crate) fn read(headers: &'a HeaderMap) -> Result<Self, Error> {
        Ok(Self {
            signature: SignatureHeaders {
                timestamp: required(headers, &TIMESTAMP)?,
                nonce: required(headers, &NONCE)?,
                serial: required(headers, &SERIAL)?,
                signature: required(headers, &SIGNATURE)?,
                signature_type: optional(headers, &SIGNATURE_TYPE)?,
            },
            request_id: optional(headers, &REQUEST_ID)?,
        })
    }
}

fn required<'a>(headers: &'a HeaderMap, header: &Header) -> Result<&'a str, Error> {
    optional(headers, header)?.ok_or(Error::MissingHeader(header.name))
}

fn optional<'a>(headers: &'a HeaderMap, header: &Header) -> Result<Option<&'a str>, Error> {
    let malformed = |problem| Error::MalformedHeader { name: header.name, problem };
    let mut values = headers.get_all(&header.key).iter();
    let Some(value) = values.next() else {
        return Ok(None);
    };
    // Two values would leave it open which one was signed: refuse rather than pick.
    if values.next().is_some() {
        return Err(malformed(HeaderProblem::Repeated));
    }
    // Checked on the raw bytes first, so an oversized value is never scanned further.
    let len = value.len();
    if len > header.max_len {
        return Err(malformed(HeaderProblem::TooLong { len, max: header.max_len }));
    }
    let text = value.to_str().map_err(|_| malformed(HeaderProblem::NotAscii))?;
    if text.is_empty() {
        return Err(malformed(HeaderProblem::Empty));
    }
    Ok(Some(text))
}
