//! Durable state (`--data-dir DIR`): a write-ahead command journal, replayed at start.
//!
//! # Design
//!
//! The mock's state changes only through three doors: a verified API request, an admin
//! request, and a step of the callback dispatcher (claim, postpone, record an attempt). In
//! durable mode each door runs its work under one async *gate* (so state changes happen in
//! exactly the order they are journaled), with the tenants' base clock *pinned* to one instant
//! and the random generator of ids *seeded* from the record (see [`entropy`]). If the store
//! changed (its [generation](crate::store::Store::generation) moved) or the request is an
//! admin write, the command is appended to `DIR/journal.wal` with everything needed to run it
//! again: the request as the handler saw it (after signature verification), the pinned time,
//! the seed, and the status and body checksum of the answer. The gate is released, and the
//! answer leaves only once an `fdatasync` covers the record (group commit: records appended
//! while one fsync runs share the next). A command that changed nothing (a read) waits for
//! the records appended before it, so nothing a client has seen can be lost either.
//!
//! At start the journal is replayed through the same routers and the same dispatcher
//! functions, on the recorded times and seeds, so the state is rebuilt by the code that built
//! it in the first place: there is no second (serialized) representation of any area to keep
//! complete. Each replayed answer is compared with the recorded status and checksum; a
//! mismatch (a non-deterministic handler) is logged and counted in [`ReplayReport`].
//!
//! A torn last record (a `kill -9` during its write) fails its length or CRC check and is cut
//! off: it was never acknowledged, since the answer waits for the fsync. Deliveries that were
//! in flight when the process died are recorded as a failed, interrupted attempt and retried on
//! WeChat Pay's schedule, so every callback is delivered at least once.
//!
//! Not durable, by choice: fault rules and the request journal (test instrumentation and a
//! diagnostic ring buffer: re-add rules after a restart). There is no snapshot: start-up time
//! grows with the journal (see docs/mock-server.md for measured replay rates); delete `DIR` to
//! start over.

pub mod entropy;
pub mod wal;

use std::fs::{File, OpenOptions};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Instant;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use futures_util::FutureExt;
use serde::{Deserialize, Serialize};
use wechatpay_crypto::{Clock, SystemClock};

use crate::callbacks::{Attempt, Callbacks, Claim, DeliveryId, DeliveryStatus, Round};
use crate::config::MockConfig;
use crate::error::{ApiError, ConfigError};
use crate::protocol::Caller;
use crate::state::MockState;
use crate::tenant::Tenant;

pub use self::wal::WriterStats;

/// The journal's file name inside the data directory.
pub const JOURNAL_FILE: &str = "journal.wal";
/// Largest answer body buffered to checksum it.
const MAX_ANSWER_BYTES: usize = 256 * 1024 * 1024;

/// Why durable state could not be opened.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum PersistError {
    /// The configuration is invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The data directory or journal could not be read or written.
    #[error("data directory {path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// A whole (checksummed) record does not decode: written by another version of the mock.
    #[error(
        "{path}: record {index} does not decode ({source}); was it written by another version of wechatpay-mock?"
    )]
    Decode {
        /// The journal.
        path: PathBuf,
        /// 1-based record number.
        index: u64,
        /// The error.
        source: serde_json::Error,
    },
    /// A record names a tenant the configuration no longer has.
    #[error("{path}: record {index} is for tenant {mchid}, which the configuration does not have")]
    UnknownTenant {
        /// The journal.
        path: PathBuf,
        /// 1-based record number.
        index: u64,
        /// The tenant.
        mchid: String,
    },
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> PersistError + '_ {
    move |source| PersistError::Io { path: path.to_owned(), source }
}

/// What the start-up replay did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReplayReport {
    /// Records replayed.
    pub records: u64,
    /// Bytes of a torn last record that were cut off (0 after a clean stop).
    pub torn_bytes: u64,
    /// Replayed commands whose answer differed from the recorded one (0 unless a handler is
    /// not deterministic; each is logged).
    pub diverged: u64,
    /// Deliveries that were in flight at the crash, put back on the retry schedule.
    pub requeued_deliveries: u64,
    /// Milliseconds the replay took.
    pub millis: u64,
}

