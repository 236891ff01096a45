//! Fault rules: make the mock misbehave on purpose, reproducibly, the way WeChat Pay and the
//! network sometimes do, so a client's error handling can be tested.
//!
//! A rule matches API requests (by method and a path glob) or callbacks (by an event-type
//! glob), optionally of one tenant, and fires with a probability drawn from its own
//! generator seeded with `seed` (rand_chacha's ChaCha8, chosen because its output for a seed
//! is documented as portable): the same rules with the same seeds over the same requests fire
//! at the same requests, on every machine. A rule may fire at most `max_hits` times.
//!
//! Effects on API requests (a middleware inside the protocol layer so an injected error is
//! signed and carries `Request-ID` like a real one):
//!
//! - `error`: answer a WeChat error (`status`, `code`, `message`) without running the handler;
//! - `latency`: wait `ms` (real time) before handling;
//! - `timeout_after_commit`: run the handler (its changes commit), then withhold the answer:
//!   `delay` it by `delay_ms` (past the client's timeout) or `drop` the connection.
//!
//! Effects on callbacks (applied by the dispatcher, [`Faults::on_callback`]):
//!
//! - `callback_drop`: an attempt is lost on the way (not sent; retried on the schedule);
//! - `callback_duplicate`: after a successful delivery, the same notification is sent
//!   `copies` more times;
//! - `callback_delay`: the first attempt waits `secs` of virtual time;
//! - `signature_probe`: before the first attempt, a probe whose `Wechatpay-Signature` starts
//!   with `WECHATPAY/SIGNTEST/` is sent; a receiver must refuse it.
//!
//! When several rules match, each draws from its own generator (so adding a rule never
//! changes when another fires); latencies add up, and the first firing `error` or
//! `timeout_after_commit` (by rule id) decides the answer.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::error::ApiError;
use crate::protocol::Caller;
use crate::state::MockState;

/// Most rules at once.
pub const MAX_RULES: usize = 64;
/// Longest pattern, bytes.
pub const MAX_PATTERN_BYTES: usize = 256;
/// Longest injected latency or withheld delay, milliseconds.
pub const MAX_DELAY_MS: u64 = 120_000;
/// Longest callback delay, virtual seconds (two days).
pub const MAX_CALLBACK_DELAY_SECS: i64 = 172_800;
/// Most duplicates of one delivery.
pub const MAX_DUPLICATES: u32 = 10;
/// The default withheld delay: past the SDK's 30 s default timeout.
pub const DEFAULT_WITHHOLD_MS: u64 = 35_000;

/// How a `timeout_after_commit` answer is withheld.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WithholdMode {
    /// Send the answer only after `delay_ms`: the client has timed out by then.
    #[default]
    Delay,
    /// Close the connection without an answer.
    Drop,
}

fn default_withhold_ms() -> u64 {
    DEFAULT_WITHHOLD_MS
}

fn one() -> u32 {
    1
}

/// What a rule does when it fires.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum FaultEffect {
    /// Answer this WeChat Pay error instead of running the handler.
    Error {
        /// HTTP status, 400–599.
        status: u16,
        /// `code`, e.g. `SYSTEM_ERROR`, `FREQUENCY_LIMITED`.
        code: String,
        /// `message`.
        message: String,
    },
    /// Wait this long (real time) before handling.
    Latency {
        /// Milliseconds.
        ms: u64,
    },
    /// Handle (and commit), then withhold the answer.
    TimeoutAfterCommit {
        /// Delay or drop.
        #[serde(default)]
        mode: WithholdMode,
        /// For `delay`: how long, milliseconds (default 35 000).
        #[serde(default = "default_withhold_ms")]
        delay_ms: u64,
    },
    /// Lose a callback attempt.
    CallbackDrop,
    /// Deliver a callback again after it succeeded.
    CallbackDuplicate {
        /// How many extra copies (default 1).
        #[serde(default = "one")]
        copies: u32,
    },
    /// Hold a callback's first attempt.
    CallbackDelay {
        /// Virtual seconds.
        secs: i64,
    },
    /// Send a signature probe before a callback's first attempt.
    SignatureProbe,
}

