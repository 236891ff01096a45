//! The request journal: one entry per API request, newest last, with a retention cap.
//!
//! Each entry may carry a [`RequestDetail`]: the request and response headers (secrets
//! redacted) and bodies, each body capped at [`BODY_CAP_BYTES`], and for a signature failure
//! the canonical message the mock expected beside what the `Authorization` header carried.
//! Details of all entries together stay under a byte budget ([`DEFAULT_DETAIL_BUDGET`]):
//! past it the oldest details are dropped first while their entries stay, so memory is
//! bounded whatever the retention cap.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use axum::http::HeaderMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The default number of entries kept.
pub const DEFAULT_CAPACITY: usize = 1_000;

/// The most bytes of a request or response body one entry keeps.
pub const BODY_CAP_BYTES: usize = 16 * 1024;

/// The most bytes of one header value one entry keeps.
pub const HEADER_VALUE_CAP_BYTES: usize = 1024;

/// The most headers of one message one entry keeps.
pub const MAX_HEADERS: usize = 64;

/// The default byte budget of all entries' details together (16 MiB).
pub const DEFAULT_DETAIL_BUDGET: usize = 16 * 1024 * 1024;

/// What replaces a secret header value.
const REDACTED: &str = "[redacted]";

/// What became of a request's signature.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Verification {
    /// The signature verified.
    Verified,
    /// The request was rejected before or by verification.
    Failed {
        /// Why, in the words of the `SIGN_ERROR` / `INVALID_REQUEST` answer.
        reason: String,
    },
    /// The path is not under `/v3/`, so nothing was checked.
    Skipped,
}

/// One request as the mock saw and answered it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct JournalEntry {
    /// Increasing sequence number, unique for the server's lifetime.
    pub id: u64,
    /// The `Request-ID` the response carried.
    pub request_id: String,
    /// The merchant that signed, when the `Authorization` header named one.
    pub mchid: Option<String>,
    /// HTTP method.
    pub method: String,
    /// Path and query as sent.
    pub path: String,
    /// HTTP status answered.
    pub status: u16,
    /// WeChat Pay `code` of an error answer.
    pub code: Option<String>,
    /// Time spent in the mock, microseconds.
    pub latency_us: u64,
    /// The tenant's virtual time when the request arrived, unix seconds.
    pub virtual_time_unix: i64,
    /// The signature check.
    pub verification: Verification,
    /// The fault rules that fired on this request, if any (`rule 3: error 500 SYSTEM_ERROR`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fault: Option<String>,
}

/// One header as journaled.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Header {
    /// The name, lower-case.
    pub name: String,
    /// The value: lossy UTF-8, cut at [`HEADER_VALUE_CAP_BYTES`], `[redacted]` for secrets.
    pub value: String,
    /// Whether the value was hidden because it may be a secret.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub redacted: bool,
}

/// Whether a header may carry a secret (an admin bearer token, a cookie, a key).
fn secret_header(name: &str) -> bool {
    matches!(name, "proxy-authorization" | "cookie" | "set-cookie")
        || ["token", "secret", "password", "api-key", "apikey"].iter().any(|w| name.contains(w))
}

/// Cuts `text` to at most `cap` bytes on a character boundary, saying how much was left off.
fn cut(text: &str, cap: usize) -> String {
    if text.len() <= cap {
        return text.to_owned();
    }
    let mut end = cap;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…({} more bytes)", &text[..end], text.len() - end)
}

