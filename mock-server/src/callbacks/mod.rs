//! Callback notifications: the outbox areas enqueue into, and the dispatcher that POSTs them.
//!
//! An area enqueues a notification inside its transaction with
//! [`Txn::enqueue_callback`](crate::store::Txn::enqueue_callback). The notification is a
//! [`Delivery`] in the tenant's [`Callbacks`] area, so it exists only if the transaction
//! commits; the commit then wakes the [`dispatcher`], which signs, encrypts and POSTs it to
//! `notify_url` (never while the store's lock is held). A delivery succeeds on `200` or `204`
//! within 5 s; otherwise it is retried on WeChat Pay's schedule ([`RETRY_SCHEDULE_SECS`]),
//! counted on the tenant's *virtual* clock, so advancing the clock makes due retries fire at
//! once. Every attempt is recorded with its time, status or error and latency.
//!
//! The tenant's [`CallbackPolicy`](crate::config::CallbackPolicy) applies: with
//! `deliver = false` a delivery is only recorded (status `recorded`); `max_attempts` bounds the
//! attempts of one delivery cycle (an admin redelivery starts a new cycle).

pub mod dispatcher;

use std::sync::Arc;
use std::time::Duration;

use axum::http::{StatusCode, Uri};
use serde::{Serialize, Serializer};

pub use self::dispatcher::{spawn, DispatcherHandle};
use crate::error::{ApiError, Location};
use crate::notification::original_type_for;
use crate::store::Txn;

/// Waits after the 1st, 2nd … failed attempt: 15 s, 15 s, 30 s, 3 min, 10 min, 20 min,
/// 30 min, 30 min, 30 min, 60 min, 3 h, 3 h, 3 h, 6 h, 6 h (WeChat Pay's schedule; 16
/// attempts over about 24 h). Policies allowing more attempts repeat the last wait.
pub const RETRY_SCHEDULE_SECS: [i64; 15] = [
    15, 15, 30, 180, 600, 1_200, 1_800, 1_800, 1_800, 3_600, 10_800, 10_800, 10_800, 21_600, 21_600,
];
/// How long a receiver has to answer.
pub const DELIVERY_TIMEOUT: Duration = Duration::from_secs(5);
/// The most attempts a policy may allow per delivery cycle.
pub const MAX_ATTEMPTS_LIMIT: u32 = 64;
/// Most deliveries kept per tenant; past it the oldest finished ones are forgotten.
pub const MAX_DELIVERIES: usize = 100_000;
/// Longest `notify_url`, bytes (WeChat Pay's limit).
pub const MAX_NOTIFY_URL_BYTES: usize = 256;
/// Largest resource JSON, bytes: its encrypted envelope must stay under the 64 KiB receivers
/// accept (base64 adds a third).
pub const MAX_RESOURCE_BYTES: usize = 32 * 1024;
/// Most attempts recorded per delivery (a limit on everything; later ones are not logged).
pub const MAX_ATTEMPTS_RECORDED: usize = 1_000;

/// The wait after the `failed`-th failed attempt of a cycle (1-based).
pub fn retry_delay_secs(failed: u32) -> i64 {
    let index = usize::try_from(failed.saturating_sub(1)).unwrap_or(usize::MAX);
    RETRY_SCHEDULE_SECS.get(index).or(RETRY_SCHEDULE_SECS.last()).copied().unwrap_or(21_600)
}

/// Identifies a delivery within its tenant: 1, 2, 3 … (again from 1 after a reset).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(transparent)]
pub struct DeliveryId(pub u64);

impl std::fmt::Display for DeliveryId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

/// A notification to send, as an area enqueues it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewCallback {
    notify_url: String,
    event_type: String,
    resource_json: String,
    original_type: Option<String>,
    summary: Option<String>,
}