impl FaultEffect {
    fn on_callbacks(&self) -> bool {
        match self {
            Self::Error { .. } | Self::Latency { .. } | Self::TimeoutAfterCommit { .. } => false,
            Self::CallbackDrop
            | Self::CallbackDuplicate { .. }
            | Self::CallbackDelay { .. }
            | Self::SignatureProbe => true,
        }
    }
}

/// A rule as the admin API takes it (`POST /mock/admin/faults`).
#[derive(Clone, Debug, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FaultRuleSpec {
    /// Only this tenant (every tenant when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mchid: Option<String>,
    /// API rules: only this method (any when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// API rules: path glob (`*` within a segment, `**` across segments; every path when
    /// absent), matched against the path without its query.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Callback rules: event-type glob such as `REFUND.*` (every event when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_type: Option<String>,
    /// Chance to fire per matching request or callback attempt, 0–1 (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub probability: Option<f64>,
    /// Seed of the rule's generator (random when absent; the listing shows it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
    /// Fire at most this many times.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_hits: Option<u64>,
    /// What to do.
    pub effect: FaultEffect,
}

/// A rule that cannot be added.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {issue}")]
pub struct FaultRuleError {
    /// The JSON pointer of the faulty member.
    pub field: &'static str,
    /// What is wrong.
    pub issue: String,
}

impl From<FaultRuleError> for ApiError {
    fn from(e: FaultRuleError) -> Self {
        ApiError::param_error(e.field, crate::error::Location::Body, e.issue)
    }
}

fn invalid(field: &'static str, issue: impl Into<String>) -> FaultRuleError {
    FaultRuleError { field, issue: issue.into() }
}

impl FaultRuleSpec {
    fn validate(&self) -> Result<(), FaultRuleError> {
        for (field, pattern) in [("/path", &self.path), ("/event_type", &self.event_type)] {
            if pattern.as_ref().is_some_and(|p| p.is_empty() || p.len() > MAX_PATTERN_BYTES) {
                return Err(invalid(field, format!("1 to {MAX_PATTERN_BYTES} bytes")));
            }
        }
        if self.path.as_ref().is_some_and(|p| !p.starts_with('/')) {
            return Err(invalid("/path", "a path glob starts with /, e.g. /v3/refund/**"));
        }
        if let Some(p) = self.probability {
            if !(0.0..=1.0).contains(&p) {
                return Err(invalid("/probability", "between 0 and 1"));
            }
        }
        let callbacks = self.effect.on_callbacks();
        if callbacks && (self.path.is_some() || self.method.is_some()) {
            return Err(invalid("/path", "callback effects match event_type, not method or path"));
        }
        if !callbacks && self.event_type.is_some() {
            return Err(invalid(
                "/event_type",
                "API effects match method and path, not event_type",
            ));
        }
        match &self.effect {
            FaultEffect::Error { status, code, message } => {
                if !(400..=599).contains(status) {
                    return Err(invalid("/effect/status", "an error status is 400 to 599"));
                }
                if code.is_empty() || code.len() > 64 || message.len() > 256 {
                    return Err(invalid("/effect/code", "code 1–64 bytes, message at most 256"));
                }
            }
            FaultEffect::Latency { ms: delay }
            | FaultEffect::TimeoutAfterCommit { delay_ms: delay, .. } => {
                if *delay > MAX_DELAY_MS {
                    return Err(invalid("/effect", format!("at most {MAX_DELAY_MS} ms")));
                }
            }
            FaultEffect::CallbackDuplicate { copies } => {
                if !(1..=MAX_DUPLICATES).contains(copies) {
                    return Err(invalid("/effect/copies", format!("1 to {MAX_DUPLICATES}")));
                }
            }
            FaultEffect::CallbackDelay { secs } => {
                if !(1..=MAX_CALLBACK_DELAY_SECS).contains(secs) {
                    return Err(invalid("/effect/secs", format!("1 to {MAX_CALLBACK_DELAY_SECS}")));
                }
            }
            FaultEffect::CallbackDrop | FaultEffect::SignatureProbe => {}
        }
        Ok(())
    }
}