/// The tenants' base clock in durable mode: the system clock, except while a command runs
/// (live or replayed), when it is pinned to the command's instant.
#[derive(Debug)]
pub struct PinnableClock {
    base: Arc<dyn Clock>,
    /// `i64::MIN`: not pinned.
    pinned: AtomicI64,
}

impl PinnableClock {
    fn new(base: Arc<dyn Clock>) -> Self {
        Self { base, pinned: AtomicI64::new(i64::MIN) }
    }

    /// Pins the clock to `at` (or to the base clock's now) until the guard drops.
    fn pin(&self, at: Option<i64>) -> Pinned<'_> {
        let at = at.unwrap_or_else(|| self.base.now_unix());
        self.pinned.store(at, Ordering::SeqCst);
        Pinned { clock: self, at }
    }
}

impl Clock for PinnableClock {
    fn now_unix(&self) -> i64 {
        match self.pinned.load(Ordering::SeqCst) {
            i64::MIN => self.base.now_unix(),
            at => at,
        }
    }
}

struct Pinned<'a> {
    clock: &'a PinnableClock,
    at: i64,
}

impl Drop for Pinned<'_> {
    fn drop(&mut self) {
        self.clock.pinned.store(i64::MIN, Ordering::SeqCst);
    }
}

/// One journaled command. `at` is the pinned base time (unix seconds), `seed` the id seed.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Record {
    /// An API request, as the handler received it: `caller` after signature verification
    /// (`/v3/…`), none for the unsigned OAuth endpoints.
    Api {
        at: i64,
        seed: u64,
        caller: Option<CallerRecord>,
        #[serde(flatten)]
        call: Call,
    },
    /// An admin request (path relative to the admin prefix).
    Admin {
        at: i64,
        seed: u64,
        #[serde(flatten)]
        call: Call,
    },
    /// The dispatcher claimed up to `room` due deliveries.
    Claim { at: i64, mchid: String, room: usize },
    /// A `callback_delay` fault put a claimed delivery back.
    Postpone { at: i64, mchid: String, id: DeliveryId, notification_id: String, secs: i64 },
    /// The outcome of one round of attempts.
    Round {
        at: i64,
        mchid: String,
        id: DeliveryId,
        notification_id: String,
        attempts: Vec<Attempt>,
        delivered: bool,
        at_unix: i64,
        max_attempts: u32,
    },
}

/// Who signed an API request (see [`Caller`]).
#[derive(Debug, Serialize, Deserialize)]
struct CallerRecord {
    mchid: String,
    request_id: String,
    serial: Option<String>,
}

/// An HTTP request and the answer it got.
#[derive(Debug, Serialize, Deserialize)]
struct Call {
    method: String,
    uri: String,
    headers: Vec<(String, String)>,
    /// Base64.
    body: String,
    status: u16,
    /// CRC-32 of the answer body.
    answer_crc: u32,
}

impl Call {
    fn request(&self) -> Result<Request, String> {
        let method = Method::from_bytes(self.method.as_bytes()).map_err(|e| e.to_string())?;
        let body = wechatpay_crypto::base64::decode(&self.body, "journaled body")
            .map_err(|e| e.to_string())?;
        let mut b = Request::builder().method(method).uri(&self.uri);
        for (name, value) in &self.headers {
            b = b.header(name, value);
        }
        b.body(Body::from(body)).map_err(|e| e.to_string())
    }
}

fn headers_of(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        // The signature was checked before; replay does not check it again.
        .filter(|(n, _)| *n != axum::http::header::AUTHORIZATION)
        .filter_map(|(n, v)| Some((n.as_str().to_owned(), v.to_str().ok()?.to_owned())))
        .collect()
}

