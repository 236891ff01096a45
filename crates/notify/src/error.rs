//! The crate's error type: one variant per step of handling a callback.

use http::StatusCode;

/// Why a callback was refused.
///
/// Variants follow the order in which a callback is checked: size, headers, signature,
/// envelope, resource. `Display` says what was wrong in one line; the wrapped crypto or serde
/// error is the [`source`](std::error::Error::source), so log the whole chain.
///
/// Every variant can be turned into the reply WeChat Pay expects with [`Error::reply`].
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The body is larger than [`MAX_BODY_BYTES`](crate::MAX_BODY_BYTES); it was not parsed.
    #[error("callback body is larger than the {max_bytes} bytes allowed")]
    BodyTooLarge {
        /// The limit.
        max_bytes: usize,
    },
    /// A required `Wechatpay-*` header is absent.
    #[error("missing header `{0}`")]
    MissingHeader(&'static str),
    /// A `Wechatpay-*` header is present but unusable.
    #[error("malformed header `{name}`: {problem}")]
    MalformedHeader {
        /// The header, as WeChat Pay spells it.
        name: &'static str,
        /// What is wrong with it.
        problem: HeaderProblem,
    },
    /// The signature did not verify: unknown serial, bad or probe signature, timestamp outside
    /// the window, unsupported signature type. The source says which.
    #[error("callback signature rejected")]
    Signature(#[source] wechatpay_crypto::Error),
    /// The (verified) body is not a notification envelope.
    #[error("callback body is not a notification envelope")]
    Envelope(#[source] serde_json::Error),
    /// The envelope's `resource_type` is not `encrypt-resource`.
    #[error("unsupported resource_type `{0}`")]
    UnsupportedResourceType(String),
    /// The resource's `algorithm` is not `AEAD_AES_256_GCM`.
    #[error("unsupported resource algorithm `{0}`")]
    UnsupportedAlgorithm(String),
    /// The resource did not decrypt: wrong APIv3 key, bad nonce, or corrupted ciphertext.
    #[error("callback resource could not be decrypted")]
    Decrypt(#[source] wechatpay_crypto::Error),
    /// The decrypted resource does not fit the type its event type calls for (or the type
    /// asked for with [`NotifyParser::parse_as`](crate::NotifyParser::parse_as)).
    #[error("decrypted {event_type} resource does not match its type")]
    Resource {
        /// The envelope's `event_type`.
        event_type: String,
        /// What serde found wrong.
        #[source]
        source: serde_json::Error,
    },
}

/// What is wrong with a header value.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum HeaderProblem {
    /// The header is sent more than once.
    #[error("sent more than once")]
    Repeated,
    /// The value has bytes outside visible ASCII.
    #[error("not visible ASCII")]
    NotAscii,
    /// The value is empty.
    #[error("empty")]
    Empty,
    /// The value is longer than any WeChat Pay sends.
    #[error("{len} bytes, more than the {max} allowed")]
    TooLong {
        /// The value's length.
        len: usize,
        /// The limit for this header.
        max: usize,
    },
}

impl Error {
    /// Whether this is a `WECHATPAY/SIGNTEST/` probe: WeChat Pay checking that the merchant
    /// verifies signatures. The right answer is the failure reply, which [`Error::reply`] gives;
    /// callers may want to log probes at a lower level than real forgeries.
    pub fn is_sign_test_probe(&self) -> bool {
        matches!(self, Self::Signature(wechatpay_crypto::Error::SignTestProbe))
    }

    /// The status to answer with. Any non-2xx makes WeChat Pay deliver again later; the
    /// choice only tells a human reading logs whose fault it was: 4xx for what the request
    /// got wrong, 500 when the callback was genuine but this side could not use it (wrong
    /// APIv3 key, a resource the types do not fit), which a fix and a retry will cure.
    pub fn status(&self) -> StatusCode {
        match self {
            Self::BodyTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::MissingHeader(_) | Self::MalformedHeader { .. } => StatusCode::BAD_REQUEST,
            Self::Signature(_) => StatusCode::UNAUTHORIZED,
            Self::Envelope(_)
            | Self::UnsupportedResourceType(_)
            | Self::UnsupportedAlgorithm(_) => StatusCode::BAD_REQUEST,
            Self::Decrypt(_) | Self::Resource { .. } => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// A short message for the failure reply. It names the step that failed but, unlike
    /// `Display` and the source chain, never echoes header values or decrypted data.
    pub fn reply_message(&self) -> &'static str {
        match self {
            Self::BodyTooLarge { .. } => "body too large",
            Self::MissingHeader(_) => "missing signature header",
            Self::MalformedHeader { .. } => "malformed signature header",
            Self::Signature(_) => "signature verification failed",
            Self::Envelope(_) => "body is not a notification",
            Self::UnsupportedResourceType(_) => "unsupported resource_type",
            Self::UnsupportedAlgorithm(_) => "unsupported resource algorithm",
            Self::Decrypt(_) => "resource decryption failed",
            Self::Resource { .. } => "resource not understood",
        }
    }

    /// The failure reply for this error: [`Error::status`] with
    /// `{"code":"FAIL","message":<`[`Error::reply_message`]`>}`.
    pub fn reply(&self) -> http::Response<bytes::Bytes> {
        crate::reply::fail(self.status(), self.reply_message())
    }
}
