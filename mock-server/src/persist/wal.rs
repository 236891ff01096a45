//! The journal file: framed records, a torn-tail-tolerant reader, and a group-commit writer.
//!
//! Layout: the 8-byte [`MAGIC`], then records, each
//! `[payload length: u32 LE][CRC-32 (IEEE) of the payload: u32 LE][payload]`.
//!
//! The writer is one thread that owns the file. Appenders copy a framed record into a shared
//! buffer under a mutex and get its sequence number; the thread takes everything buffered,
//! writes it, `fdatasync`s, and publishes the highest sequence number now on disk. Records that
//! arrive while an fsync is running go out together with the next one (group commit), so N
//! concurrent writers cost about one fsync, not N.
//!
//! A `kill -9` (or power loss) can leave the last record half-written. The reader stops at
//! the first record that is short, has length 0 or above [`MAX_RECORD_BYTES`], or fails its
//! checksum, and reports its offset; the caller truncates the file there. Such a record was
//! never acknowledged: an acknowledgement waits for the fsync that covers the whole record.

use std::fs::File;
use std::io::{self, BufReader, Read, Write};
use std::path::Path;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

use tokio::sync::watch;

/// First bytes of a journal file (format version 1).
pub const MAGIC: &[u8; 8] = b"WXPMOCK1";
/// Largest record payload accepted, bytes (an 8 MiB upload is about 11 MiB of base64).
pub const MAX_RECORD_BYTES: u32 = 64 << 20;

/// Frames `payload` as one record.
pub(crate) fn frame(payload: &[u8]) -> Vec<u8> {
    let len = u32::try_from(payload.len()).unwrap_or(u32::MAX);
    let mut out = Vec::with_capacity(payload.len() + 8);
    out.extend_from_slice(&len.to_le_bytes());
    out.extend_from_slice(&crc32fast::hash(payload).to_le_bytes());
    out.extend_from_slice(payload);
    out
}

/// What the reader found after the last whole record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tail {
    /// The file ends exactly after a record.
    Clean,
    /// A torn or corrupt record starts at `offset`; `bytes` bytes follow it, to be dropped.
    Torn {
        /// Where the bad record starts (the file is truncated to this length).
        offset: u64,
        /// Bytes from `offset` to the end of the file.
        bytes: u64,
    },
}

/// Reads the records of a journal file one by one.
pub(crate) struct Reader {
    inner: BufReader<File>,
    offset: u64,
    len: u64,
}

impl std::fmt::Debug for Reader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reader").field("offset", &self.offset).field("len", &self.len).finish()
    }
}

/// Reads as much as it can into `buf`; the number of bytes read (short only at end of file).
fn read_full(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut done = 0;
    while done < buf.len() {
        match r.read(buf.get_mut(done..).unwrap_or_default()) {
            Ok(0) => break,
            Ok(n) => done += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(done)
}

impl Reader {
    /// Opens `path` and checks the magic. `Ok(None)` when the file is shorter than the magic
    /// (a crash while creating it): the caller starts it afresh.
    pub(crate) fn open(path: &Path) -> io::Result<Option<Self>> {
        let file = File::open(path)?;
        let len = file.metadata()?.len();
        let mut inner = BufReader::with_capacity(1 << 20, file);
        let mut magic = [0u8; 8];
        if read_full(&mut inner, &mut magic)? < magic.len() {
            return Ok(None);
        }
        if &magic != MAGIC {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("{} is not a wechatpay-mock journal (format 1)", path.display()),
            ));
        }
        Ok(Some(Self { inner, offset: MAGIC.len() as u64, len }))
    }

    /// The next whole record's payload, or where the readable journal ends.
    pub(crate) fn next_record(&mut self) -> io::Result<Result<Vec<u8>, Tail>> {
        let start = self.offset;
        let torn = |len: u64| Tail::Torn { offset: start, bytes: len.saturating_sub(start) };
        let mut header = [0u8; 8];
        let got = read_full(&mut self.inner, &mut header)?;
        if got == 0 {
            return Ok(Err(Tail::Clean));
        }
        if got < header.len() {
            return Ok(Err(torn(self.len)));
        }
        let [l0, l1, l2, l3, c0, c1, c2, c3] = header;
        let len = u32::from_le_bytes([l0, l1, l2, l3]);
        let crc = u32::from_le_bytes([c0, c1, c2, c3]);
        // A zero length is what a file system shows for a block allocated but never written.
        if len == 0 || len > MAX_RECORD_BYTES {
            return Ok(Err(torn(self.len)));
        }
        let mut payload = vec![0u8; len as usize];
        if read_full(&mut self.inner, &mut payload)? < payload.len()
            || crc32fast::hash(&payload) != crc
        {
            return Ok(Err(torn(self.len)));
        }
        self.offset = start + 8 + u64::from(len);
        Ok(Ok(payload))
    }
}