/// Durable state of one [`MockState`].
#[derive(Debug)]
pub struct Persist {
    path: PathBuf,
    clock: Arc<PinnableClock>,
    /// Serializes every state-changing command (see the module docs).
    gate: tokio::sync::Mutex<()>,
    writer: OnceLock<wal::Writer>,
    /// Commands that changed state after a writer failure (fail-stop).
    refused: AtomicU64,
}

impl Persist {
    /// The journal file.
    pub fn journal_path(&self) -> &Path {
        &self.path
    }

    /// Records appended and fsyncs done since start.
    pub fn stats(&self) -> WriterStats {
        self.writer.get().map(wal::Writer::stats).unwrap_or_default()
    }

    /// Writes what is still buffered (dispatcher steps do not wait for their fsync) and
    /// stops the journal writer. Call it after [`crate::serve`] returned.
    pub fn close(&self) {
        if let Some(w) = self.writer.get() {
            w.close();
        }
    }

    fn failed(&self) -> Option<wal::WriteFailed> {
        self.writer.get().and_then(wal::Writer::failed)
    }

    /// Appends; `None` while replaying (the writer starts after the replay).
    fn append(&self, record: &Record) -> Result<Option<u64>, wal::WriteFailed> {
        let Some(w) = self.writer.get() else { return Ok(None) };
        let payload = serde_json::to_vec(record)
            .map_err(|e| wal::WriteFailed(Arc::from(format!("record does not encode: {e}"))))?;
        w.append(&payload).map(Some)
    }

    async fn durable(&self, seq: Option<u64>) -> Result<(), wal::WriteFailed> {
        match (seq, self.writer.get()) {
            (Some(seq), Some(w)) => w.durable(seq).await,
            _ => Ok(()),
        }
    }
}

fn refused(e: &wal::WriteFailed) -> Response {
    ApiError::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "SYSTEM_ERROR",
        format!("the mock's journal failed; restart it ({e})"),
    )
    .into_response()
}

/// Opens (or creates) `dir`, rebuilds the state from its journal and starts journaling.
/// Tenant clocks run on `base` (the system clock when `None`).
///
/// # Errors
/// [`PersistError`]: the directory is unusable, the journal is not one, a record does not
/// decode or names an unknown tenant. A torn last record is not an error (it is cut off).
pub async fn open(
    config: &MockConfig,
    dir: &Path,
    base: Option<Arc<dyn Clock>>,
) -> Result<(MockState, ReplayReport), PersistError> {
    let started = Instant::now();
    std::fs::create_dir_all(dir).map_err(io_err(dir))?;
    let path = dir.join(JOURNAL_FILE);
    let clock = Arc::new(PinnableClock::new(base.unwrap_or_else(|| Arc::new(SystemClock))));
    let persist = Arc::new(Persist {
        path: path.clone(),
        clock: Arc::clone(&clock),
        gate: tokio::sync::Mutex::new(()),
        writer: OnceLock::new(),
        refused: AtomicU64::new(0),
    });
    let state = MockState::with_persist(config, clock, Arc::clone(&persist))?;
    let mut report = ReplayReport::default();

    let reader = match wal::Reader::open(&path) {
        Ok(r) => r,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(PersistError::Io { path, source: e }),
    };
    let mut keep_len = None;
    if let Some(mut reader) = reader {
        let routers = Routers::new(&state);
        loop {
            match reader.next_record().map_err(io_err(&path))? {
                Ok(payload) => {
                    report.records += 1;
                    let index = report.records;
                    let record: Record = serde_json::from_slice(&payload).map_err(|source| {
                        PersistError::Decode { path: path.clone(), index, source }
                    })?;
                    if !replay(&state, &routers, &persist, record, index, &path).await? {
                        report.diverged += 1;
                    }
                }
                Err(wal::Tail::Clean) => break,
                Err(wal::Tail::Torn { offset, bytes }) => {
                    tracing::warn!(target: "wechatpay_mock::persist", offset, bytes, "dropping a torn last journal record (never acknowledged)");
                    report.torn_bytes = bytes;
                    keep_len = Some(offset);
                    break;
                }
            }
        }
    } else {
        let mut f = File::create(&path).map_err(io_err(&path))?;
        std::io::Write::write_all(&mut f, wal::MAGIC).map_err(io_err(&path))?;
        f.sync_all().map_err(io_err(&path))?;
        // The new file's directory entry must survive a crash too.
        File::open(dir).and_then(|d| d.sync_all()).map_err(io_err(dir))?;
    }
    let file = OpenOptions::new().read(true).write(true).open(&path).map_err(io_err(&path))?;
    if let Some(len) = keep_len {
        file.set_len(len).map_err(io_err(&path))?;
        file.sync_all().map_err(io_err(&path))?;
    }
    let mut file = file;
    std::io::Seek::seek(&mut file, std::io::SeekFrom::End(0)).map_err(io_err(&path))?;
    let writer = wal::Writer::start(file).map_err(io_err(&path))?;
    let _ = persist.writer.set(writer);
    report.requeued_deliveries = requeue_in_flight(&state).await;
    report.millis = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    Ok((state, report))
}