impl NewCallback {
    /// `event_type` (e.g. `TRANSACTION.SUCCESS`) to `notify_url`, whose resource decrypts to
    /// `resource_json` exactly.
    pub fn new(
        notify_url: impl Into<String>,
        event_type: impl Into<String>,
        resource_json: impl Into<String>,
    ) -> Self {
        Self {
            notify_url: notify_url.into(),
            event_type: event_type.into(),
            resource_json: resource_json.into(),
            original_type: None,
            summary: None,
        }
    }

    /// Like [`NewCallback::new`], serializing a resource (e.g. a `wechatpay_models` type).
    ///
    /// # Errors
    /// [`CallbackRejected::Resource`] if it does not serialize.
    pub fn from_resource<T: Serialize>(
        notify_url: impl Into<String>,
        event_type: impl Into<String>,
        resource: &T,
    ) -> Result<Self, CallbackRejected> {
        let json = serde_json::to_string(resource)
            .map_err(|e| CallbackRejected::Resource(format!("does not serialize: {e}")))?;
        Ok(Self::new(notify_url, event_type, json))
    }

    /// Sets `resource.original_type` (needed for event types the mock does not know).
    #[must_use]
    pub fn original_type(mut self, original_type: impl Into<String>) -> Self {
        self.original_type = Some(original_type.into());
        self
    }

    /// Sets `summary` (derived from the event type otherwise).
    #[must_use]
    pub fn summary(mut self, summary: impl Into<String>) -> Self {
        self.summary = Some(summary.into());
        self
    }
}

/// Why a notification cannot be enqueued. Nothing is enqueued then.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CallbackRejected {
    /// `notify_url` is not an absolute http(s) URL of at most 256 bytes.
    #[error("notify_url `{url}` {issue}")]
    NotifyUrl {
        /// The URL.
        url: String,
        /// What is wrong.
        issue: &'static str,
    },
    /// No `original_type` given, and none known for the event type.
    #[error("no resource type known for event type `{0}`; give original_type")]
    UnknownEventType(String),
    /// The resource is not JSON or too large.
    #[error("resource {0}")]
    Resource(String),
    /// [`MAX_DELIVERIES`] deliveries are pending.
    #[error("{max} deliveries are pending; reset the tenant")]
    Full {
        /// The limit.
        max: usize,
    },
}

impl From<CallbackRejected> for ApiError {
    fn from(e: CallbackRejected) -> Self {
        let issue = e.to_string();
        match e {
            CallbackRejected::NotifyUrl { url, .. } => {
                ApiError::param_error("/notify_url", Location::Body, issue).with_value(url)
            }
            CallbackRejected::UnknownEventType(_) => {
                ApiError::param_error("/event_type", Location::Body, issue)
            }
            CallbackRejected::Resource(_) => {
                ApiError::param_error("/resource", Location::Body, issue)
            }
            CallbackRejected::Full { .. } => {
                ApiError::new(StatusCode::TOO_MANY_REQUESTS, "FREQUENCY_LIMITED", issue)
            }
        }
    }
}

/// Checks a `notify_url`: absolute `http://` or `https://`, with a host, at most 256 bytes.
///
/// # Errors
/// [`CallbackRejected::NotifyUrl`].
pub fn check_notify_url(url: &str) -> Result<(), CallbackRejected> {
    let reject = |issue| Err(CallbackRejected::NotifyUrl { url: url.to_owned(), issue });
    if url.is_empty() || url.len() > MAX_NOTIFY_URL_BYTES {
        return reject("must be 1 to 256 bytes");
    }
    let Ok(uri) = url.parse::<Uri>() else { return reject("is not a URL") };
    if !matches!(uri.scheme_str(), Some("http" | "https")) || uri.host().is_none() {
        return reject("must be an absolute http:// or https:// URL");
    }
    Ok(())
}

/// Where a delivery stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    /// Waiting for its next attempt (`next_attempt_unix`).
    Pending,
    /// An attempt is under way.
    InFlight,
    /// A receiver answered 200 or 204.
    Delivered,
    /// Every attempt of the cycle failed; no more retries.
    Failed,
    /// Only recorded: the tenant's policy says `deliver = false`.
    Recorded,
}