/// The headers of a message as journaled: at most [`MAX_HEADERS`], values cut at
/// [`HEADER_VALUE_CAP_BYTES`], secrets redacted. A WeChat Pay `Authorization`
/// (`WECHATPAY2-…`: mchid, serial, nonce, timestamp and a signature, none of them secret) is
/// kept; any other `Authorization` (such as `Bearer <admin token>`) keeps only its scheme.
pub fn capture_headers(headers: &HeaderMap) -> Vec<Header> {
    headers
        .iter()
        .take(MAX_HEADERS)
        .map(|(name, value)| {
            let name = name.as_str().to_owned();
            let raw = String::from_utf8_lossy(value.as_bytes());
            let (value, redacted) = if name == "authorization" {
                if raw.trim_start().starts_with("WECHATPAY2-") {
                    (cut(&raw, HEADER_VALUE_CAP_BYTES), false)
                } else {
                    let scheme = raw.split_whitespace().next().unwrap_or_default();
                    (cut(&format!("{scheme} {REDACTED}"), 64), true)
                }
            } else if secret_header(&name) {
                (REDACTED.to_owned(), true)
            } else {
                (cut(&raw, HEADER_VALUE_CAP_BYTES), false)
            };
            Header { name, value, redacted }
        })
        .collect()
}

/// A body as journaled: its first [`BODY_CAP_BYTES`] as text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CapturedBody {
    /// The body's full length, bytes.
    pub size: usize,
    /// The kept bytes as text (invalid UTF-8 shown as U+FFFD).
    pub text: String,
    /// Whether `text` stops before the body's end.
    pub truncated: bool,
    /// Whether the kept bytes are not UTF-8 (a file upload or download, say).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub binary: bool,
}

impl CapturedBody {
    /// Keeps the first [`BODY_CAP_BYTES`] of `bytes` (copied: the journal never holds on to
    /// a larger buffer).
    pub fn capture(bytes: &[u8]) -> Self {
        let kept = bytes.get(..BODY_CAP_BYTES).unwrap_or(bytes);
        let (text, binary) = match std::str::from_utf8(kept) {
            Ok(s) => (s.to_owned(), false),
            // The cap split a character: keep the whole ones.
            Err(e) if e.error_len().is_none() && kept.len() < bytes.len() => (
                String::from_utf8_lossy(kept.get(..e.valid_up_to()).unwrap_or(kept)).into_owned(),
                false,
            ),
            Err(_) => (String::from_utf8_lossy(kept).into_owned(), true),
        };
        Self { size: bytes.len(), text, truncated: kept.len() < bytes.len(), binary }
    }
}

/// The parts of the `Authorization` header a failed request carried.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReceivedSignature {
    /// `mchid`.
    pub mchid: String,
    /// `serial_no`: the merchant certificate the client says it signed with.
    pub serial_no: String,
    /// `timestamp`.
    pub timestamp: String,
    /// `nonce_str`.
    pub nonce_str: String,
    /// `signature` (base64).
    pub signature: String,
}

/// For a request refused with a signature hint: the message the mock verified against
/// beside what the request carried.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SignatureCheck {
    /// The canonical message the mock expected (method, URL, timestamp, nonce, body, each
    /// followed by `\n`; a long body truncated), exactly the `SIGN_ERROR` answer's
    /// `detail.sign_information.truncated_sign_message`.
    pub expected_message: String,
    /// The full expected message's length in bytes (`sign_message_length`).
    pub expected_length: Option<u64>,
    /// The `Authorization` parameters received; `None` when the header was missing or did
    /// not parse.
    pub received: Option<ReceivedSignature>,
}

impl SignatureCheck {
    /// Reads the check from a `SIGN_ERROR` answer's `detail.sign_information` (the hint the
    /// mock computed once) and the request's `Authorization` header. `None` without a hint.
    pub fn from_hint(sign_information: &Value, authorization: Option<&str>) -> Option<Self> {
        let expected_message = sign_information.get("truncated_sign_message")?.as_str()?.to_owned();
        let received = authorization
            .and_then(|a| wechatpay_crypto::Authorization::parse(a).ok())
            .map(|a| ReceivedSignature {
                mchid: a.mchid,
                serial_no: a.serial_no,
                timestamp: a.timestamp,
                nonce_str: a.nonce_str,
                signature: a.signature,
            });
        Some(Self {
            expected_message,
            expected_length: sign_information.get("sign_message_length").and_then(Value::as_u64),
            received,
        })
    }
}