/// The routers the replay calls: the API areas without the protocol, fault and journal
/// layers (the recorded [`Caller`] stands for the verified signature), and the admin API.
struct Routers {
    api: axum::routing::MethodRouter<()>,
    admin: axum::routing::MethodRouter<()>,
}

impl Routers {
    fn new(state: &MockState) -> Self {
        let api = crate::api_routes()
            .layer(axum::extract::DefaultBodyLimit::disable())
            .with_state(state.clone());
        let admin = crate::admin::routes(state.clone()).with_state(state.clone());
        Self { api: axum::routing::any_service(api), admin: axum::routing::any_service(admin) }
    }
}

/// Calls a router in-process, as the dashboard calls the admin router.
async fn call_router(router: &axum::routing::MethodRouter<()>, req: Request) -> Response {
    axum::handler::Handler::call(router.clone(), req, ()).await
}

/// Replays one record; whether its answer matched the recorded one.
async fn replay(
    state: &MockState,
    routers: &Routers,
    persist: &Persist,
    record: Record,
    index: u64,
    path: &Path,
) -> Result<bool, PersistError> {
    let tenant = |mchid: &str| {
        state.tenant(mchid).cloned().ok_or_else(|| PersistError::UnknownTenant {
            path: path.to_owned(),
            index,
            mchid: mchid.to_owned(),
        })
    };
    match record {
        Record::Api { at, seed, caller, call } => {
            let Ok(mut req) = call.request() else { return Ok(false) };
            if let Some(c) = caller {
                let tenant = tenant(&c.mchid)?;
                req.extensions_mut().insert(Caller::new(tenant, Arc::from(c.request_id), c.serial));
            }
            let _pin = persist.clock.pin(Some(at));
            let answer = entropy::scope(seed, call_router(&routers.api, req)).await;
            Ok(same_answer(answer, &call, index).await)
        }
        Record::Admin { at, seed, call } => {
            let Ok(mut req) = call.request() else { return Ok(false) };
            if let Some(token) = state.settings().admin_token() {
                if let Ok(v) = HeaderValue::from_str(&format!("Bearer {}", token.expose())) {
                    req.headers_mut().insert(axum::http::header::AUTHORIZATION, v);
                }
            }
            let _pin = persist.clock.pin(Some(at));
            let answer = entropy::scope(seed, call_router(&routers.admin, req)).await;
            Ok(same_answer(answer, &call, index).await)
        }
        Record::Claim { at, mchid, room } => {
            let tenant = tenant(&mchid)?;
            let _pin = persist.clock.pin(Some(at));
            apply_claim(state, &tenant, room);
            Ok(true)
        }
        Record::Postpone { at, mchid, id, notification_id, secs } => {
            let tenant = tenant(&mchid)?;
            let _pin = persist.clock.pin(Some(at));
            apply_postpone(state, &tenant, &claim_ref(id, notification_id), secs);
            Ok(true)
        }
        Record::Round {
            at,
            mchid,
            id,
            notification_id,
            attempts,
            delivered,
            at_unix,
            max_attempts,
        } => {
            let tenant = tenant(&mchid)?;
            let _pin = persist.clock.pin(Some(at));
            let round = Round { attempts, delivered, at_unix };
            apply_round(state, &tenant, &claim_ref(id, notification_id), round, max_attempts);
            Ok(true)
        }
    }
}

