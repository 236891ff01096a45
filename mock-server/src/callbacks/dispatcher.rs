//! The background task that POSTs callbacks: waits for the outbox (a committed transaction
//! that enqueued), for a tenant's clock to move, or for the next due retry; claims what is
//! due; and sends each attempt in its own task, so a slow receiver delays no other.
//!
//! Each attempt is built afresh ([`build_callback`]): the same notification id and
//! `create_time` every time, a new encryption nonce, and a signature stamped with the
//! tenant's virtual time of the attempt (a retry three hours later must still be within the
//! receiver's ±5 minute window). Redirects are never followed: a 3xx is a failure.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::future::select_all;
use http_body_util::{BodyExt, Full, Limited};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tokio::task::{JoinHandle, JoinSet};

use super::{Attempt, AttemptKind, Callbacks, Claim, Round, DELIVERY_TIMEOUT};
use crate::faults::{CallbackFaults, CallbackPhase};
use crate::notification::{build_callback, CallbackSpec};
use crate::signing::REQUEST_ID;
use crate::state::MockState;
use crate::tenant::Tenant;

/// The `User-Agent` of callback POSTs.
pub const USER_AGENT: &str =
    concat!("wechatpay-mock/", env!("CARGO_PKG_VERSION"), " (callback dispatcher)");
/// Most attempts under way at once.
const MAX_IN_FLIGHT: usize = 64;
/// How much of a receiver's answer is read (and the first 256 bytes kept).
const MAX_ANSWER_BYTES: usize = 64 * 1024;
const KEPT_ANSWER_BYTES: usize = 256;
/// Longest sleep with nothing due: virtual time may also run on the base clock.
const IDLE_WAIT: Duration = Duration::from_secs(60);
/// Sleep when the next attempt is due within two virtual seconds: `now_unix` has whole
/// seconds only, so the dispatcher polls finely near the due time rather than overshoot.
const NEAR_WAIT: Duration = Duration::from_millis(100);

type HttpClient = Client<HttpConnector, Full<Bytes>>;

/// The running dispatcher; dropping it stops it (and the attempts under way).
#[derive(Debug)]
pub struct DispatcherHandle {
    task: JoinHandle<()>,
}