/// What an attempt was.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttemptKind {
    /// A delivery attempt (counts toward `max_attempts`).
    Delivery,
    /// An extra copy after a success (`callback_duplicate` fault).
    Duplicate,
    /// A forged-signature probe (`signature_probe` fault); `success` means the receiver
    /// wrongly accepted it.
    Probe,
}

/// One attempt, as logged (and journaled in durable mode).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Attempt {
    /// 1, 2, 3 … within the delivery (probes and duplicates included).
    pub number: u32,
    /// What it was.
    pub kind: AttemptKind,
    /// The tenant's virtual time when it started, unix seconds.
    pub at_unix: i64,
    /// Real time it took, milliseconds.
    pub latency_ms: u64,
    /// The receiver's HTTP status, if it answered.
    pub status: Option<u16>,
    /// Why it failed without a status (connection refused, timeout, dropped …).
    pub error: Option<String>,
    /// Whether the receiver answered 200 or 204 in time.
    pub success: bool,
    /// The start of the receiver's answer (256 bytes at most), for its `FAIL` message.
    pub response_body: Option<String>,
    /// The fault rules that applied.
    pub fault: Option<String>,
    /// The `Request-ID` sent.
    pub request_id: Option<String>,
}

fn seq<S: Serializer, T: Serialize + Clone>(
    v: &imbl::Vector<T>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_seq(v.iter())
}

/// One notification and its delivery history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Delivery {
    /// Id within the tenant.
    pub id: DeliveryId,
    /// The tenant.
    pub mchid: String,
    /// The envelope `id`, the same on every attempt.
    pub notification_id: String,
    /// `event_type`.
    pub event_type: String,
    /// Where it goes.
    pub notify_url: String,
    /// `resource.original_type`.
    pub original_type: String,
    /// `summary`, when set by the area.
    pub summary: Option<String>,
    /// The resource in clear, exactly as it decrypts.
    pub resource_json: String,
    /// Virtual time of enqueueing (`create_time`).
    pub created_unix: i64,
    /// Where it stands.
    pub status: DeliveryStatus,
    /// When the next attempt is due (virtual unix seconds), while pending.
    pub next_attempt_unix: Option<i64>,
    /// Delivery attempts in the current cycle.
    pub cycle_attempts: u32,
    /// Every attempt, oldest first.
    #[serde(serialize_with = "seq")]
    pub attempts: imbl::Vector<Attempt>,
    /// Whether a `callback_delay` fault postponed the first attempt, by how much.
    pub delayed_secs: Option<i64>,
    /// After a `signature_probe`: whether the receiver wrongly accepted it.
    pub probe_accepted: Option<bool>,
}

/// What the dispatcher takes out of the outbox for one attempt.
#[derive(Clone, Debug)]
pub(crate) struct Claim {
    pub(crate) id: DeliveryId,
    pub(crate) notification_id: String,
    pub(crate) mchid: String,
    pub(crate) notify_url: String,
    pub(crate) event_type: String,
    pub(crate) original_type: String,
    pub(crate) summary: Option<String>,
    pub(crate) resource_json: String,
    pub(crate) created_unix: i64,
    /// No delivery attempt yet.
    pub(crate) first: bool,
    /// A `callback_delay` already postponed it.
    pub(crate) delayed: bool,
}

/// What one round of attempts gave.
#[derive(Clone, Debug)]
pub(crate) struct Round {
    /// Probe, delivery, duplicates, in order; numbers are assigned when recorded.
    pub(crate) attempts: Vec<Attempt>,
    /// Whether the delivery attempt succeeded.
    pub(crate) delivered: bool,
    /// When the delivery attempt started (virtual), the base of the next retry.
    pub(crate) at_unix: i64,
}

/// Why an admin redelivery was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RedeliverError {
    /// No such delivery.
    #[error("no delivery {0}")]
    NotFound(DeliveryId),
    /// It is already pending or in flight.
    #[error("delivery {0} is already pending")]
    Pending(DeliveryId),
}