async fn same_answer(answer: Response, call: &Call, index: u64) -> bool {
    let status = answer.status().as_u16();
    let crc = match axum::body::to_bytes(answer.into_body(), MAX_ANSWER_BYTES).await {
        Ok(b) => crc32fast::hash(&b),
        Err(_) => 0,
    };
    let same = status == call.status && crc == call.answer_crc;
    if !same {
        tracing::warn!(target: "wechatpay_mock::persist", index, method = %call.method, uri = %call.uri, recorded = call.status, replayed = status, "replayed answer differs from the recorded one");
    }
    same
}

/// A claim naming a delivery: what [`Callbacks::postpone`] and [`Callbacks::record`] need.
fn claim_ref(id: DeliveryId, notification_id: String) -> Claim {
    Claim {
        id,
        notification_id,
        mchid: String::new(),
        notify_url: String::new(),
        event_type: String::new(),
        original_type: String::new(),
        summary: None,
        resource_json: String::new(),
        created_unix: 0,
        first: false,
        delayed: false,
    }
}

// The three dispatcher steps, shared by the live dispatcher and the replay.

fn apply_claim(state: &MockState, tenant: &Tenant, room: usize) -> Vec<Claim> {
    state
        .store()
        .transact(tenant, |tx| {
            let now = tx.now_unix();
            Ok::<_, std::convert::Infallible>(tx.area_mut::<Callbacks>().claim_due(now, room))
        })
        .unwrap_or_else(|never| match never {})
}

fn apply_postpone(state: &MockState, tenant: &Tenant, claim: &Claim, secs: i64) {
    state
        .store()
        .transact(tenant, |tx| {
            let now = tx.now_unix();
            tx.area_mut::<Callbacks>().postpone(claim, now, secs);
            tx.wake_outbox_on_commit();
            Ok::<_, std::convert::Infallible>(())
        })
        .unwrap_or_else(|never| match never {});
}

fn apply_round(state: &MockState, tenant: &Tenant, claim: &Claim, round: Round, max_attempts: u32) {
    state
        .store()
        .transact(tenant, |tx| {
            tx.area_mut::<Callbacks>().record(claim, round, max_attempts);
            Ok::<_, std::convert::Infallible>(())
        })
        .unwrap_or_else(|never| match never {});
}

/// Runs a dispatcher step: directly in memory-only mode; under the gate, on a pinned clock,
/// and journaled (if it changed anything) in durable mode. Nothing is acknowledged to anyone,
/// so the step does not wait for its fsync: a step lost in a crash is redone (at least once).
async fn dispatch_step<T>(
    state: &MockState,
    tenant: &Tenant,
    step: impl FnOnce() -> T,
    record: impl FnOnce(i64) -> Record,
) -> T {
    let Some(p) = state.persist() else { return step() };
    let _gate = p.gate.lock().await;
    let pinned = p.clock.pin(None);
    let generation = state.store().generation();
    let out = step();
    if state.store().generation() != generation {
        if let Err(e) = p.append(&record(pinned.at)) {
            p.refused.fetch_add(1, Ordering::Relaxed);
            tracing::error!(target: "wechatpay_mock::persist", mchid = tenant.mchid(), error = %e, "a dispatcher step could not be journaled");
        }
    }
    out
}

