//! What can go wrong with a bill file. Files are numbered by `bill_sequence` (1 for
//! single-file bills).

use std::path::PathBuf;

/// A bill file could not be delivered as verified data. Whatever the variant, no output file
/// and no row was handed out: a bill is either complete and checked, or an error.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum BillError {
    /// The answer named a digest this crate cannot check.
    #[error("bill file {sequence}: unsupported hash_type `{hash_type}`")]
    UnsupportedHash {
        /// The file.
        sequence: i64,
        /// The `hash_type` as sent.
        hash_type: String,
    },
    /// The file is not what WeChat Pay said it is (tampered, truncated, or another file).
    #[error(
        "bill file {sequence}: SHA-1 is {actual} over {bytes} bytes, WeChat Pay says {expected}"
    )]
    HashMismatch {
        /// The file.
        sequence: i64,
        /// `hash_value` as announced (at most 64 characters of it).
        expected: String,
        /// The SHA-1 of what arrived (decompressed), lower-case hex.
        actual: String,
        /// How many (decompressed) bytes arrived.
        bytes: u64,
    },
    /// The gzip stream is corrupt or truncated.
    #[error("bill file {sequence} is not valid gzip")]
    Gunzip {
        /// The file.
        sequence: i64,
        /// What the decoder said.
        #[source]
        source: std::io::Error,
    },
    /// The file key (`encrypt_key`) does not decrypt with the merchant private key.
    #[error("bill file {sequence}: encrypt_key does not decrypt with the merchant private key")]
    FileKey {
        /// The file.
        sequence: i64,
        /// What the crypto backend said.
        #[source]
        source: wechatpay_crypto::Error,
    },
    /// The decrypted file key is not an AES-256 key.
    #[error(
        "bill file {sequence}: the decrypted encrypt_key is {len} bytes, not a 32-byte AES-256 key"
    )]
    FileKeyLength {
        /// The file.
        sequence: i64,
        /// Its length.
        len: usize,
    },
    /// The file nonce is not 12 bytes.
    #[error("bill file {sequence}: nonce must be 12 bytes, got {len}")]
    Nonce {
        /// The file.
        sequence: i64,
        /// Its length.
        len: usize,
    },
    /// The file does not decrypt under its key and nonce (damaged, truncated, another key).
    #[error("bill file {sequence} does not decrypt (damaged, truncated, or not this key's)")]
    Decrypt {
        /// The file.
        sequence: i64,
        /// What the crypto backend said.
        #[source]
        source: wechatpay_crypto::Error,
    },
    /// The answer listed no file, or a file count that does not match the list.
    #[error("WeChat Pay announced {announced} bill file(s) and listed {listed}")]
    FileCount {
        /// `download_bill_count`.
        announced: i64,
        /// Files in `download_bill_list`.
        listed: usize,
    },
    /// Downloading a file failed (refused, cut off, over the size limit, stalled).
    #[error("download of bill file {sequence} failed")]
    Download {
        /// The file.
        sequence: i64,
        /// The transport's error (`Error::Api` `INVALID_REQUEST` for an expired URL).
        #[source]
        source: Box<wechatpay_transport::Error>,
    },
    /// The output file could not be written, renamed or read back.
    #[error("bill file {}: I/O error", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The verified content is not a bill in WeChat Pay's layout.
    #[error(transparent)]
    Parse(#[from] crate::parse::ParseError),
}
