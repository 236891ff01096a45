//! The request journal: one entry per API request, newest last, with a retention cap.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use serde::{Deserialize, Serialize};

/// The default number of entries kept.
pub const DEFAULT_CAPACITY: usize = 1_000;

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
struct Entries {
    entries: VecDeque<JournalEntry>,
    capacity: usize,
    next_id: u64,
}

impl Journal {
    /// A journal that keeps the last `capacity` entries (at least one).
    pub fn new(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        Self {
            shared: Arc::new(Mutex::new(Entries {
                entries: VecDeque::new(),
                capacity,
                next_id: 1,
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
    pub fn record(&self, mut entry: JournalEntry) -> u64 {
        let mut j = self.lock();
        let id = j.next_id;
        entry.id = id;
        j.next_id = id.saturating_add(1);
        if j.entries.len() >= j.capacity {
            j.entries.pop_front();
        }
        j.entries.push_back(entry);
        assert!(j.entries.len() <= j.capacity, "the journal never exceeds its capacity");
        id
    }

    /// Entries matching `filter`, oldest first, at most `filter.limit` (default 100) of the newest.
    pub fn list(&self, filter: &JournalFilter) -> Vec<JournalEntry> {
        let j = self.lock();
        let limit = filter.limit.unwrap_or(100);
        let mut out: Vec<JournalEntry> =
            j.entries.iter().rev().filter(|e| filter.matches(e)).take(limit).cloned().collect();
        out.reverse();
        out
    }

    /// Forgets every entry, or those of one merchant.
    pub fn clear(&self, mchid: Option<&str>) {
        let mut j = self.lock();
        match mchid {
            Some(m) => j.entries.retain(|e| e.mchid.as_deref() != Some(m)),
            None => j.entries.clear(),
        }
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
}