/// The dispatcher claims up to `room` due deliveries of `tenant`.
pub(crate) async fn claim_due(state: &MockState, tenant: &Arc<Tenant>, room: usize) -> Vec<Claim> {
    dispatch_step(
        state,
        tenant,
        || apply_claim(state, tenant, room),
        |at| Record::Claim { at, mchid: tenant.mchid().to_owned(), room },
    )
    .await
}

/// The dispatcher puts a claimed delivery back, due `secs` later.
pub(crate) async fn postpone(state: &MockState, tenant: &Arc<Tenant>, claim: &Claim, secs: i64) {
    dispatch_step(
        state,
        tenant,
        || apply_postpone(state, tenant, claim, secs),
        |at| Record::Postpone {
            at,
            mchid: tenant.mchid().to_owned(),
            id: claim.id,
            notification_id: claim.notification_id.clone(),
            secs,
        },
    )
    .await;
}

/// The dispatcher records a round of attempts.
pub(crate) async fn record_round(
    state: &MockState,
    tenant: &Arc<Tenant>,
    claim: &Claim,
    round: Round,
    max_attempts: u32,
) {
    let journaled = state.persist().is_some().then(|| round.clone());
    dispatch_step(
        state,
        tenant,
        || apply_round(state, tenant, claim, round, max_attempts),
        |at| {
            let round =
                journaled.unwrap_or(Round { attempts: Vec::new(), delivered: false, at_unix: 0 });
            Record::Round {
                at,
                mchid: tenant.mchid().to_owned(),
                id: claim.id,
                notification_id: claim.notification_id.clone(),
                attempts: round.attempts,
                delivered: round.delivered,
                at_unix: round.at_unix,
                max_attempts,
            }
        },
    )
    .await;
}

/// After a replay: every delivery still in flight was being sent when the process died.
/// Each gets a failed attempt saying so and is retried on the schedule (journaled like any
/// round, so the next replay agrees).
async fn requeue_in_flight(state: &MockState) -> u64 {
    let mut n = 0;
    for tenant in state.tenants().iter() {
        let in_flight: Vec<(DeliveryId, String)> = state.store().read(tenant, |c: &Callbacks| {
            c.iter()
                .filter(|d| d.status == DeliveryStatus::InFlight)
                .map(|d| (d.id, d.notification_id.clone()))
                .collect()
        });
        for (id, notification_id) in in_flight {
            let at_unix = tenant.now_unix();
            let attempt = Attempt {
                number: 0,
                kind: crate::callbacks::AttemptKind::Delivery,
                at_unix,
                latency_ms: 0,
                status: None,
                error: Some(
                    "interrupted: the mock stopped while this attempt was under way".into(),
                ),
                success: false,
                response_body: None,
                fault: None,
                request_id: None,
            };
            let round = Round { attempts: vec![attempt], delivered: false, at_unix };
            let max = tenant.callback_policy().max_attempts;
            record_round(state, tenant, &claim_ref(id, notification_id), round, max).await;
            n += 1;
        }
    }
    if n > 0 {
        state.store().outbox().notify_one();
    }
    n
}

/// What a gated command gives: the answer, and whether to journal it even if the store did
/// not change (admin writes such as moving a clock).
async fn run_gated(
    state: MockState,
    persist: Arc<Persist>,
    always: bool,
    run: impl std::future::Future<Output = Response> + Send + 'static,
    record: impl FnOnce(i64, u64, Call) -> Record + Send + 'static,
    mut call: Call,
) -> Response {
    let gate = persist.gate.lock().await;
    let seed: u64 = rand::random();
    let pinned = persist.clock.pin(None);
    let generation = state.store().generation();
    let answer = AssertUnwindSafe(entropy::scope(seed, run)).catch_unwind().await;
    let changed = state.store().generation() != generation;
    let Ok(answer) = answer else {
        if changed {
            // The state moved and the command cannot be journaled: stop acknowledging.
            persist.refused.fetch_add(1, Ordering::Relaxed);
            if let Some(w) = persist.writer.get() {
                w.fail("a handler panicked after changing state");
            }
        }
        return ApiError::system_error("the handler panicked").into_response();
    };
    let journal = changed || (always && answer.status().is_success());
    if !journal {
        // A read may have seen writes appended but not yet on disk: it waits for them, so
        // nothing a client has observed can be lost in a crash.
        let upto = persist.writer.get().map(wal::Writer::appended);
        drop(pinned);
        drop(gate);
        return match persist.durable(upto).await {
            Ok(()) => answer,
            Err(e) => refused(&e),
        };
    }
    let (parts, body) = answer.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_ANSWER_BYTES).await.unwrap_or_default();
    call.status = parts.status.as_u16();
    call.answer_crc = crc32fast::hash(&bytes);
    let seq = persist.append(&record(pinned.at, seed, call));
    drop(pinned);
    drop(gate);
    let seq = match seq {
        Ok(seq) => seq,
        Err(e) => return refused(&e),
    };
    match persist.durable(seq).await {
        Ok(()) => Response::from_parts(parts, Body::from(bytes)),
        Err(e) => refused(&e),
    }
}