impl From<RedeliverError> for ApiError {
    fn from(e: RedeliverError) -> Self {
        match e {
            RedeliverError::NotFound(_) => {
                ApiError::not_found("RESOURCE_NOT_EXISTS", e.to_string())
            }
            RedeliverError::Pending(_) => ApiError::invalid_request(e.to_string()),
        }
    }
}

/// What happens to a delivery (the events of its state machine).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeliveryEvent {
    /// The dispatcher took it for an attempt.
    Claimed,
    /// A `callback_delay` fault put it back until `at_unix`.
    Postponed {
        /// When it is due again.
        at_unix: i64,
    },
    /// The receiver answered 200 or 204.
    Delivered,
    /// The attempt failed; retried at `retry_at_unix`, or given up when `None`.
    Failed {
        /// The next attempt.
        retry_at_unix: Option<i64>,
    },
    /// The admin API asked for a new delivery cycle at `at_unix`.
    Redeliver {
        /// When it is due.
        at_unix: i64,
    },
}

/// An event that does not apply to a delivery in its status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("a {from:?} delivery cannot take {event:?}")]
pub struct BadTransition {
    /// The status it was in.
    pub from: DeliveryStatus,
    /// The event.
    pub event: DeliveryEvent,
}

/// A tenant's notifications: the outbox and the delivery log. An [`crate::store::Area`].
#[derive(Clone, Debug, Default)]
pub struct Callbacks {
    // Behind `Arc`s (changed with `Arc::make_mut`): imbl copies the values of every node it
    // writes to, and a delivery holds its resource JSON.
    deliveries: imbl::OrdMap<DeliveryId, Arc<Delivery>>,
    /// Pending deliveries by due time.
    due: imbl::OrdSet<(i64, DeliveryId)>,
    /// Delivered, failed and recorded deliveries, oldest id first (evicted first).
    finished: imbl::OrdSet<DeliveryId>,
    next_id: u64,
}

impl Callbacks {
    /// The delivery with `id`.
    pub fn get(&self, id: DeliveryId) -> Option<&Delivery> {
        self.deliveries.get(&id).map(|d| &**d)
    }