/// A rule as listed: its spec, its id and seed, and how often it matched and fired.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FaultRuleView {
    /// Id (for `DELETE /mock/admin/faults/{id}`).
    pub id: u64,
    /// The seed in use (the one given, or the random one chosen).
    pub seed: u64,
    /// Matching requests or callback attempts seen.
    pub matched: u64,
    /// Times it fired.
    pub hits: u64,
    /// The rule.
    #[serde(flatten)]
    pub spec: FaultRuleSpec,
}

struct Rule {
    id: u64,
    seed: u64,
    spec: FaultRuleSpec,
    rng: ChaCha8Rng,
    matched: u64,
    hits: u64,
}

impl Rule {
    fn view(&self) -> FaultRuleView {
        FaultRuleView {
            id: self.id,
            seed: self.seed,
            matched: self.matched,
            hits: self.hits,
            spec: self.spec.clone(),
        }
    }

    /// Counts a match and draws: whether the rule fires. Every match draws exactly once, so
    /// the n-th match of a seed always gives the same answer.
    fn roll(&mut self) -> bool {
        self.matched = self.matched.saturating_add(1);
        // 53 random bits as a float in [0, 1): exact and the same on every platform.
        let draw = (self.rng.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        let p = self.spec.probability.unwrap_or(1.0);
        let exhausted = self.spec.max_hits.is_some_and(|max| self.hits >= max);
        let fire = !exhausted && draw < p;
        if fire {
            self.hits = self.hits.saturating_add(1);
        }
        fire
    }

    fn tenant_matches(&self, mchid: &str) -> bool {
        self.spec.mchid.as_deref().is_none_or(|m| m == mchid)
    }
}

/// What the fault rules decided for one API request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestFaults {
    /// Total latency to add.
    pub latency: Duration,
    /// The answer to inject, if a rule decided one.
    pub outcome: Option<RequestFault>,
    /// What fired, for the journal (`rule 3: latency 200 ms; …`).
    pub notes: Vec<String>,
}

/// An injected answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RequestFault {
    /// Answer this error.
    Error {
        /// HTTP status.
        status: StatusCode,
        /// `code`.
        code: String,
        /// `message`.
        message: String,
    },
    /// Handle, then withhold the answer.
    Withhold(Withhold),
}

/// How to withhold an answer (put in the response's extensions for the protocol layer).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Withhold {
    /// Answer after this long.
    Delay(Duration),
    /// Close the connection instead of answering.
    Drop,
}

/// What the fault rules decided for one callback attempt.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CallbackFaults {
    /// Lose this attempt.
    pub drop: bool,
    /// Extra copies to send after a success.
    pub duplicates: u32,
    /// Hold the first attempt this many virtual seconds.
    pub delay_secs: Option<i64>,
    /// Send a signature probe first.
    pub probe: bool,
    /// What fired.
    pub notes: Vec<String>,
}

/// The fault rules of a mock. Cheap to clone; clones share the rules.
#[derive(Clone, Default)]
pub struct Faults {
    inner: Arc<Mutex<Inner>>,
}

#[derive(Default)]
struct Inner {
    rules: Vec<Rule>,
    next_id: u64,
}

impl fmt::Debug for Faults {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Faults").field("rules", &self.lock().rules.len()).finish()
    }
}

impl Faults {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        // Rule state is counters and a generator, each updated in one statement: a panic
        // elsewhere cannot leave it half-written.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds a rule.
    ///
    /// # Errors
    /// [`FaultRuleError`] for an invalid rule or when [`MAX_RULES`] rules exist.
    pub fn add(&self, spec: FaultRuleSpec) -> Result<FaultRuleView, FaultRuleError> {
        spec.validate()?;
        let mut inner = self.lock();
        if inner.rules.len() >= MAX_RULES {
            return Err(invalid("/", format!("at most {MAX_RULES} rules; remove some first")));
        }
        inner.next_id = inner.next_id.saturating_add(1);
        let seed = spec.seed.unwrap_or_else(rand::random);
        let rule = Rule {
            id: inner.next_id,
            seed,
            rng: ChaCha8Rng::seed_from_u64(seed),
            spec,
            matched: 0,
            hits: 0,
        };
        let view = rule.view();
        inner.rules.push(rule);
        Ok(view)
    }

    /// Removes a rule; whether it existed.
    pub fn remove(&self, id: u64) -> bool {
        let mut inner = self.lock();
        let before = inner.rules.len();
        inner.rules.retain(|r| r.id != id);
        inner.rules.len() != before
    }