/// How far the journal is on disk.
#[derive(Clone, Debug, Default)]
struct Durable {
    /// Every record with a sequence number up to this one is on disk.
    upto: u64,
    /// The writer stopped: writing or syncing failed.
    failed: Option<Arc<str>>,
}

#[derive(Debug, Default)]
struct Queue {
    buf: Vec<u8>,
    /// Sequence number of the last record appended (records are numbered from 1).
    appended: u64,
    closed: bool,
    failed: Option<Arc<str>>,
}

#[derive(Debug, Default)]
struct Shared {
    queue: Mutex<Queue>,
    wake: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Queue> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Statistics of the writer, for the start-up banner and the docs' measurements.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WriterStats {
    /// Records appended since start.
    pub records: u64,
    /// `fdatasync` calls since start.
    pub syncs: u64,
}

/// The appending side of the journal. Cheap to clone.
#[derive(Clone, Debug)]
pub(crate) struct Writer {
    shared: Arc<Shared>,
    durable: watch::Receiver<Durable>,
    syncs: Arc<std::sync::atomic::AtomicU64>,
    thread: Arc<Mutex<Option<std::thread::JoinHandle<()>>>>,
}

/// The journal could not be written: nothing is acknowledged any more.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("the journal could not be written: {0}")]
pub struct WriteFailed(pub Arc<str>);

impl Writer {
    /// Starts the writer thread on `file`, open for appending at its end.
    pub(crate) fn start(file: File) -> io::Result<Self> {
        let shared = Arc::new(Shared::default());
        let (tx, durable) = watch::channel(Durable::default());
        let syncs = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let (s, n) = (Arc::clone(&shared), Arc::clone(&syncs));
        let thread = std::thread::Builder::new()
            .name("wechatpay-mock-journal".into())
            .spawn(move || write_loop(file, &s, &tx, &n))?;
        Ok(Self { shared, durable, syncs, thread: Arc::new(Mutex::new(Some(thread))) })
    }

    /// Appends one framed record; its sequence number, to wait for with [`Writer::durable`].
    ///
    /// # Errors
    /// [`WriteFailed`] once the writer has stopped.
    pub(crate) fn append(&self, payload: &[u8]) -> Result<u64, WriteFailed> {
        let framed = frame(payload);
        let mut q = self.shared.lock();
        if let Some(e) = &q.failed {
            return Err(WriteFailed(Arc::clone(e)));
        }
        if q.closed {
            return Err(WriteFailed(Arc::from("the journal is closed")));
        }
        q.buf.extend_from_slice(&framed);
        q.appended += 1;
        let seq = q.appended;
        drop(q);
        self.shared.wake.notify_one();
        Ok(seq)
    }

    /// Waits until record `seq` (and every one before it) is on disk.
    ///
    /// # Errors
    /// [`WriteFailed`] if the writer stopped first.
    pub(crate) async fn durable(&self, seq: u64) -> Result<(), WriteFailed> {
        let mut rx = self.durable.clone();
        let d = rx
            .wait_for(|d| d.upto >= seq || d.failed.is_some())
            .await
            .map_err(|_| WriteFailed(Arc::from("the journal writer is gone")))?;
        match (&d.failed, d.upto >= seq) {
            (_, true) => Ok(()),
            (Some(e), false) => Err(WriteFailed(Arc::clone(e))),
            (None, false) => Err(WriteFailed(Arc::from("the journal writer is gone"))),
        }
    }

    /// The sequence number of the last record appended.
    pub(crate) fn appended(&self) -> u64 {
        self.shared.lock().appended
    }

    /// The error that stopped the writer, if it stopped.
    pub(crate) fn failed(&self) -> Option<WriteFailed> {
        self.shared.lock().failed.clone().map(WriteFailed)
    }

    /// Records appended and fsyncs done since start.
    pub(crate) fn stats(&self) -> WriterStats {
        WriterStats {
            records: self.shared.lock().appended,
            syncs: self.syncs.load(std::sync::atomic::Ordering::Relaxed),
        }
    }

    /// Stops acknowledging: every later append and wait fails with `why`.
    pub(crate) fn fail(&self, why: &str) {
        let e: Arc<str> = Arc::from(why);
        self.shared.lock().failed = Some(Arc::clone(&e));
        tracing::error!(target: "wechatpay_mock::persist", error = %e, "the mock stops acknowledging writes");
    }

    /// Writes what is buffered, stops the thread and waits for it.
    pub(crate) fn close(&self) {
        self.shared.lock().closed = true;
        self.shared.wake.notify_one();
        let thread = self.thread.lock().unwrap_or_else(PoisonError::into_inner).take();
        if let Some(t) = thread {
            let _ = t.join();
        }
    }
}