    /// Every delivery, by id.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Delivery> {
        self.deliveries.values().map(|d| &**d)
    }

    /// Deliveries kept.
    pub fn len(&self) -> usize {
        self.deliveries.len()
    }

    /// Whether none is kept.
    pub fn is_empty(&self) -> bool {
        self.deliveries.is_empty()
    }

    /// When the earliest pending attempt is due (virtual unix seconds).
    pub fn next_due_unix(&self) -> Option<i64> {
        self.due.get_min().map(|(at, _)| *at)
    }

    fn enqueue(
        &mut self,
        mchid: &str,
        now_unix: i64,
        cb: NewCallback,
        deliver: bool,
    ) -> Result<DeliveryId, CallbackRejected> {
        check_notify_url(&cb.notify_url)?;
        if cb.event_type.is_empty() || cb.event_type.len() > 64 {
            return Err(CallbackRejected::UnknownEventType(cb.event_type));
        }
        let original_type = match cb.original_type {
            Some(t) if !t.is_empty() && t.len() <= 64 => t,
            Some(_) | None => original_type_for(&cb.event_type)
                .map(|t| t.as_str().to_owned())
                .ok_or_else(|| CallbackRejected::UnknownEventType(cb.event_type.clone()))?,
        };
        if cb.resource_json.len() > MAX_RESOURCE_BYTES {
            return Err(CallbackRejected::Resource(format!(
                "is {} bytes, more than {MAX_RESOURCE_BYTES}",
                cb.resource_json.len()
            )));
        }
        serde_json::from_str::<serde::de::IgnoredAny>(&cb.resource_json)
            .map_err(|e| CallbackRejected::Resource(format!("is not JSON: {e}")))?;
        if self.deliveries.len() >= MAX_DELIVERIES {
            let Some(oldest) = self.finished.remove_min() else {
                return Err(CallbackRejected::Full { max: MAX_DELIVERIES });
            };
            self.deliveries.remove(&oldest);
        }
        self.next_id = self.next_id.saturating_add(1);
        let id = DeliveryId(self.next_id);
        let delivery = Delivery {
            id,
            mchid: mchid.to_owned(),
            notification_id: format!("EV-{}", random_digits(20)),
            event_type: cb.event_type,
            notify_url: cb.notify_url,
            original_type,
            summary: cb.summary,
            resource_json: cb.resource_json,
            created_unix: now_unix,
            status: if deliver { DeliveryStatus::Pending } else { DeliveryStatus::Recorded },
            next_attempt_unix: deliver.then_some(now_unix),
            cycle_attempts: 0,
            attempts: imbl::Vector::new(),
            delayed_secs: None,
            probe_accepted: None,
        };
        if deliver {
            self.due.insert((now_unix, id));
        } else {
            self.finished.insert(id);
        }
        self.deliveries.insert(id, Arc::new(delivery));
        self.assert_consistent(id);
        Ok(id)
    }

    /// The delivery state machine, in one place: the status a delivery moves to and when its
    /// next attempt is due (`Some` exactly when pending).
    fn next_state(
        from: DeliveryStatus,
        event: DeliveryEvent,
    ) -> Result<(DeliveryStatus, Option<i64>), BadTransition> {
        use DeliveryEvent as E;
        use DeliveryStatus as S;
        Ok(match (from, event) {
            (S::Pending, E::Claimed) => (S::InFlight, None),
            (S::InFlight, E::Postponed { at_unix }) => (S::Pending, Some(at_unix)),
            (S::InFlight, E::Delivered) => (S::Delivered, None),
            (S::InFlight, E::Failed { retry_at_unix: Some(at) }) => (S::Pending, Some(at)),
            (S::InFlight, E::Failed { retry_at_unix: None }) => (S::Failed, None),
            (S::Delivered | S::Failed | S::Recorded, E::Redeliver { at_unix }) => {
                (S::Pending, Some(at_unix))
            }
            (from, event) => return Err(BadTransition { from, event }),
        })
    }

    /// Applies `event` to delivery `id`: status, next attempt and both indexes together.
    fn apply(&mut self, id: DeliveryId, event: DeliveryEvent) -> Result<(), BadTransition> {
        // Callers look the delivery up first; a missing one has nothing to move.
        let Some(d) = self.deliveries.get_mut(&id).map(Arc::make_mut) else { return Ok(()) };
        let (status, next) = Self::next_state(d.status, event)?;
        if let Some(at) = d.next_attempt_unix {
            self.due.remove(&(at, id));
        }
        d.status = status;
        d.next_attempt_unix = next;
        match next {
            Some(at) => {
                self.due.insert((at, id));
                self.finished.remove(&id);
            }
            None if status == DeliveryStatus::InFlight => {}
            None => {
                self.finished.insert(id);
            }
        }
        self.assert_consistent(id);
        Ok(())
    }

    /// Takes up to `max` due deliveries out of the outbox, marking them in flight.
    pub(crate) fn claim_due(&mut self, now_unix: i64, max: usize) -> Vec<Claim> {
        let mut claims = Vec::new();
        while claims.len() < max {
            let Some(&(at, id)) = self.due.get_min() else { break };
            if at > now_unix {
                break;
            }
            if self.apply(id, DeliveryEvent::Claimed).is_err() {
                // Only pending deliveries are in `due` (asserted on every change).
                unreachable!("delivery {id} in the outbox is not pending");
            }
            let Some(d) = self.deliveries.get(&id) else { continue };
            claims.push(Claim {
                id,
                notification_id: d.notification_id.clone(),
                mchid: d.mchid.clone(),
                notify_url: d.notify_url.clone(),
                event_type: d.event_type.clone(),
                original_type: d.original_type.clone(),
                summary: d.summary.clone(),
                resource_json: d.resource_json.clone(),
                created_unix: d.created_unix,
                first: !d.attempts.iter().any(|a| a.kind == AttemptKind::Delivery),
                delayed: d.delayed_secs.is_some(),
            });
        }
        claims
    }

    /// Whether `claim` still names an in-flight delivery (a reset may have replaced it; its
    /// result is then dropped).
    fn still_claimed(&self, claim: &Claim) -> bool {
        self.deliveries.get(&claim.id).is_some_and(|d| {
            d.notification_id == claim.notification_id && d.status == DeliveryStatus::InFlight
        })
    }

    /// Puts a claimed delivery back, due `secs` later (a `callback_delay` fault).
    pub(crate) fn postpone(&mut self, claim: &Claim, now_unix: i64, secs: i64) {
        if !self.still_claimed(claim) {
            return;
        }
        if let Some(d) = self.deliveries.get_mut(&claim.id).map(Arc::make_mut) {
            d.delayed_secs = Some(secs);
        }
        let at_unix = now_unix.saturating_add(secs);
        // Still claimed, so in flight: the move is allowed.
        let _ = self.apply(claim.id, DeliveryEvent::Postponed { at_unix });
    }

    /// Records a round of attempts and schedules what follows: done, a retry on the
    /// schedule, or given up after `max_attempts` in the cycle.
    pub(crate) fn record(&mut self, claim: &Claim, round: Round, max_attempts: u32) {
        if !self.still_claimed(claim) {
            return;
        }
        let Some(d) = self.deliveries.get_mut(&claim.id).map(Arc::make_mut) else { return };
        for mut attempt in round.attempts {
            if d.attempts.len() >= MAX_ATTEMPTS_RECORDED {
                break;
            }
            attempt.number = u32::try_from(d.attempts.len()).unwrap_or(u32::MAX).saturating_add(1);
            if attempt.kind == AttemptKind::Probe {
                d.probe_accepted = Some(attempt.success);
            }
            d.attempts.push_back(attempt);
        }
        d.cycle_attempts = d.cycle_attempts.saturating_add(1);
        let event = if round.delivered {
            DeliveryEvent::Delivered
        } else if d.cycle_attempts >= max_attempts {
            DeliveryEvent::Failed { retry_at_unix: None }
        } else {
            let at = round.at_unix.saturating_add(retry_delay_secs(d.cycle_attempts));
            DeliveryEvent::Failed { retry_at_unix: Some(at) }
        };
        // Still claimed, so in flight: every outcome is allowed.
        let _ = self.apply(claim.id, event);
    }

    fn redeliver(&mut self, id: DeliveryId, now_unix: i64) -> Result<(), RedeliverError> {
        if !self.deliveries.contains_key(&id) {
            return Err(RedeliverError::NotFound(id));
        }
        self.apply(id, DeliveryEvent::Redeliver { at_unix: now_unix })
            .map_err(|_| RedeliverError::Pending(id))?;
        if let Some(d) = self.deliveries.get_mut(&id).map(Arc::make_mut) {
            d.cycle_attempts = 0;
        }
        Ok(())
    }

    /// A delivery is in `due` exactly while pending (at its `next_attempt_unix`), and in
    /// `finished` exactly while delivered, failed or recorded.
    fn assert_consistent(&self, id: DeliveryId) {
        let Some(d) = self.deliveries.get(&id) else { return };
        let pending = d.status == DeliveryStatus::Pending;
        assert_eq!(
            pending,
            d.next_attempt_unix.is_some(),
            "delivery {id}: next attempt iff pending"
        );
        if let Some(at) = d.next_attempt_unix {
            assert!(self.due.contains(&(at, id)), "pending delivery {id} is in the outbox");
        }
        let finished = matches!(
            d.status,
            DeliveryStatus::Delivered | DeliveryStatus::Failed | DeliveryStatus::Recorded
        );
        assert_eq!(finished, self.finished.contains(&id), "delivery {id}: finished set");
        debug_assert!(self.due.len() <= self.deliveries.len());
    }
}

