//! Where a bill file's bytes go as they arrive: through gunzip when `tar_type=GZIP` was
//! asked for, then through SHA-1 (WeChat Pay's `hash_value` is the digest of the
//! decompressed file) into the output. Nothing is buffered whole.

use std::io::{self, Write};

use flate2::write::MultiGzDecoder;
use wechatpay_crypto::backend::DigestAlgorithm;
use wechatpay_crypto::digest::Hasher;

use crate::error::BillError;

/// A writer that hashes and counts what passes through, and remembers whether the inner
/// writer (the disk) failed, so a disk error is not reported as a corrupt gzip stream.
struct HashingWriter<W> {
    inner: W,
    hasher: Hasher,
    bytes: u64,
    inner_failed: bool,
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf).inspect_err(|_| self.inner_failed = true)?;
        let written = buf.get(..n).unwrap_or(buf);
        self.hasher.update(written);
        self.bytes += written.len() as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush().inspect_err(|_| self.inner_failed = true)
    }
}

/// The decompressed, digested result of one bill file.
#[derive(Debug)]
pub struct Digested<W> {
    /// The output writer, handed back.
    pub inner: W,
    /// SHA-1 of the (decompressed) bytes, lower-case hex.
    pub sha1_hex: String,
    /// How many (decompressed) bytes were written.
    pub bytes: u64,
}

enum Stage<W: Write> {
    Plain(HashingWriter<W>),
    // Boxed: the decoder's state is large and the plain stage is not.
    Gzip(Box<MultiGzDecoder<HashingWriter<W>>>),
}

/// One bill file on its way to `W`.
pub struct BillSink<W: Write> {
    stage: Stage<W>,
    sequence: i64,
}

impl<W: Write> std::fmt::Debug for BillSink<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BillSink").field("sequence", &self.sequence).finish_non_exhaustive()
    }
}

/// A sink failure: the output, or the gzip stream.
#[derive(Debug, thiserror::Error)]
pub enum SinkError {
    /// The output could not be written.
    #[error("the output could not be written")]
    Write(#[source] io::Error),
    /// The data is not valid gzip.
    #[error(transparent)]
    Bill(BillError),
}

impl<W: Write> BillSink<W> {
    /// A sink for file `sequence`, gunzipping when `gzip`.
    pub fn new(inner: W, gzip: bool, sequence: i64) -> Self {
        let hashing = HashingWriter {
            inner,
            hasher: Hasher::new(DigestAlgorithm::Sha1),
            bytes: 0,
            inner_failed: false,
        };
        let stage = if gzip {
            // Multi-member: a gzip file may be several members one after the other.
            Stage::Gzip(Box::new(MultiGzDecoder::new(hashing)))
        } else {
            Stage::Plain(hashing)
        };
        Self { stage, sequence }
    }

    /// Feeds the next downloaded chunk.
    ///
    /// # Errors
    /// [`SinkError::Write`] for the output, [`SinkError::Bill`] for corrupt gzip.
    pub fn write(&mut self, chunk: &[u8]) -> Result<(), SinkError> {
        let result = match &mut self.stage {
            Stage::Plain(w) => w.write_all(chunk),
            Stage::Gzip(d) => d.write_all(chunk),
        };
        result.map_err(|e| self.classify(e))
    }

    /// Ends the file: flushes the decoder (a truncated gzip stream fails here) and returns
    /// the digest.
    ///
    /// # Errors
    /// As [`BillSink::write`].
    pub fn finish(self) -> Result<Digested<W>, SinkError> {
        let sequence = self.sequence;
        let hashing = match self.stage {
            Stage::Plain(w) => w,
            Stage::Gzip(mut d) => {
                if let Err(e) = d.try_finish() {
                    let inner_failed = d.get_ref().inner_failed;
                    return Err(classify(inner_failed, sequence, e));
                }
                d.finish().map_err(|e| classify(false, sequence, e))?
            }
        };
        Ok(Digested {
            inner: hashing.inner,
            sha1_hex: hashing.hasher.finish_hex(),
            bytes: hashing.bytes,
        })
    }