fn write_loop(
    mut file: File,
    shared: &Shared,
    durable: &watch::Sender<Durable>,
    syncs: &std::sync::atomic::AtomicU64,
) {
    loop {
        let (batch, upto) = {
            let mut q = shared.lock();
            while q.buf.is_empty() && !q.closed {
                q = shared.wake.wait(q).unwrap_or_else(PoisonError::into_inner);
            }
            if q.buf.is_empty() {
                return;
            }
            (std::mem::take(&mut q.buf), q.appended)
        };
        let written = file.write_all(&batch).and_then(|()| file.sync_data());
        syncs.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        match written {
            Ok(()) => {
                durable.send_modify(|d| d.upto = upto);
            }
            Err(e) => {
                let e: Arc<str> = Arc::from(e.to_string());
                tracing::error!(target: "wechatpay_mock::persist", error = %e, "journal write failed: the mock stops acknowledging writes");
                shared.lock().failed = Some(Arc::clone(&e));
                durable.send_modify(|d| d.failed = Some(e));
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Seek;

    use super::*;

    fn journal(records: &[&[u8]]) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j");
        let mut bytes = MAGIC.to_vec();
        for r in records {
            bytes.extend(frame(r));
        }
        std::fs::write(&path, bytes).unwrap();
        (dir, path)
    }

    fn read_all(path: &Path) -> (Vec<Vec<u8>>, Tail) {
        let mut r = Reader::open(path).unwrap().unwrap();
        let mut out = Vec::new();
        loop {
            match r.next_record().unwrap() {
                Ok(p) => out.push(p),
                Err(t) => return (out, t),
            }
        }
    }

    // Proves whole records read back in order and a clean end is reported as clean.
    #[test]
    fn round_trip() {
        let (_d, path) = journal(&[b"one", b"two", b"three"]);
        let (records, tail) = read_all(&path);
        assert_eq!(records, [b"one".to_vec(), b"two".to_vec(), b"three".to_vec()]);
        assert_eq!(tail, Tail::Clean);
    }

    // Proves a record cut at every possible byte is detected as torn at its start, with the
    // records before it intact.
    #[test]
    fn every_truncation_is_detected() {
        let (_d, path) = journal(&[b"first", b"second record"]);
        let full = std::fs::read(&path).unwrap();
        let second_at = (MAGIC.len() + 8 + 5) as u64;
        for cut in second_at + 1..full.len() as u64 {
            std::fs::write(&path, full.get(..cut as usize).unwrap()).unwrap();
            let (records, tail) = read_all(&path);
            assert_eq!(records, [b"first".to_vec()], "cut at {cut}");
            assert_eq!(tail, Tail::Torn { offset: second_at, bytes: cut - second_at });
        }
    }

    // Proves a flipped payload bit, a zero-filled tail and an absurd length are all torn.
    #[test]
    fn corruption_is_detected() {
        let (_d, path) = journal(&[b"first", b"second"]);
        let mut bytes = std::fs::read(&path).unwrap();
        let last = bytes.len() - 1;
        bytes[last] ^= 1;
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(read_all(&path).0.len(), 1);
        let (_d, path) = journal(&[b"first"]);
        let mut f = std::fs::OpenOptions::new().append(true).open(&path).unwrap();
        f.write_all(&[0u8; 64]).unwrap();
        assert!(matches!(read_all(&path), (r, Tail::Torn { bytes: 64, .. }) if r.len() == 1));
        f.write_all(&u32::MAX.to_le_bytes()).unwrap();
        f.seek(io::SeekFrom::Start(0)).unwrap();
        assert_eq!(read_all(&path).0.len(), 1);
    }

    // Proves a file that is not a journal is refused, and one cut inside the magic is empty.
    #[test]
    fn magic() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j");
        std::fs::write(&path, b"something else entirely").unwrap();
        assert!(Reader::open(&path).is_err());
        std::fs::write(&path, b"WXP").unwrap();
        assert!(Reader::open(&path).unwrap().is_none());
    }

    // Proves appended records are on disk, in order, once `durable` returns, and that
    // concurrent appends share fsyncs.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn writer_group_commits() {
        let (_d, path) = journal(&[]);
        let file = std::fs::OpenOptions::new().append(true).open(&path).unwrap();
        let w = Writer::start(file).unwrap();
        let mut tasks = Vec::new();
        for i in 0..200u32 {
            let w = w.clone();
            tasks.push(tokio::spawn(async move {
                let seq = w.append(format!("r{i}").as_bytes()).unwrap();
                w.durable(seq).await.unwrap();
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        let stats = w.stats();
        w.close();
        let (records, tail) = read_all(&path);
        assert_eq!((records.len(), tail), (200, Tail::Clean));
        assert_eq!(stats.records, 200);
        assert!(stats.syncs >= 1 && stats.syncs <= 200);
    }
}