    /// Removes every rule (`None`) or the rules scoped to one tenant; how many went.
    pub fn clear(&self, mchid: Option<&str>) -> usize {
        let mut inner = self.lock();
        let before = inner.rules.len();
        match mchid {
            Some(m) => inner.rules.retain(|r| r.spec.mchid.as_deref() != Some(m)),
            None => inner.rules.clear(),
        }
        before - inner.rules.len()
    }

    /// Every rule, by id.
    pub fn list(&self) -> Vec<FaultRuleView> {
        self.lock().rules.iter().map(Rule::view).collect()
    }

    /// Decides the faults of one verified API request.
    pub fn on_request(&self, mchid: &str, method: &str, path: &str) -> RequestFaults {
        let mut out = RequestFaults::default();
        let mut inner = self.lock();
        for rule in inner.rules.iter_mut() {
            let spec = &rule.spec;
            let matches = !spec.effect.on_callbacks()
                && rule.tenant_matches(mchid)
                && spec.method.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(method))
                && spec.path.as_deref().is_none_or(|p| glob_match(p, path));
            if !matches || !rule.roll() {
                continue;
            }
            let id = rule.id;
            match &rule.spec.effect {
                FaultEffect::Latency { ms } => {
                    out.latency = out.latency.saturating_add(Duration::from_millis(*ms));
                    out.notes.push(format!("rule {id}: latency {ms} ms"));
                }
                FaultEffect::Error { status, code, message } if out.outcome.is_none() => {
                    let status =
                        StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                    out.notes.push(format!("rule {id}: error {} {code}", status.as_u16()));
                    out.outcome = Some(RequestFault::Error {
                        status,
                        code: code.clone(),
                        message: message.clone(),
                    });
                }
                FaultEffect::TimeoutAfterCommit { mode, delay_ms } if out.outcome.is_none() => {
                    let withhold = match mode {
                        WithholdMode::Delay => Withhold::Delay(Duration::from_millis(*delay_ms)),
                        WithholdMode::Drop => Withhold::Drop,
                    };
                    out.notes.push(match withhold {
                        Withhold::Delay(_) => {
                            format!("rule {id}: timeout after commit, answer delayed {delay_ms} ms")
                        }
                        Withhold::Drop => {
                            format!("rule {id}: timeout after commit, connection dropped")
                        }
                    });
                    out.outcome = Some(RequestFault::Withhold(withhold));
                }
                // A later terminal rule fired too, but an earlier one already decided.
                FaultEffect::Error { .. } | FaultEffect::TimeoutAfterCommit { .. } => {
                    out.notes.push(format!("rule {id}: fired, overridden by an earlier rule"));
                }
                FaultEffect::CallbackDrop
                | FaultEffect::CallbackDuplicate { .. }
                | FaultEffect::CallbackDelay { .. }
                | FaultEffect::SignatureProbe => {
                    unreachable!("callback effects are filtered out above")
                }
            }
        }
        out
    }

    /// Decides the faults of one moment of a callback's delivery (see [`CallbackPhase`]: each
    /// rule is consulted only in the phase it belongs to, so it draws once per occasion).
    pub fn on_callback(
        &self,
        mchid: &str,
        event_type: &str,
        phase: CallbackPhase,
    ) -> CallbackFaults {
        let mut out = CallbackFaults::default();
        let mut inner = self.lock();
        for rule in inner.rules.iter_mut() {
            let spec = &rule.spec;
            let in_phase = match (&spec.effect, phase) {
                (FaultEffect::CallbackDelay { .. }, CallbackPhase::BeforeFirst) => true,
                (FaultEffect::SignatureProbe, CallbackPhase::FirstAttempt) => true,
                (
                    FaultEffect::CallbackDrop | FaultEffect::CallbackDuplicate { .. },
                    CallbackPhase::FirstAttempt | CallbackPhase::Retry,
                ) => true,
                (
                    FaultEffect::CallbackDelay { .. }
                    | FaultEffect::SignatureProbe
                    | FaultEffect::CallbackDrop
                    | FaultEffect::CallbackDuplicate { .. }
                    | FaultEffect::Error { .. }
                    | FaultEffect::Latency { .. }
                    | FaultEffect::TimeoutAfterCommit { .. },
                    _,
                ) => false,
            };
            let matches = in_phase
                && rule.tenant_matches(mchid)
                && spec.event_type.as_deref().is_none_or(|p| glob_match(p, event_type));
            if !matches || !rule.roll() {
                continue;
            }
            let id = rule.id;
            match &rule.spec.effect {
                FaultEffect::CallbackDrop => {
                    out.drop = true;
                    out.notes.push(format!("rule {id}: attempt dropped"));
                }
                FaultEffect::CallbackDuplicate { copies } => {
                    out.duplicates = out.duplicates.saturating_add(*copies).min(MAX_DUPLICATES);
                    out.notes.push(format!("rule {id}: {copies} duplicate(s)"));
                }
                FaultEffect::CallbackDelay { secs } => {
                    out.delay_secs = Some(out.delay_secs.unwrap_or(0).saturating_add(*secs));
                    out.notes.push(format!("rule {id}: first attempt delayed {secs} s"));
                }
                FaultEffect::SignatureProbe => {
                    out.probe = true;
                    out.notes.push(format!("rule {id}: signature probe"));
                }
                FaultEffect::Error { .. }
                | FaultEffect::Latency { .. }
                | FaultEffect::TimeoutAfterCommit { .. } => {
                    unreachable!("API effects are never in a callback phase")
                }
            }
        }
        out
    }
}