impl Drop for DispatcherHandle {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Starts the dispatcher of `state` on the current Tokio runtime. [`crate::serve`] does this;
/// call it yourself only when serving [`crate::app`] some other way. Run one per state.
///
/// # Panics
/// Outside a Tokio runtime.
pub fn spawn(state: MockState) -> DispatcherHandle {
    DispatcherHandle { task: tokio::spawn(run(state)) }
}

async fn run(state: MockState) {
    let mut connector = HttpConnector::new();
    connector.set_connect_timeout(Some(DELIVERY_TIMEOUT));
    let client: HttpClient = Client::builder(TokioExecutor::new()).build(connector);
    let mut sends = JoinSet::new();
    loop {
        while sends.try_join_next().is_some() {}
        let mut wait = IDLE_WAIT;
        for tenant in state.tenants().iter() {
            let Some(due) = state.store().read(tenant, |c: &Callbacks| c.next_due_unix()) else {
                continue;
            };
            let now = tenant.now_unix();
            let room = MAX_IN_FLIGHT.saturating_sub(sends.len());
            if due <= now && room > 0 {
                // Through `persist`: journaled in durable mode.
                let claims = crate::persist::claim_due(&state, tenant, room).await;
                for claim in claims {
                    sends.spawn(attempt(state.clone(), Arc::clone(tenant), client.clone(), claim));
                }
            }
            // What is left (or what was due but found no room) decides the sleep.
            if let Some(due) = state.store().read(tenant, |c: &Callbacks| c.next_due_unix()) {
                let ahead = due.saturating_sub(tenant.now_unix());
                let this = match u64::try_from(ahead.saturating_sub(1)) {
                    Ok(secs) if secs >= 1 => Duration::from_secs(secs),
                    _ => NEAR_WAIT,
                };
                wait = wait.min(this);
            }
        }
        // Any tenant's clock moving may make a retry due. The pending future keeps the list
        // non-empty (select_all needs one), though a state always has a tenant.
        let mut waits: Vec<Pin<Box<dyn Future<Output = ()> + Send + '_>>> =
            vec![Box::pin(std::future::pending())];
        waits.extend(state.tenants().iter().map(|t| {
            Box::pin(t.clock().changed().notified()) as Pin<Box<dyn Future<Output = ()> + Send>>
        }));
        let clocks = select_all(waits);
        tokio::select! {
            () = state.store().outbox().notified() => {}
            _ = clocks => {}
            () = tokio::time::sleep(wait) => {}
            Some(_) = sends.join_next(), if !sends.is_empty() => {}
        }
    }
}

/// One round for a claimed delivery: maybe postponed by a delay fault; else a probe if a
/// rule asks, the delivery attempt (or its loss), duplicates after a success; then recorded.
async fn attempt(state: MockState, tenant: Arc<Tenant>, client: HttpClient, claim: Claim) {
    let faults = state.faults();
    if claim.first && !claim.delayed {
        let before =
            faults.on_callback(&claim.mchid, &claim.event_type, CallbackPhase::BeforeFirst);
        if let Some(secs) = before.delay_secs {
            tracing::info!(target: "wechatpay_mock::callback", id = %claim.id, secs, "first attempt delayed by a fault rule");
            crate::persist::postpone(&state, &tenant, &claim, secs).await;
            return;
        }
    }
    let phase = if claim.first { CallbackPhase::FirstAttempt } else { CallbackPhase::Retry };
    let decided: CallbackFaults = faults.on_callback(&claim.mchid, &claim.event_type, phase);
    let note = (!decided.notes.is_empty()).then(|| decided.notes.join("; "));
    let mut attempts = Vec::new();
    if decided.probe {
        let probe = send(&client, &tenant, &claim, AttemptKind::Probe, note.clone()).await;
        if probe.success {
            tracing::warn!(target: "wechatpay_mock::callback", url = %claim.notify_url, "the receiver accepted a signature probe (Wechatpay-Signature WECHATPAY/SIGNTEST/…): it does not verify callback signatures");
        }
        attempts.push(probe);
    }
    let at_unix = tenant.now_unix();
    let main = if decided.drop {
        Attempt {
            number: 0,
            kind: AttemptKind::Delivery,
            at_unix,
            latency_ms: 0,
            status: None,
            error: Some("lost on the way by a fault rule: not sent".into()),
            success: false,
            response_body: None,
            fault: note.clone(),
            request_id: None,
        }
    } else {
        send(&client, &tenant, &claim, AttemptKind::Delivery, note.clone()).await
    };
    let delivered = main.success;
    attempts.push(main);
    if delivered {
        for _ in 0..decided.duplicates {
            attempts
                .push(send(&client, &tenant, &claim, AttemptKind::Duplicate, note.clone()).await);
        }
    }
    let max_attempts = tenant.callback_policy().max_attempts;
    let round = Round { attempts, delivered, at_unix };
    crate::persist::record_round(&state, &tenant, &claim, round, max_attempts).await;
}

fn failure(kind: AttemptKind, at_unix: i64, started: Instant, error: String) -> Attempt {
    Attempt {
        number: 0,
        kind,
        at_unix,
        latency_ms: elapsed_ms(started),
        status: None,
        error: Some(error),
        success: false,
        response_body: None,
        fault: None,
        request_id: None,
    }
}

fn elapsed_ms(started: Instant) -> u64 {
    u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// Builds, signs and POSTs one attempt; never fails, the attempt says what happened.
async fn send(
    client: &HttpClient,
    tenant: &Arc<Tenant>,
    claim: &Claim,
    kind: AttemptKind,
    fault: Option<String>,
) -> Attempt {
    let started = Instant::now();
    let at_unix = tenant.now_unix();
    let mut attempt = send_inner(client, tenant, claim, kind, at_unix, started).await;
    attempt.fault = fault;
    tracing::info!(
        target: "wechatpay_mock::callback",
        id = %claim.id, kind = ?attempt.kind, url = %claim.notify_url, event_type = %claim.event_type,
        status = attempt.status, error = attempt.error.as_deref().unwrap_or("-"), latency_ms = attempt.latency_ms,
        "callback attempt"
    );
    attempt
}

async fn send_inner(
    client: &HttpClient,
    tenant: &Arc<Tenant>,
    claim: &Claim,
    kind: AttemptKind,
    at_unix: i64,
    started: Instant,
) -> Attempt {
    let https = claim
        .notify_url
        .parse::<http::Uri>()
        .ok()
        .is_some_and(|u| u.scheme_str().is_some_and(|s| s.eq_ignore_ascii_case("https")));
    if https {
        return failure(
            kind,
            at_unix,
            started,
            "the mock POSTs callbacks over plain HTTP only: use an http:// notify_url for a local receiver".into(),
        );
    }
    // Signing takes about a millisecond of CPU: off the runtime's workers (see
    // `SigningKey::sign_off_runtime`).
    let (owned_tenant, owned_claim) = (Arc::clone(tenant), claim.clone());
    let built = tokio::task::spawn_blocking(move || {
        let claim = owned_claim;
        let spec = CallbackSpec {
            original_type: Some(&claim.original_type),
            summary: claim.summary.as_deref(),
            id: Some(&claim.notification_id),
            create_time_unix: Some(claim.created_unix),
            ..CallbackSpec::new(&claim.event_type, &claim.resource_json)
        };
        build_callback(&spec, owned_tenant.apiv3_key(), owned_tenant.response_key(None), at_unix)
            .map_err(|e| e.to_string())
    })
    .await
    .unwrap_or_else(|_| Err("the signing task did not run".to_owned()));
    let signed = match built {
        Ok(s) if kind == AttemptKind::Probe => s.into_signature_probe(),
        Ok(s) => s,
        Err(e) => {
            return failure(kind, at_unix, started, format!("callback could not be built: {e}"))
        }
    };
    let request_id = hex::encode_upper(rand::random::<[u8; 20]>());
    let mut builder = http::Request::post(&claim.notify_url)
        .header(http::header::USER_AGENT, USER_AGENT)
        .header(http::header::ACCEPT, "*/*")
        .header(REQUEST_ID, &request_id);
    for (name, value) in signed.headers() {
        builder = builder.header(name, value);
    }
    let request = match builder.body(Full::new(Bytes::from(signed.body))) {
        Ok(r) => r,
        Err(e) => {
            return failure(kind, at_unix, started, format!("request could not be built: {e}"))
        }
    };
    let exchange = async {
        let response = client.request(request).await.map_err(|e| describe(&e))?;
        let status = response.status().as_u16();
        let body = Limited::new(response.into_body(), MAX_ANSWER_BYTES)
            .collect()
            .await
            .map(|c| c.to_bytes())
            .map_err(|e| format!("answer could not be read: {e}"))?;
        Ok::<_, String>((status, body))
    };
    let mut attempt = match tokio::time::timeout(DELIVERY_TIMEOUT, exchange).await {
        Ok(Ok((status, body))) => {
            let kept = body.get(..KEPT_ANSWER_BYTES).unwrap_or(&body);
            Attempt {
                number: 0,
                kind,
                at_unix,
                latency_ms: elapsed_ms(started),
                status: Some(status),
                error: (300..400).contains(&status).then(|| "redirects are not followed".into()),
                success: status == 200 || status == 204,
                response_body: (!kept.is_empty())
                    .then(|| String::from_utf8_lossy(kept).into_owned()),
                fault: None,
                request_id: None,
            }
        }
        Ok(Err(error)) => failure(kind, at_unix, started, error),
        Err(_) => failure(
            kind,
            at_unix,
            started,
            format!("no answer within {} s", DELIVERY_TIMEOUT.as_secs()),
        ),
    };
    attempt.request_id = Some(request_id);
    attempt
}

/// The error and its causes in one line (hyper's own text is terse).
fn describe(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