    fn classify(&self, e: io::Error) -> SinkError {
        let inner_failed = match &self.stage {
            Stage::Plain(_) => true,
            Stage::Gzip(d) => d.get_ref().inner_failed,
        };
        classify(inner_failed, self.sequence, e)
    }
}

fn classify(inner_failed: bool, sequence: i64, e: io::Error) -> SinkError {
    if inner_failed {
        SinkError::Write(e)
    } else {
        SinkError::Bill(BillError::Gunzip { sequence, source: e })
    }
}

/// Compares the digest with `hash_value` (WeChat Pay sends lower-case hex; case is ignored).
///
/// # Errors
/// [`BillError::HashMismatch`].
pub fn check_hash<W>(
    digested: &Digested<W>,
    expected: &str,
    sequence: i64,
) -> Result<(), BillError> {
    if digested.sha1_hex.eq_ignore_ascii_case(expected.trim()) {
        Ok(())
    } else {
        Err(BillError::HashMismatch {
            sequence,
            expected: expected.chars().take(64).collect(),
            actual: digested.sha1_hex.clone(),
            bytes: digested.bytes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::GzEncoder;
    use flate2::Compression;

    const CSV: &[u8] = "交易时间,公众账号ID,商户号\n`2025-01-31 10:00:00,`wx8888888888888888,`1900000100\n总交易单数,应结订单总金额\n`1,`1.00\n".as_bytes();

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    // Proves a gzip file fed in small chunks comes out decompressed, with the SHA-1 of the
    // decompressed bytes, and passes the hash check.
    #[test]
    fn gunzips_and_hashes_the_decompressed_bytes() {
        let compressed = gzip(CSV);
        let mut sink = BillSink::new(Vec::new(), true, 1);
        for chunk in compressed.chunks(7) {
            sink.write(chunk).unwrap();
        }
        let out = sink.finish().unwrap();
        assert_eq!(out.inner, CSV);
        assert_eq!(out.bytes, CSV.len() as u64);
        assert_eq!(out.sha1_hex, wechatpay_crypto::digest::sha1_hex(CSV));
        check_hash(&out, &out.sha1_hex.to_uppercase(), 1).unwrap();
    }

    // Proves a plain file passes through unchanged and a wrong hash is refused with both values.
    #[test]
    fn plain_and_mismatch() {
        let mut sink = BillSink::new(Vec::new(), false, 2);
        sink.write(CSV).unwrap();
        let out = sink.finish().unwrap();
        assert_eq!(out.inner, CSV);
        let err = check_hash(&out, "da39a3ee5e6b4b0d3255bfef95601890afd80709", 2).unwrap_err();
        let text = err.to_string();
        assert!(text.starts_with("bill file 2: SHA-1 is "), "{text}");
        assert!(
            text.ends_with("WeChat Pay says da39a3ee5e6b4b0d3255bfef95601890afd80709"),
            "{text}"
        );
    }

    // Proves truncated or non-gzip data is reported as a gzip problem, not a disk problem.
    #[test]
    fn corrupt_gzip() {
        let compressed = gzip(CSV);
        let mut sink = BillSink::new(Vec::new(), true, 1);
        sink.write(compressed.get(..compressed.len() / 2).unwrap()).unwrap();
        assert!(matches!(
            sink.finish(),
            Err(SinkError::Bill(BillError::Gunzip { sequence: 1, .. }))
        ));
        let mut sink = BillSink::new(Vec::new(), true, 3);
        let result =
            sink.write(b"not gzip at all, just text").and_then(|()| sink.finish().map(drop));
        assert!(matches!(result, Err(SinkError::Bill(BillError::Gunzip { sequence: 3, .. }))));
    }

    // Proves a failing output is reported as a write error.
    #[test]
    fn disk_errors_are_write_errors() {
        struct Full;
        impl Write for Full {
            fn write(&mut self, _: &[u8]) -> io::Result<usize> {
                Err(io::Error::other("disk full"))
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let mut sink = BillSink::new(Full, true, 1);
        let compressed = gzip(CSV);
        let result = sink.write(&compressed).and_then(|()| sink.finish().map(drop));
        assert!(matches!(result, Err(SinkError::Write(_))), "{result:?}");
    }
}