/// The moments of a callback's delivery at which fault rules are consulted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CallbackPhase {
    /// Once, before the first attempt: `callback_delay`.
    BeforeFirst,
    /// The first attempt: `signature_probe`, `callback_drop`, `callback_duplicate`.
    FirstAttempt,
    /// Every later attempt: `callback_drop`, `callback_duplicate`.
    Retry,
}

/// Whether `text` matches `pattern`: `**` matches anything, `*` anything but `/`, every
/// other byte itself. O(len(pattern) × len(text)), no backtracking blow-up.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    #[derive(Clone, Copy, PartialEq)]
    enum Token {
        Any,
        Segment,
        Byte(u8),
    }
    let p = pattern.as_bytes();
    let mut tokens = Vec::with_capacity(p.len());
    let mut i = 0;
    while let Some(&b) = p.get(i) {
        if b == b'*' {
            if p.get(i + 1) == Some(&b'*') {
                tokens.push(Token::Any);
                i += 2;
            } else {
                tokens.push(Token::Segment);
                i += 1;
            }
        } else {
            tokens.push(Token::Byte(b));
            i += 1;
        }
    }
    // row[j]: whether the tokens so far match the first j bytes of text.
    let t = text.as_bytes();
    let mut row: Vec<bool> = std::iter::once(true).chain(t.iter().map(|_| false)).collect();
    for token in tokens {
        row = match token {
            Token::Byte(b) => std::iter::once(false)
                .chain(row.iter().zip(t).map(|(&r, &c)| r && c == b))
                .collect(),
            Token::Any | Token::Segment => {
                // next[j] = row[j] (the star matches nothing more), or next[j-1] and the star
                // also eats byte j-1.
                let mut carry = false;
                let eaten = std::iter::once(None).chain(t.iter().map(Some));
                row.iter()
                    .zip(eaten)
                    .map(|(&r, c)| {
                        let extends = carry && c.is_some_and(|&c| token == Token::Any || c != b'/');
                        carry = r || extends;
                        carry
                    })
                    .collect()
            }
        };
    }
    row.last().copied().unwrap_or(false)
}

/// Marks a response with the fault notes, for the journal.
#[derive(Clone, Debug)]
pub(crate) struct FaultNote(pub(crate) String);