/// What the journal keeps of a request beyond its [`JournalEntry`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RequestDetail {
    /// The request headers (see [`capture_headers`]).
    pub request_headers: Vec<Header>,
    /// The request body; `None` when the mock did not read it (paths outside `/v3/`).
    pub request_body: Option<CapturedBody>,
    /// The response headers, signature headers included.
    pub response_headers: Vec<Header>,
    /// The response body.
    pub response_body: CapturedBody,
    /// For a refused signature: what the mock expected and what it received.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature_check: Option<SignatureCheck>,
}

impl RequestDetail {
    /// About how many bytes the detail holds (what counts against the budget).
    pub fn weight(&self) -> usize {
        let headers =
            |h: &[Header]| h.iter().map(|h| h.name.len() + h.value.len() + 16).sum::<usize>();
        let check = self.signature_check.as_ref().map_or(0, |c| {
            c.expected_message.len()
                + c.received.as_ref().map_or(0, |r| {
                    r.mchid.len()
                        + r.serial_no.len()
                        + r.timestamp.len()
                        + r.nonce_str.len()
                        + r.signature.len()
                })
        });
        std::mem::size_of::<Self>()
            + headers(&self.request_headers)
            + headers(&self.response_headers)
            + self.request_body.as_ref().map_or(0, |b| b.text.len())
            + self.response_body.text.len()
            + check
    }
}

/// One entry with its detail, as `GET /mock/admin/journal/{id}` answers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct JournalRecord {
    /// The entry, as listed.
    #[serde(flatten)]
    pub entry: JournalEntry,
    /// Headers and bodies; `None` when none were recorded or the detail budget dropped them.
    pub detail: Option<RequestDetail>,
}

/// Which entries to list; every member is optional (query string of `GET /mock/admin/journal`).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JournalFilter {
    /// Only this merchant.
    pub mchid: Option<String>,
    /// Only this method (case-insensitive).
    pub method: Option<String>,
    /// Only paths starting with this.
    pub path_prefix: Option<String>,
    /// Only this status.
    pub status: Option<u16>,
    /// Only this WeChat Pay code.
    pub code: Option<String>,
    /// Only entries with a larger id (to follow the journal).
    pub after_id: Option<u64>,
    /// At most this many, the newest ones (default 100).
    pub limit: Option<usize>,
}

impl JournalFilter {
    fn matches(&self, e: &JournalEntry) -> bool {
        self.mchid.as_ref().is_none_or(|m| e.mchid.as_ref() == Some(m))
            && self.method.as_ref().is_none_or(|m| m.eq_ignore_ascii_case(&e.method))
            && self.path_prefix.as_ref().is_none_or(|p| e.path.starts_with(p.as_str()))
            && self.status.is_none_or(|s| s == e.status)
            && self.code.as_ref().is_none_or(|c| e.code.as_ref() == Some(c))
            && self.after_id.is_none_or(|id| e.id > id)
    }
}

/// The journal, shared by cheap clones.
#[derive(Clone, Debug)]
pub struct Journal {
    shared: Arc<Mutex<Entries>>,
}

#[derive(Debug)]
struct Slot {
    entry: JournalEntry,
    detail: Option<Arc<RequestDetail>>,
}

#[derive(Debug)]
struct Entries {
    entries: VecDeque<Slot>,
    capacity: usize,
    next_id: u64,
    /// The weight of every detail kept.
    detail_bytes: usize,
    /// The most `detail_bytes` may be after a `record`.
    detail_budget: usize,
    /// No slot before this index has a detail (where dropping starts looking).
    detail_floor: usize,
}

impl Entries {
    fn weight(slot: &Slot) -> usize {
        slot.detail.as_ref().map_or(0, |d| d.weight())
    }