fn random_digits(n: usize) -> String {
    use rand::Rng;
    // Replayable in durable mode (see `persist::entropy`).
    crate::persist::entropy::with_rng(|rng| {
        (0..n).map(|_| char::from(b'0' + rng.random_range(0..10u8))).collect()
    })
}

impl Txn<'_> {
    /// Enqueues a notification from the tenant, at the transaction's virtual time. It is
    /// sent only if the transaction commits; the dispatcher is woken then.
    ///
    /// # Errors
    /// [`CallbackRejected`]; `?` turns it into an [`ApiError`] (`PARAM_ERROR` naming
    /// `/notify_url`, …).
    pub fn enqueue_callback(
        &mut self,
        callback: NewCallback,
    ) -> Result<DeliveryId, CallbackRejected> {
        let now = self.now_unix();
        let mchid = self.tenant().mchid().to_owned();
        let deliver = self.tenant().callback_policy().deliver;
        let id = self.area_mut::<Callbacks>().enqueue(&mchid, now, callback, deliver)?;
        if deliver {
            self.wake_outbox_on_commit();
        }
        Ok(id)
    }

    /// Schedules one more delivery cycle of a finished delivery, now (admin redelivery).
    ///
    /// # Errors
    /// [`RedeliverError`].
    pub fn redeliver_callback(&mut self, id: DeliveryId) -> Result<(), RedeliverError> {
        let now = self.now_unix();
        self.area_mut::<Callbacks>().redeliver(id, now)?;
        self.wake_outbox_on_commit();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "http://127.0.0.1:9/notify";

    fn failed(at_unix: i64) -> Round {
        Round {
            attempts: vec![Attempt {
                number: 0,
                kind: AttemptKind::Delivery,
                at_unix,
                latency_ms: 1,
                status: Some(500),
                error: None,
                success: false,
                response_body: None,
                fault: None,
                request_id: None,
            }],
            delivered: false,
            at_unix,
        }
    }

    // Proves the schedule is WeChat Pay's (24 h 4 min over 15 retries) and repeats its last
    // wait for longer policies.
    #[test]
    fn retry_schedule() {
        assert_eq!(RETRY_SCHEDULE_SECS.iter().sum::<i64>(), 24 * 3600 + 4 * 60);
        assert_eq!((retry_delay_secs(1), retry_delay_secs(2), retry_delay_secs(3)), (15, 15, 30));
        assert_eq!((retry_delay_secs(15), retry_delay_secs(40)), (21_600, 21_600));
    }

    // Proves a failing delivery is retried at the scheduled virtual times, gives up after
    // max_attempts, and can be redelivered for a fresh cycle.
    #[test]
    fn retries_then_gives_up_then_redelivers() {
        let mut c = Callbacks::default();
        let id =
            c.enqueue("1", 1_000, NewCallback::new(URL, "REFUND.SUCCESS", "{}"), true).unwrap();
        let mut now = 1_000;
        let mut attempt_times = Vec::new();
        for _ in 0..3 {
            assert!(c.claim_due(now - 1, 10).is_empty(), "not due before its time");
            let claims = c.claim_due(now, 10);
            assert_eq!(claims.len(), 1);
            attempt_times.push(now);
            c.record(&claims[0], failed(now), 3);
            now = c.get(id).unwrap().next_attempt_unix.unwrap_or(now);
        }
        assert_eq!(attempt_times, [1_000, 1_015, 1_030]);
        let d = c.get(id).unwrap();
        assert_eq!((d.status, d.cycle_attempts, d.attempts.len()), (DeliveryStatus::Failed, 3, 3));
        assert_eq!(d.attempts.iter().map(|a| a.number).collect::<Vec<_>>(), [1, 2, 3]);
        assert!(c.next_due_unix().is_none());
        c.redeliver(id, 5_000).unwrap();
        assert_eq!(c.redeliver(id, 5_000), Err(RedeliverError::Pending(id)));
        assert_eq!(c.claim_due(5_000, 10).len(), 1);
        assert_eq!(c.redeliver(DeliveryId(9), 0), Err(RedeliverError::NotFound(DeliveryId(9))));
    }

    // Proves the state machine allows exactly the documented moves.
    #[test]
    fn delivery_state_machine() {
        use DeliveryEvent as E;
        use DeliveryStatus as S;
        let retry = E::Failed { retry_at_unix: Some(15) };
        assert_eq!(Callbacks::next_state(S::Pending, E::Claimed), Ok((S::InFlight, None)));
        assert_eq!(Callbacks::next_state(S::InFlight, retry), Ok((S::Pending, Some(15))));
        assert_eq!(
            Callbacks::next_state(S::InFlight, E::Failed { retry_at_unix: None }),
            Ok((S::Failed, None))
        );
        assert_eq!(Callbacks::next_state(S::InFlight, E::Delivered), Ok((S::Delivered, None)));
        assert_eq!(
            Callbacks::next_state(S::Recorded, E::Redeliver { at_unix: 9 }),
            Ok((S::Pending, Some(9)))
        );
        for (from, event) in [
            (S::Pending, E::Delivered),
            (S::InFlight, E::Claimed),
            (S::Delivered, E::Claimed),
            (S::Pending, E::Redeliver { at_unix: 0 }),
            (S::Failed, retry),
        ] {
            assert_eq!(Callbacks::next_state(from, event), Err(BadTransition { from, event }));
        }
    }

    // Proves a result recorded for a delivery that a reset replaced is ignored.
    #[test]
    fn stale_claims_are_ignored() {
        let mut c = Callbacks::default();
        c.enqueue("1", 0, NewCallback::new(URL, "REFUND.SUCCESS", "{}"), true).unwrap();
        let claim = c.claim_due(0, 1).remove(0);
        let mut fresh = Callbacks::default();
        let id =
            fresh.enqueue("1", 0, NewCallback::new(URL, "REFUND.SUCCESS", "{}"), true).unwrap();
        fresh.record(&claim, failed(0), 16);
        assert_eq!(fresh.get(id).unwrap().status, DeliveryStatus::Pending);
        assert!(fresh.get(id).unwrap().attempts.is_empty());
    }

    // Proves enqueueing validates the URL, the event type and the resource, and a policy
    // without delivery only records.
    #[test]
    fn enqueue_validation() {
        let mut c = Callbacks::default();
        let bad = |c: &mut Callbacks, cb| c.enqueue("1", 0, cb, true).unwrap_err();
        assert!(matches!(
            bad(&mut c, NewCallback::new("/relative", "REFUND.SUCCESS", "{}")),
            CallbackRejected::NotifyUrl { .. }
        ));
        assert!(matches!(
            bad(&mut c, NewCallback::new("ftp://h/x", "REFUND.SUCCESS", "{}")),
            CallbackRejected::NotifyUrl { .. }
        ));
        assert!(matches!(
            bad(&mut c, NewCallback::new(URL, "VIOLATION.NOTIFY", "{}")),
            CallbackRejected::UnknownEventType(_)
        ));
        assert!(matches!(
            bad(&mut c, NewCallback::new(URL, "REFUND.SUCCESS", "{oops")),
            CallbackRejected::Resource(_)
        ));
        let big = format!("\"{}\"", "x".repeat(MAX_RESOURCE_BYTES));
        assert!(matches!(
            bad(&mut c, NewCallback::new(URL, "REFUND.SUCCESS", big)),
            CallbackRejected::Resource(_)
        ));
        assert!(c.is_empty());
        let id = c
            .enqueue(
                "1",
                0,
                NewCallback::new(URL, "VIOLATION.NOTIFY", "{}").original_type("violation"),
                false,
            )
            .unwrap();
        assert_eq!(c.get(id).unwrap().status, DeliveryStatus::Recorded);
        assert!(c.claim_due(i64::MAX, 10).is_empty());
    }
}