/// The middleware on the API routes, inside the protocol layer (after verification, before
/// the handler): applies latency, injects errors, marks answers to withhold.
pub(crate) async fn layer(State(state): State<MockState>, req: Request, next: Next) -> Response {
    let Some(caller) = req.extensions().get::<Caller>().cloned() else {
        return next.run(req).await;
    };
    let decision =
        state.faults().on_request(caller.mchid(), req.method().as_str(), req.uri().path());
    if decision.notes.is_empty() {
        return next.run(req).await;
    }
    if !decision.latency.is_zero() {
        tokio::time::sleep(decision.latency).await;
    }
    let note = FaultNote(decision.notes.join("; "));
    let mut response = match decision.outcome {
        Some(RequestFault::Error { status, code, message }) => {
            ApiError::new(status, code, message).into_response()
        }
        Some(RequestFault::Withhold(withhold)) => {
            let mut response = next.run(req).await;
            response.extensions_mut().insert(withhold);
            response
        }
        None => next.run(req).await,
    };
    response.extensions_mut().insert(note);
    response
}

/// Withholds a finished (signed, journaled) answer as a rule asked.
pub(crate) async fn withhold(response: Response, withhold: Withhold) -> Response {
    match withhold {
        Withhold::Delay(delay) => {
            tokio::time::sleep(delay).await;
            response
        }
        Withhold::Drop => {
            // A body that fails at once makes hyper abort the connection instead of answering.
            let (parts, _) = response.into_parts();
            let failing = futures_util::stream::once(async {
                Err::<axum::body::Bytes, _>(std::io::Error::other(
                    "connection dropped by a fault rule",
                ))
            });
            Response::from_parts(parts, Body::from_stream(failing))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(effect: FaultEffect) -> FaultRuleSpec {
        FaultRuleSpec {
            mchid: None,
            method: None,
            path: None,
            event_type: None,
            probability: None,
            seed: Some(7),
            max_hits: None,
            effect,
        }
    }

    fn error500() -> FaultEffect {
        FaultEffect::Error {
            status: 500, code: "SYSTEM_ERROR".into(), message: "系统错误".into()
        }
    }

    // Proves the glob: `*` stays within a segment, `**` crosses them, other bytes are literal.
    #[test]
    fn glob_semantics() {
        assert!(glob_match("/v3/refund/**", "/v3/refund/domestic/refunds/R1"));
        assert!(glob_match("/v3/**", "/v3/"));
        assert!(glob_match("/v3/*/echo", "/v3/security/echo"));
        assert!(!glob_match("/v3/*/echo", "/v3/a/b/echo"));
        assert!(glob_match("/v3/certificates", "/v3/certificates"));
        assert!(!glob_match("/v3/certificates", "/v3/certificates/x"));
        assert!(glob_match("REFUND.*", "REFUND.SUCCESS"));
        assert!(!glob_match("REFUND.*", "TRANSACTION.SUCCESS"));
        assert!(glob_match("**", ""));
        assert!(glob_match(&"*".repeat(200), &"a".repeat(2000)), "no exponential backtracking");
    }

    // Proves the same seed fires at the same requests, probability is honoured roughly, and
    // max_hits caps the firings while every match still draws.
    #[test]
    fn seeded_rules_are_reproducible() {
        let run = |seed| {
            let faults = Faults::default();
            faults
                .add(FaultRuleSpec { probability: Some(0.5), seed: Some(seed), ..rule(error500()) })
                .unwrap();
            (0..200)
                .map(|_| faults.on_request("1", "GET", "/v3/certificates").outcome.is_some())
                .collect::<Vec<_>>()
        };
        let a = run(42);
        assert_eq!(a, run(42));
        assert_ne!(a, run(43));
        let fired = a.iter().filter(|f| **f).count();
        assert!((60..=140).contains(&fired), "p = 0.5 fired {fired} of 200");

        let faults = Faults::default();
        faults.add(FaultRuleSpec { max_hits: Some(2), ..rule(error500()) }).unwrap();
        let fired: Vec<bool> =
            (0..4).map(|_| faults.on_request("1", "GET", "/v3/x").outcome.is_some()).collect();
        assert_eq!(fired, [true, true, false, false]);
        let view = &faults.list()[0];
        assert_eq!((view.matched, view.hits, view.seed), (4, 2, 7));
    }

    // Proves matching by tenant, method and path, latency adding up and the first terminal
    // rule winning.
    #[test]
    fn matching_and_combining() {
        let faults = Faults::default();
        faults.add(FaultRuleSpec { mchid: Some("2".into()), ..rule(error500()) }).unwrap();
        faults
            .add(FaultRuleSpec {
                method: Some("post".into()),
                path: Some("/v3/security/*".into()),
                ..rule(FaultEffect::Latency { ms: 5 })
            })
            .unwrap();
        faults.add(rule(FaultEffect::Latency { ms: 7 })).unwrap();
        faults
            .add(rule(FaultEffect::TimeoutAfterCommit { mode: WithholdMode::Drop, delay_ms: 0 }))
            .unwrap();
        let d = faults.on_request("1", "POST", "/v3/security/echo");
        assert_eq!(d.latency, Duration::from_millis(12));
        assert_eq!(d.outcome, Some(RequestFault::Withhold(Withhold::Drop)));
        let d = faults.on_request("2", "GET", "/v3/certificates");
        assert_eq!(d.latency, Duration::from_millis(7));
        assert!(
            matches!(d.outcome, Some(RequestFault::Error { code, .. }) if code == "SYSTEM_ERROR")
        );
        assert_eq!(d.notes.len(), 3, "{:?}", d.notes);
        assert_eq!(faults.clear(Some("2")), 1);
        assert!(faults.remove(2));
        assert!(!faults.remove(2));
        assert_eq!(faults.list().len(), 2);
        assert_eq!(faults.clear(None), 2);
    }

    // Proves callback rules apply only to callbacks and each only in its phase: delays
    // before the first attempt, probes at the first attempt, drops and duplicates at any.
    #[test]
    fn callback_rules() {
        let faults = Faults::default();
        faults
            .add(FaultRuleSpec {
                event_type: Some("REFUND.*".into()),
                ..rule(FaultEffect::CallbackDrop)
            })
            .unwrap();
        faults.add(rule(FaultEffect::SignatureProbe)).unwrap();
        faults.add(rule(FaultEffect::CallbackDelay { secs: 60 })).unwrap();
        faults.add(rule(FaultEffect::CallbackDuplicate { copies: 2 })).unwrap();
        assert_eq!(faults.on_request("1", "GET", "/v3/x"), RequestFaults::default());
        let before = faults.on_callback("1", "REFUND.SUCCESS", CallbackPhase::BeforeFirst);
        assert_eq!(
            (before.delay_secs, before.drop, before.probe, before.duplicates),
            (Some(60), false, false, 0)
        );
        let first = faults.on_callback("1", "REFUND.SUCCESS", CallbackPhase::FirstAttempt);
        assert!(first.drop && first.probe && first.delay_secs.is_none());
        assert_eq!(first.duplicates, 2);
        let later = faults.on_callback("1", "TRANSACTION.SUCCESS", CallbackPhase::Retry);
        assert!(!later.drop && !later.probe && later.delay_secs.is_none());
        assert_eq!(later.duplicates, 2);
        let hits: Vec<u64> = faults.list().iter().map(|r| r.hits).collect();
        assert_eq!(hits, [1, 1, 1, 2]);
    }

    // Proves invalid rules are refused with the faulty member named.
    #[test]
    fn invalid_rules() {
        let faults = Faults::default();
        let bad = |spec: FaultRuleSpec| faults.add(spec).unwrap_err().field;
        assert_eq!(
            bad(FaultRuleSpec { probability: Some(1.5), ..rule(error500()) }),
            "/probability"
        );
        assert_eq!(
            bad(rule(FaultEffect::Error { status: 200, code: "X".into(), message: String::new() })),
            "/effect/status"
        );
        assert_eq!(bad(FaultRuleSpec { path: Some("v3".into()), ..rule(error500()) }), "/path");
        assert_eq!(
            bad(FaultRuleSpec { path: Some("/v3/**".into()), ..rule(FaultEffect::CallbackDrop) }),
            "/path"
        );
        assert_eq!(
            bad(FaultRuleSpec { event_type: Some("A".into()), ..rule(error500()) }),
            "/event_type"
        );
        assert_eq!(bad(rule(FaultEffect::Latency { ms: MAX_DELAY_MS + 1 })), "/effect");
        assert_eq!(bad(rule(FaultEffect::CallbackDelay { secs: 0 })), "/effect/secs");
        for _ in 0..MAX_RULES {
            faults.add(rule(error500())).unwrap();
        }
        assert_eq!(bad(rule(error500())), "/");
    }
}