    /// Drops the oldest details until the budget holds; the entries stay.
    fn keep_budget(&mut self) {
        while self.detail_bytes > self.detail_budget {
            let Some(slot) = self.entries.get_mut(self.detail_floor) else {
                break;
            };
            if let Some(d) = slot.detail.take() {
                self.detail_bytes = self.detail_bytes.saturating_sub(d.weight());
            }
            self.detail_floor += 1;
        }
    }
}

impl Journal {
    /// A journal that keeps the last `capacity` entries (at least one), their details within
    /// [`DEFAULT_DETAIL_BUDGET`].
    pub fn new(capacity: usize) -> Self {
        Self::with_detail_budget(capacity, DEFAULT_DETAIL_BUDGET)
    }

    /// A journal that keeps the last `capacity` entries (at least one), their details within
    /// `detail_budget` bytes together.
    pub fn with_detail_budget(capacity: usize, detail_budget: usize) -> Self {
        let capacity = capacity.max(1);
        Self {
            shared: Arc::new(Mutex::new(Entries {
                entries: VecDeque::new(),
                capacity,
                next_id: 1,
                detail_bytes: 0,
                detail_budget,
                detail_floor: 0,
            })),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Entries> {
        // Entries are plain data updated in single statements: a panic elsewhere cannot
        // leave them half-written, so a poisoned lock is safe to use.
        self.shared.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Appends an entry (its `id` is assigned here) and returns the id; drops the oldest
    /// entry past the capacity.
    pub fn record(&self, entry: JournalEntry) -> u64 {
        self.push(entry, None)
    }

    /// [`Journal::record`] with the request's headers and bodies; the oldest details are
    /// dropped past the detail budget.
    pub fn record_with_detail(&self, entry: JournalEntry, detail: RequestDetail) -> u64 {
        self.push(entry, Some(Arc::new(detail)))
    }

    fn push(&self, mut entry: JournalEntry, detail: Option<Arc<RequestDetail>>) -> u64 {
        let mut j = self.lock();
        let id = j.next_id;
        entry.id = id;
        j.next_id = id.saturating_add(1);
        if j.entries.len() >= j.capacity {
            if let Some(old) = j.entries.pop_front() {
                j.detail_bytes = j.detail_bytes.saturating_sub(Entries::weight(&old));
            }
            j.detail_floor = j.detail_floor.saturating_sub(1);
        }
        let slot = Slot { entry, detail };
        j.detail_bytes += Entries::weight(&slot);
        j.entries.push_back(slot);
        j.keep_budget();
        assert!(j.entries.len() <= j.capacity, "the journal never exceeds its capacity");
        id
    }

    /// Entries matching `filter`, oldest first, at most `filter.limit` (default 100) of the newest.
    pub fn list(&self, filter: &JournalFilter) -> Vec<JournalEntry> {
        let j = self.lock();
        let limit = filter.limit.unwrap_or(100);
        let mut out: Vec<JournalEntry> = j
            .entries
            .iter()
            .rev()
            .map(|s| &s.entry)
            .filter(|e| filter.matches(e))
            .take(limit)
            .cloned()
            .collect();
        out.reverse();
        out
    }

    /// The entry `id` with its detail, while it is kept.
    pub fn get(&self, id: u64) -> Option<JournalRecord> {
        let (entry, detail) = {
            let j = self.lock();
            // Ids increase along the deque, also after a `clear` of one merchant.
            let i = j.entries.binary_search_by_key(&id, |s| s.entry.id).ok()?;
            let slot = j.entries.get(i)?;
            (slot.entry.clone(), slot.detail.clone())
        };
        // The detail is copied outside the lock.
        Some(JournalRecord { entry, detail: detail.map(|d| (*d).clone()) })
    }

    /// Forgets every entry, or those of one merchant.
    pub fn clear(&self, mchid: Option<&str>) {
        let mut j = self.lock();
        match mchid {
            Some(m) => j.entries.retain(|s| s.entry.mchid.as_deref() != Some(m)),
            None => j.entries.clear(),
        }
        j.detail_bytes = j.entries.iter().map(Entries::weight).sum();
        j.detail_floor = 0;
    }

    /// The bytes the kept details hold together (at most the detail budget after a record).
    pub fn detail_bytes(&self) -> usize {
        self.lock().detail_bytes
    }

    /// The number of entries kept.
    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    /// Whether no entry is kept.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The retention cap.
    pub fn capacity(&self) -> usize {
        self.lock().capacity
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(mchid: &str, path: &str, status: u16) -> JournalEntry {
        JournalEntry {
            id: 0,
            request_id: "R".into(),
            mchid: Some(mchid.into()),
            method: "GET".into(),
            path: path.into(),
            status,
            code: (status >= 400).then(|| "SIGN_ERROR".into()),
            latency_us: 1,
            virtual_time_unix: 0,
            verification: Verification::Verified,
            fault: None,
        }
    }

    // Proves the cap drops the oldest entries while ids keep increasing.
    #[test]
    fn retention_cap_drops_oldest() {
        let j = Journal::new(3);
        for i in 0..5 {
            j.record(entry("1", &format!("/v3/{i}"), 200));
        }
        let all = j.list(&JournalFilter::default());
        assert_eq!(all.iter().map(|e| e.id).collect::<Vec<_>>(), vec![3, 4, 5]);
        assert_eq!(all[0].path, "/v3/2");
        assert_eq!(j.len(), 3);
    }

    // Proves each filter member narrows the list and limit keeps the newest.
    #[test]
    fn filters_narrow() {
        let j = Journal::new(10);
        j.record(entry("1", "/v3/certificates", 200));
        j.record(entry("2", "/v3/certificates", 401));
        j.record(entry("1", "/v3/security/echo", 200));
        let by = |f: JournalFilter| j.list(&f).iter().map(|e| e.id).collect::<Vec<_>>();
        assert_eq!(by(JournalFilter { mchid: Some("1".into()), ..Default::default() }), vec![1, 3]);
        assert_eq!(by(JournalFilter { status: Some(401), ..Default::default() }), vec![2]);
        assert_eq!(
            by(JournalFilter { code: Some("SIGN_ERROR".into()), ..Default::default() }),
            vec![2]
        );
        assert_eq!(
            by(JournalFilter { path_prefix: Some("/v3/sec".into()), ..Default::default() }),
            vec![3]
        );
        assert_eq!(by(JournalFilter { after_id: Some(1), ..Default::default() }), vec![2, 3]);
        assert_eq!(by(JournalFilter { limit: Some(2), ..Default::default() }), vec![2, 3]);
        assert_eq!(
            by(JournalFilter { method: Some("post".into()), ..Default::default() }),
            Vec::<u64>::new()
        );
        j.clear(Some("1"));
        assert_eq!(by(JournalFilter::default()), vec![2]);
    }

    fn detail(body: &[u8]) -> RequestDetail {
        RequestDetail {
            request_headers: Vec::new(),
            request_body: Some(CapturedBody::capture(body)),
            response_headers: Vec::new(),
            response_body: CapturedBody::capture(b"{}"),
            signature_check: None,
        }
    }

    // Proves bodies keep their first 16 KiB with the full size, cut on a character boundary,
    // and that non-UTF-8 bytes are flagged binary.
    #[test]
    fn bodies_are_capped() {
        let small = CapturedBody::capture(b"{\"a\":1}");
        assert_eq!(
            (small.size, small.text.as_str(), small.truncated, small.binary),
            (7, "{\"a\":1}", false, false)
        );
        let big = CapturedBody::capture(&vec![b'x'; BODY_CAP_BYTES * 3]);
        assert_eq!(
            (big.size, big.text.len(), big.truncated),
            (BODY_CAP_BYTES * 3, BODY_CAP_BYTES, true)
        );
        // "收" is 3 bytes: one straddles the cap.
        let mut cjk = vec![b'a'; BODY_CAP_BYTES - 1];
        cjk.extend_from_slice("收付通".as_bytes());
        let cut = CapturedBody::capture(&cjk);
        assert!(cut.truncated && !cut.binary);
        assert_eq!(cut.text.len(), BODY_CAP_BYTES - 1);
        let binary = CapturedBody::capture(&[0x89, b'P', b'N', b'G', 0xff]);
        assert!(binary.binary && !binary.truncated);
    }

    // Proves header capture keeps a WeChat Pay Authorization, hides an admin bearer token,
    // cookies and token-like headers, and cuts long values.
    #[test]
    fn headers_are_redacted_and_cut() {
        let mut h = HeaderMap::new();
        h.insert(
            "authorization",
            "WECHATPAY2-SHA256-RSA2048 mchid=\"1\",signature=\"c2ln\"".parse().unwrap(),
        );
        h.insert("x-admin-token", "s3cret".parse().unwrap());
        h.insert("cookie", "a=s3cret".parse().unwrap());
        h.insert("user-agent", "x".repeat(HEADER_VALUE_CAP_BYTES + 10).parse().unwrap());
        let got = capture_headers(&h);
        let find = |n: &str| got.iter().find(|x| x.name == n).unwrap().clone();
        assert!(find("authorization").value.contains("signature=\"c2ln\""));
        assert!(!find("authorization").redacted);
        assert_eq!(find("x-admin-token").value, "[redacted]");
        assert_eq!(find("cookie").value, "[redacted]");
        assert!(find("user-agent").value.ends_with("…(10 more bytes)"));
        let mut bearer = HeaderMap::new();
        bearer.insert("authorization", "Bearer s3cret".parse().unwrap());
        let got = capture_headers(&bearer);
        assert_eq!((got[0].value.as_str(), got[0].redacted), ("Bearer [redacted]", true));
        assert!(!format!("{got:?}").contains("s3cret"));
    }

    // Proves the detail budget drops the oldest details first while every entry stays, the
    // kept bytes never pass the budget, and the cap's evictions give their bytes back.
    #[test]
    fn detail_budget_bounds_memory() {
        let one = detail(&[b'x'; 4096]).weight();
        let j = Journal::with_detail_budget(8, one * 3);
        for i in 0..6 {
            j.record_with_detail(entry("1", &format!("/v3/{i}"), 200), detail(&[b'x'; 4096]));
            assert!(j.detail_bytes() <= one * 3);
        }
        assert_eq!(j.len(), 6);
        let kept: Vec<bool> = (1..=6).map(|id| j.get(id).unwrap().detail.is_some()).collect();
        assert_eq!(kept, vec![false, false, false, true, true, true]);
        assert_eq!(j.detail_bytes(), one * 3);
        // Past the retention cap, entries (and their details' bytes) go.
        for i in 6..20 {
            j.record_with_detail(entry("1", &format!("/v3/{i}"), 200), detail(b"{}"));
        }
        assert_eq!(j.len(), 8);
        assert!(j.get(12).is_none());
        assert_eq!(j.detail_bytes(), detail(b"{}").weight() * 8);
    }

    // Proves an entry is found by id, also after one merchant's entries were cleared.
    #[test]
    fn get_by_id() {
        let j = Journal::new(10);
        j.record(entry("1", "/v3/a", 200));
        j.record_with_detail(entry("2", "/v3/b", 200), detail(b"hi"));
        j.record(entry("1", "/v3/c", 200));
        j.clear(Some("1"));
        let r = j.get(2).unwrap();
        assert_eq!(r.entry.path, "/v3/b");
        assert_eq!(r.detail.unwrap().request_body.unwrap().text, "hi");
        assert!(j.get(1).is_none() && j.get(3).is_none());
        let json = serde_json::to_value(j.get(2).unwrap()).unwrap();
        assert_eq!(json["path"], "/v3/b");
        assert_eq!(json["detail"]["request_body"]["size"], 2);
    }
}
