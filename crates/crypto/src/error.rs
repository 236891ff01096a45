//! The crate's error type.

/// Everything that can go wrong in `wechatpay-crypto`.
///
/// Variants name what was wrong with the input so that a caller (or the mock server, which
/// turns them into WeChat-style error bodies) can say it in one line. No variant carries key
/// material.
#[non_exhaustive]
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum Error {
    /// The input is not PEM at all (no `-----BEGIN …-----` block could be decoded).
    #[error("not a PEM document: {0}")]
    NotPem(String),
    /// The input is longer than any valid one ([`MAX_PEM_BYTES`](crate::MAX_PEM_BYTES) for
    /// PEM); it was refused before being parsed.
    #[error("{what} of {len} bytes is longer than the {max} bytes allowed")]
    InputTooLarge {
        /// What was being read.
        what: &'static str,
        /// Its length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// The PEM block has a label this operation does not take.
    #[error("unexpected PEM label `{found}`, expected {expected}")]
    UnexpectedPemLabel {
        /// The label found in the input.
        found: String,
        /// What the operation takes.
        expected: &'static str,
    },
    /// The private key is password-protected (`ENCRYPTED PRIVATE KEY`); decrypt it first.
    #[error("the private key is encrypted; export it without a password (openssl pkcs8 -nocrypt)")]
    EncryptedPrivateKey,
    /// The key is not an RSA key.
    #[error("not an RSA key (algorithm {0})")]
    NotRsa(String),
    /// The RSA key is shorter than WeChat Pay's 2048 bits.
    #[error("RSA key of {bits} bits is too small; WeChat Pay uses 2048-bit keys")]
    KeyTooSmall {
        /// The modulus length found.
        bits: usize,
    },
    /// The DER inside the PEM (or a raw DER input) does not decode as the expected structure.
    #[error("malformed {what}: {reason}")]
    Malformed {
        /// What was being decoded ("PKCS#8 private key", "X.509 certificate" …).
        what: &'static str,
        /// Why it was rejected.
        reason: String,
    },
    /// An APIv3 key must be exactly 32 bytes.
    #[error("the APIv3 key must be 32 bytes, got {len}")]
    ApiV3KeyLength {
        /// The length that was given.
        len: usize,
    },
    /// A WeChat Pay public key id must look like `PUB_KEY_ID_…`.
    #[error("invalid WeChat Pay public key id `{0}` (expected PUB_KEY_ID_…)")]
    InvalidPublicKeyId(String),
    /// The certificate's validity window has not started at the time asked.
    #[error("certificate {serial} is not valid before {not_before} (unix time), asked at {now}")]
    CertificateNotYetValid {
        /// The certificate serial.
        serial: String,
        /// Start of validity, unix seconds.
        not_before: i64,
        /// The time checked, unix seconds.
        now: i64,
    },
    /// The certificate's validity window has ended at the time asked.
    #[error("certificate {serial} expired at {not_after} (unix time), asked at {now}")]
    CertificateExpired {
        /// The certificate serial.
        serial: String,
        /// End of validity, unix seconds.
        not_after: i64,
        /// The time checked, unix seconds.
        now: i64,
    },
    /// No trusted key matches the `Wechatpay-Serial` of a response or callback.
    #[error("no trusted platform certificate or public key with serial `{0}`")]
    UnknownSerial(String),
    /// The signature does not verify over the message.
    #[error("signature does not verify")]
    BadSignature,
    /// The signature is not valid base64 or has the wrong length.
    #[error("signature is not valid base64")]
    SignatureEncoding,
    /// WeChat Pay sent a `WECHATPAY/SIGNTEST/` probe signature to check that the merchant
    /// verifies signatures; it must be rejected like any forged signature.
    #[error("signature is a WECHATPAY/SIGNTEST/ probe, rejected as WeChat Pay expects")]
    SignTestProbe,
    /// The timestamp is older than the allowed window.
    #[error("timestamp {timestamp} is {age_secs} s old, more than the {max_skew_secs} s allowed")]
    TimestampExpired {
        /// The timestamp received.
        timestamp: i64,
        /// How old it is, seconds.
        age_secs: i64,
        /// The window.
        max_skew_secs: i64,
    },
    /// The timestamp is further in the future than the allowed window.
    #[error(
        "timestamp {timestamp} is {ahead_secs} s in the future, more than the {max_skew_secs} s allowed"
    )]
    TimestampInFuture {
        /// The timestamp received.
        timestamp: i64,
        /// How far ahead it is, seconds.
        ahead_secs: i64,
        /// The window.
        max_skew_secs: i64,
    },
    /// The timestamp is not a decimal number of seconds.
    #[error("malformed timestamp `{0}`")]
    MalformedTimestamp(String),
    /// The signature type is not `WECHATPAY2-SHA256-RSA2048`.
    #[error("unsupported signature type `{0}`")]
    UnsupportedSignatureType(String),
    /// An Authorization header could not be parsed.
    #[error("malformed Authorization header: {0}")]
    MalformedAuthorization(String),
    /// A field that gets signed contains a byte that would break the signed message format.
    #[error("{field} contains a forbidden character (newline or quote)")]
    InvalidSignedField {
        /// Which field.
        field: &'static str,
    },
    /// AES-256-GCM authentication failed: wrong key, nonce, associated data or tampered data.
    #[error(
        "AES-256-GCM decryption failed: wrong APIv3 key, nonce or associated data, or tampered ciphertext"
    )]
    AeadAuthentication,
    /// The AES-GCM nonce is not 12 bytes.
    #[error("AES-GCM nonce must be 12 bytes, got {len}")]
    AeadNonceLength {
        /// The length given.
        len: usize,
    },
    /// The ciphertext is too short to hold the 16-byte tag.
    #[error("AES-GCM ciphertext is {len} bytes, shorter than the 16-byte tag")]
    AeadCiphertextTooShort {
        /// The length given.
        len: usize,
    },
    /// An `algorithm` other than `AEAD_AES_256_GCM`.
    #[error("unsupported encryption algorithm `{0}`")]
    UnsupportedAlgorithm(String),
    /// Base64 input did not decode.
    #[error("{what} is not valid base64")]
    Base64 {
        /// What was being decoded.
        what: &'static str,
    },
    /// Decrypted data is not UTF-8 where text was expected.
    #[error("decrypted {what} is not UTF-8")]
    NotUtf8 {
        /// What was decrypted.
        what: &'static str,
    },
    /// A sensitive-field plaintext is longer than RSA-2048 OAEP-SHA-1 can take.
    #[error("plaintext of {len} bytes is too long for RSA-OAEP (at most {max} bytes)")]
    OaepPlaintextTooLong {
        /// The plaintext length.
        len: usize,
        /// The maximum for this key.
        max: usize,
    },
    /// RSA-OAEP decryption failed (wrong key, wrong padding, tampered ciphertext).
    #[error("RSA-OAEP decryption failed")]
    OaepDecryption,
    /// No encryption key is configured to encrypt sensitive fields.
    #[error(
        "no platform certificate or WeChat Pay public key available to encrypt sensitive fields"
    )]
    NoEncryptionKey,
    /// The cryptographic backend failed in a way that is not the input's fault.
    #[error("crypto backend failure: {0}")]
    Backend(&'static str),
}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
