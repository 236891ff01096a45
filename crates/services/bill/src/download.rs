//! Downloading bill files: streamed through gunzip and SHA-1 into a `.part` file beside the
//! output, renamed only after the digest matched.

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

use futures_util::StreamExt;
use wechatpay_crypto::PrivateKey;
use wechatpay_models::bill::{BillDownloadUrl, EncryptedBill, EncryptedBillList, HashType};
use wechatpay_transport::{ByteStream, Transport};

use crate::decrypt;
use crate::error::BillError;
use crate::parse::{read_fund_flow_bill, read_trade_bill, FundFlowBill, TradeBill};
use crate::sink::{check_hash, BillSink, Digested, SinkError};

/// 1 GiB: the default cap on one downloaded (compressed) bill file.
pub const DEFAULT_MAX_BYTES: u64 = 1 << 30;
/// 256 MiB: the default cap on one *encrypted* bill file, which is held in memory whole
/// (AES-GCM authenticates only at the end, and a file must not be used before that).
pub const DEFAULT_MAX_ENCRYPTED_BYTES: u64 = 256 << 20;

/// How to download: compression and size limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DownloadOptions {
    /// The bill was applied for with `tar_type=GZIP`: gunzip it.
    pub gzip: bool,
    /// Largest file accepted, bytes as sent (compressed); the stream fails beyond it.
    pub max_bytes: u64,
    /// Largest encrypted file accepted, bytes: memory use of an encrypted download is about
    /// twice this (ciphertext, then plaintext), whatever the size of the bill.
    pub max_encrypted_bytes: u64,
}

impl Default for DownloadOptions {
    fn default() -> Self {
        Self {
            gzip: false,
            max_bytes: DEFAULT_MAX_BYTES,
            max_encrypted_bytes: DEFAULT_MAX_ENCRYPTED_BYTES,
        }
    }
}

impl DownloadOptions {
    /// Plain files (no `tar_type`), default limits.
    pub fn plain() -> Self {
        Self::default()
    }

    /// Gzip files (`tar_type=GZIP`), default limits.
    pub fn gzip() -> Self {
        Self { gzip: true, ..Self::default() }
    }
}

/// Progress of a download, reported after each chunk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// The file (`bill_sequence`; 1 for single-file bills).
    pub sequence: i64,
    /// Bytes received of this file so far.
    pub received: u64,
    /// `Content-Length`, when sent.
    pub total: Option<u64>,
}

/// A bill file on disk whose SHA-1 matched `hash_value`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedBill {
    path: PathBuf,
    bytes: u64,
    sha1_hex: String,
}

impl VerifiedBill {
    /// Where it is.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Its (decompressed, decrypted) size, bytes.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Its SHA-1, lower-case hex (equal to `hash_value`).
    pub fn sha1_hex(&self) -> &str {
        &self.sha1_hex
    }

    /// Parses it as a trade bill.
    ///
    /// # Errors
    /// [`BillError::Io`], [`BillError::Parse`].
    pub fn trade_bill(&self) -> Result<TradeBill, BillError> {
        Ok(read_trade_bill(self.open()?)?)
    }

    /// Parses it as a fund-flow bill.
    ///
    /// # Errors
    /// [`BillError::Io`], [`BillError::Parse`].
    pub fn fund_flow_bill(&self) -> Result<FundFlowBill, BillError> {
        Ok(read_fund_flow_bill(self.open()?)?)
    }

    /// Opens it for reading line by line (e.g. with [`crate::BillReader`]).
    ///
    /// # Errors
    /// [`BillError::Io`].
    pub fn open(&self) -> Result<BufReader<File>, BillError> {
        File::open(&self.path)
            .map(BufReader::new)
            .map_err(|source| BillError::Io { path: self.path.clone(), source })
    }
}

/// `bill.csv` → `bill.csv.part`.
pub fn part_path(out: &Path) -> PathBuf {
    let mut name = out.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".part");
    out.with_file_name(name)
}

fn check_hash_type(hash_type: &HashType, sequence: i64) -> Result<(), BillError> {
    match hash_type {
        HashType::Sha1 => Ok(()),
        HashType::Unknown(raw) => {
            Err(BillError::UnsupportedHash { sequence, hash_type: raw.clone() })
        }
    }
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> BillError + '_ {
    move |source| BillError::Io { path: path.to_owned(), source }
}

fn sink_err(path: &Path, e: SinkError) -> BillError {
    match e {
        SinkError::Write(source) => BillError::Io { path: path.to_owned(), source },
        SinkError::Bill(b) => b,
    }
}