/// Spawns `run_gated`: a client hanging up must not cancel a command between its commit and
/// its journal record.
async fn gated(
    state: MockState,
    persist: Arc<Persist>,
    always: bool,
    run: impl std::future::Future<Output = Response> + Send + 'static,
    record: impl FnOnce(i64, u64, Call) -> Record + Send + 'static,
    call: Call,
) -> Response {
    if let Some(e) = persist.failed() {
        return refused(&e);
    }
    match tokio::spawn(run_gated(state, persist, always, run, record, call)).await {
        Ok(r) => r,
        Err(e) => {
            ApiError::system_error(format!("the command did not finish: {e}")).into_response()
        }
    }
}

async fn split(req: Request) -> Result<(Request, Call), Response> {
    let (parts, body) = req.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX).await.map_err(|e| {
        ApiError::system_error(format!("request body could not be read: {e}")).into_response()
    })?;
    let call = Call {
        method: parts.method.to_string(),
        uri: parts.uri.to_string(),
        headers: headers_of(&parts.headers),
        body: wechatpay_crypto::base64::encode(&bytes),
        status: 0,
        answer_crc: 0,
    };
    Ok((Request::from_parts(parts, Body::from(bytes)), call))
}

/// The innermost layer of the API routes (below signature verification and faults): in
/// durable mode, runs the handler as a journaled command. A no-op in memory-only mode.
pub(crate) async fn api_layer(
    State(state): State<MockState>,
    req: Request,
    next: Next,
) -> Response {
    let Some(persist) = state.persist().cloned() else { return next.run(req).await };
    let caller = req.extensions().get::<Caller>().map(|c| CallerRecord {
        mchid: c.mchid().to_owned(),
        request_id: c.request_id().to_owned(),
        serial: c.wechatpay_serial().map(str::to_owned),
    });
    let (req, call) = match split(req).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let record = move |at, seed, call| Record::Api { at, seed, caller, call };
    gated(state, persist, false, next.run(req), record, call).await
}

/// Admin paths that are not durable (fault rules and the request journal).
fn not_durable(path: &str) -> bool {
    ["/faults", "/journal"].iter().any(|p| path == *p || path.starts_with(&format!("{p}/")))
}

/// The layer of the admin routes (inside the token check): in durable mode, runs every admin
/// call as a gated command and journals writes. A no-op in memory-only mode.
pub(crate) async fn admin_layer(
    State(state): State<MockState>,
    req: Request,
    next: Next,
) -> Response {
    let Some(persist) = state.persist().cloned() else { return next.run(req).await };
    if persist.writer.get().is_none() || not_durable(req.uri().path()) {
        // Replaying (the replay calls the routers itself), or not durable.
        return next.run(req).await;
    }
    let write = req.method() != Method::GET && req.method() != Method::HEAD;
    let (req, call) = match split(req).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let record = |at, seed, call| Record::Admin { at, seed, call };
    gated(state, persist, write, next.run(req), record, call).await
}