/// Starts a download; the body and its `Content-Length`, if sent.
async fn fetch(
    transport: &Transport,
    url: &str,
    max_bytes: u64,
    sequence: i64,
) -> Result<(ByteStream, Option<u64>), BillError> {
    let download = transport
        .download(url, max_bytes)
        .await
        .map_err(|source| BillError::Download { sequence, source: Box::new(source) })?;
    let len = download
        .headers()
        .get(wechatpay_transport::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    Ok((download.into_stream(), len))
}

/// Streams one plain or gzip file into `out` through the sink and checks its digest. Memory
/// stays bounded by one chunk plus the decoder's window, whatever the file's size.
///
/// On error `out` holds partial, unverified data: discard it (the path-based functions
/// do).
///
/// # Errors
/// [`BillError::UnsupportedHash`], [`BillError::Download`], [`BillError::Gunzip`],
/// [`BillError::HashMismatch`], [`BillError::Io`] (with `path` naming `out`).
pub async fn download_to_writer<W: Write>(
    transport: &Transport,
    info: &BillDownloadUrl,
    options: &DownloadOptions,
    out: W,
    out_path: &Path,
    progress: &mut dyn FnMut(Progress),
) -> Result<Digested<W>, BillError> {
    check_hash_type(&info.hash_type, 1)?;
    let (mut stream, total) = fetch(transport, &info.download_url, options.max_bytes, 1).await?;
    let mut sink = BillSink::new(out, options.gzip, 1);
    while let Some(chunk) = stream.next().await {
        let chunk = chunk
            .map_err(|source| BillError::Download { sequence: 1, source: Box::new(source) })?;
        sink.write(&chunk).map_err(|e| sink_err(out_path, e))?;
        progress(Progress { sequence: 1, received: stream.bytes_received(), total });
    }
    let digested = sink.finish().map_err(|e| sink_err(out_path, e))?;
    check_hash(&digested, &info.hash_value, 1)?;
    Ok(digested)
}

/// Downloads a trade or fund-flow bill to `out`: written to `out.part`, renamed to `out`
/// only once the SHA-1 of the (decompressed) content matched `hash_value`; the `.part` file
/// is removed on any error.
///
/// # Errors
/// As [`download_to_writer`].
pub async fn download_to_path(
    transport: &Transport,
    info: &BillDownloadUrl,
    options: &DownloadOptions,
    out: &Path,
    progress: &mut dyn FnMut(Progress),
) -> Result<VerifiedBill, BillError> {
    let part = part_path(out);
    let result = async {
        let file = BufWriter::new(File::create(&part).map_err(io(&part))?);
        let digested = download_to_writer(transport, info, options, file, &part, progress).await?;
        let mut file = digested.inner;
        file.flush().map_err(io(&part))?;
        Ok::<_, BillError>((digested.sha1_hex, digested.bytes))
    }
    .await;
    finish(result, &part, out)
}

/// Downloads an encrypted fund-flow bill (every file of `list`, in `bill_sequence` order)
/// to `out`, as one file: each file is downloaded whole into memory (at most
/// `options.max_encrypted_bytes`), decrypted (AES-256-GCM with its `encrypt_key`, itself
/// RSA-OAEP-decrypted with `merchant_key`), gunzipped when asked, checked against its
/// `hash_value`, and appended to `out.part`, renamed to `out` once every file passed.
///
/// # Errors
/// [`BillError::FileCount`], [`BillError::FileKey`], [`BillError::FileKeyLength`],
/// [`BillError::Nonce`], [`BillError::Decrypt`], and as [`download_to_writer`].
pub async fn download_encrypted_to_path(
    transport: &Transport,
    list: &EncryptedBillList,
    merchant_key: &PrivateKey,
    options: &DownloadOptions,
    out: &Path,
    progress: &mut dyn FnMut(Progress),
) -> Result<VerifiedBill, BillError> {
    let part = part_path(out);
    let result = async {
        let mut files: Vec<&EncryptedBill> = list.download_bill_list.iter().flatten().collect();
        if files.is_empty() || i64::try_from(files.len()).ok() != Some(list.download_bill_count) {
            return Err(BillError::FileCount {
                announced: list.download_bill_count,
                listed: files.len(),
            });
        }
        files.sort_by_key(|f| f.bill_sequence);
        let mut writer = BufWriter::new(File::create(&part).map_err(io(&part))?);
        let mut total = 0u64;
        let mut hasher =
            wechatpay_crypto::digest::Hasher::new(wechatpay_crypto::backend::DigestAlgorithm::Sha1);
        for file in files {
            let sequence = file.bill_sequence;
            check_hash_type(&file.hash_type, sequence)?;
            let key = decrypt::file_key(merchant_key, &file.encrypt_key, sequence)?;
            let (mut stream, len) =
                fetch(transport, &file.download_url, options.max_encrypted_bytes, sequence).await?;
            let mut data = Vec::new();
            while let Some(chunk) = stream.next().await {
                let chunk = chunk
                    .map_err(|source| BillError::Download { sequence, source: Box::new(source) })?;
                data.extend_from_slice(&chunk);
                progress(Progress { sequence, received: stream.bytes_received(), total: len });
            }
            let plain =
                decrypt::decrypt_file(merchant_key.backend(), &key, &file.nonce, &data, sequence)?;
            drop(data);
            let mut sink = BillSink::new(Vec::new(), options.gzip, sequence);
            sink.write(&plain).map_err(|e| sink_err(&part, e))?;
            let digested = sink.finish().map_err(|e| sink_err(&part, e))?;
            check_hash(&digested, &file.hash_value, sequence)?;
            hasher.update(&digested.inner);
            writer.write_all(&digested.inner).map_err(io(&part))?;
            total = total.saturating_add(digested.bytes);
        }
        writer.flush().map_err(io(&part))?;
        Ok((hasher.finish_hex(), total))
    }
    .await;
    finish(result, &part, out)
}

fn finish(
    result: Result<(String, u64), BillError>,
    part: &Path,
    out: &Path,
) -> Result<VerifiedBill, BillError> {
    match result {
        Ok((sha1_hex, bytes)) => {
            std::fs::rename(part, out).map_err(io(out))?;
            Ok(VerifiedBill { path: out.to_owned(), bytes, sha1_hex })
        }
        Err(e) => {
            // Best effort: the error being reported matters more than a leftover .part file.
            let _ = std::fs::remove_file(part);
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Proves the partial file sits beside the output.
    #[test]
    fn part_path_is_beside_the_output() {
        assert_eq!(part_path(Path::new("out/bill.csv")), Path::new("out/bill.csv.part"));
    }
}
