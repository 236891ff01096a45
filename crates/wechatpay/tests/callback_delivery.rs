//! Callback delivery is at-least-once across WeChat Pay's whole retry schedule, and the
//! example's handler (examples/support/notify_handler.rs, the one `callback_server` serves)
//! processes each notification exactly once.
//!
//! A real payment on the in-process mock sends `TRANSACTION.SUCCESS` to the handler. In
//! between, the mock's fault rules send a signature probe and lose attempts on the way, and a
//! "lossy proxy" in front of the handler replaces its 2xx answers by 500 (the handler acted,
//! the acknowledgement never reached WeChat Pay). The test moves the mock's virtual clock
//! through each wait of the schedule (15 s, 15 s, 30 s, 3 min … 6 h).

#[path = "../examples/support/admin.rs"]
mod admin;
#[path = "../examples/support/mock_client.rs"]
mod mock_client;
#[path = "../examples/support/notify_handler.rs"]
mod notify_handler;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use notify_handler::{describe, OnEvent, Receiver, NOTIFY_PATH};
use serde_json::json;
use wechatpay::crypto::FixedClock;
use wechatpay::notify::{Event, Verified};
use wechatpay::payments::models::CombinePrepayRequest;
use wechatpay_mock::callbacks::{
    retry_delay_secs, AttemptKind, Callbacks, Delivery, DeliveryStatus, RETRY_SCHEDULE_SECS,
};
use wechatpay_mock::faults::{FaultEffect, FaultRuleSpec};
use wechatpay_mock::MockServer;

type Failure = Box<dyn std::error::Error + Send + Sync>;

/// 2026-01-05T10:00:00+08:00.
const T0: i64 = 1_767_578_400;
/// Attempts per delivery cycle: the tenant's default policy, one more than the schedule's waits.
const MAX_ATTEMPTS: u32 = 16;
/// Attempts the fault rule loses before they are sent.
const DROPPED: u64 = 3;
/// Copies the mock sends after the delivery succeeds.
const DUPLICATES: u32 = 2;
/// How long to wait for the dispatcher to finish a round (it starts one as soon as the clock
/// moves; this only bounds a hang).
const ROUND_WAIT: Duration = Duration::from_secs(20);

/// The application behind the handler: records what it acted on.
#[derive(Default)]
struct Recorder {
    acted: Mutex<Vec<(String, String)>>,
}

impl OnEvent for Recorder {
    fn on_event(&self, notification: &Verified<Event>) -> Result<(), String> {
        let mut acted = self.acted.lock().map_err(|_| "poisoned".to_owned())?;
        acted.push((notification.id().to_owned(), describe(notification)));
        Ok(())
    }
}

/// A proxy in front of the handler that loses answers: while `lose` is above 0, a 2xx the
/// handler gave is replaced by 500 (and `lose` counts down); `u32::MAX` loses every one.
/// It counts the verified callbacks that reached the handler (those it answered 2xx).
#[derive(Default)]
struct LossyProxy {
    lose: AtomicU32,
    handled: AtomicU32,
}

async fn lossy(State(proxy): State<Arc<LossyProxy>>, request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if !response.status().is_success() {
        return response;
    }
    proxy.handled.fetch_add(1, Ordering::SeqCst);
    let lost = proxy
        .lose
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| match n {
            0 => None,
            u32::MAX => Some(u32::MAX),
            n => Some(n - 1),
        })
        .is_ok();
    if lost {
        (StatusCode::INTERNAL_SERVER_ERROR, "answer lost by the proxy").into_response()
    } else {
        response
    }
}

fn cart(no: &str, sub_mchid: &str, notify_url: &str) -> CombinePrepayRequest {
    mock_client::one_seller_cart(no, sub_mchid, 2_000, notify_url)
}

struct Setup {
    mock: MockServer,
    client: wechatpay::Client,
    recorder: Arc<Recorder>,
    proxy: Arc<LossyProxy>,
    notify_url: String,
    seller: String,
}

async fn setup() -> Result<Setup, Failure> {
    let mock = MockServer::builder().clock(Arc::new(FixedClock::new(T0))).start().await?;
    let client = mock_client::client_for(&mock).map_err(|e| e.to_string())?;
    client.transport().refresh_certificates().await?;
    let recorder = Arc::new(Recorder::default());
    let proxy = Arc::new(LossyProxy::default());
    let app = Receiver::new(client.notify_parser()?, recorder.clone())
        .router()
        .layer(from_fn_with_state(proxy.clone(), lossy));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let notify_url = format!("http://{}{NOTIFY_PATH}", listener.local_addr()?);
    tokio::spawn(async move { axum::serve(listener, app).await });
    let seller = mock.identity().sub_mchids.first().cloned().ok_or("no seeded sub-merchant")?;
    Ok(Setup { mock, client, recorder, proxy, notify_url, seller })
}

impl Setup {
    /// Creates and pays a cart: the mock enqueues its `TRANSACTION.SUCCESS` callback.
    async fn pay(&self, no: &str) -> Result<(), Failure> {
        self.client.combine().prepay_native(&cart(no, &self.seller, &self.notify_url)).await?;
        // The payer pays (the mock's admin API plays the payer).
        let admin = admin::Admin::new(&self.mock.base_url())?;
        admin.call("POST", "/payments/pay", &json!({ "combine_out_trade_no": no })).await?;
        Ok(())
    }

    /// The delivery of the cart's callback, once it exists.
    fn delivery(&self, no: &str) -> Option<Delivery> {
        let tenant = self.mock.state().tenants().default_tenant();
        self.mock
            .state()
            .store()
            .read(tenant, |c: &Callbacks| c.iter().find(|d| d.resource_json.contains(no)).cloned())
    }

    /// Waits until the delivery has finished `rounds` rounds and none is under way.
    async fn after_round(&self, no: &str, rounds: u32) -> Result<Delivery, Failure> {
        let deadline = tokio::time::Instant::now() + ROUND_WAIT;
        loop {
            if let Some(d) = self.delivery(no) {
                if d.cycle_attempts >= rounds && d.status != DeliveryStatus::InFlight {
                    return Ok(d);
                }
            }
            if tokio::time::Instant::now() >= deadline {
                return Err(format!(
                    "round {rounds} of {no} did not finish: {:?}",
                    self.delivery(no)
                )
                .into());
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Drives the delivery through `rounds` rounds, moving the virtual clock by each wait of
    /// the schedule; returns the delivery after the last.
    async fn drive(&self, no: &str, rounds: u32) -> Result<Delivery, Failure> {
        let tenant = self.mock.state().tenants().default_tenant();
        let mut d = self.after_round(no, 1).await?;
        for round in 1..rounds {
            if d.status != DeliveryStatus::Pending {
                break;
            }
            tenant.clock().advance(retry_delay_secs(round))?;
            d = self.after_round(no, round + 1).await?;
        }
        Ok(d)
    }

    /// Moves the clock past the rest of the schedule and a day more, and reads the delivery:
    /// nothing may be attempted any more.
    async fn a_day_later(&self, no: &str) -> Result<Delivery, Failure> {
        let tenant = self.mock.state().tenants().default_tenant();
        let day: i64 = RETRY_SCHEDULE_SECS.iter().sum::<i64>() + 86_400;
        tenant.clock().advance(day)?;
        // The dispatcher wakes on the clock change; give it the time of several rounds.
        tokio::time::sleep(Duration::from_millis(500)).await;
        self.delivery(no).ok_or_else(|| format!("delivery of {no} vanished").into())
    }

    fn acted(&self) -> Vec<(String, String)> {
        self.recorder.acted.lock().map(|a| a.clone()).unwrap_or_default()
    }
}

fn deliveries(d: &Delivery) -> usize {
    d.attempts.iter().filter(|a| a.kind == AttemptKind::Delivery).count()
}

// Proves at-least-once delivery and exactly-once processing: the mock attempts the callback
// on every round of its schedule until one is acknowledged (the 16th, the last allowed), the
// handler acts on it once although 13 copies reach it (12 whose answer is lost, the
// acknowledged one, and the mock's duplicates), and after the acknowledgement the mock stops.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retried_until_acknowledged_and_processed_once() -> Result<(), Failure> {
    let s = setup().await?;
    let rules =
        [FaultEffect::SignatureProbe, FaultEffect::CallbackDuplicate { copies: DUPLICATES }]
            .into_iter()
            .map(|effect| (effect, None))
            .chain([(FaultEffect::CallbackDrop, Some(DROPPED))]);
    for (effect, max_hits) in rules {
        s.mock.state().faults().add(FaultRuleSpec {
            mchid: None,
            method: None,
            path: None,
            event_type: Some("TRANSACTION.SUCCESS".into()),
            probability: None,
            seed: Some(1),
            max_hits,
            effect,
        })?;
    }
    // Attempts 1–3 are lost on the way, 4–15 reach the handler but their answers are lost,
    // the 16th is acknowledged.
    let lost_answers = MAX_ATTEMPTS - 1 - u32::try_from(DROPPED)?;
    s.proxy.lose.store(lost_answers, Ordering::SeqCst);
    s.pay("PCB20260105000001").await?;

    let d = s.drive("PCB20260105000001", MAX_ATTEMPTS).await?;
    assert_eq!(d.status, DeliveryStatus::Delivered, "{d:?}");
    assert_eq!(d.cycle_attempts, MAX_ATTEMPTS, "every round of the schedule was used");
    assert_eq!(deliveries(&d), usize::try_from(MAX_ATTEMPTS)?, "one delivery attempt a round");
    let dropped =
        d.attempts.iter().filter(|a| a.kind == AttemptKind::Delivery && a.status.is_none()).count();
    assert_eq!(dropped, usize::try_from(DROPPED)?, "the drop rule lost the first attempts");
    let last = d.attempts.iter().filter(|a| a.kind == AttemptKind::Delivery).last();
    assert_eq!(last.and_then(|a| a.status), Some(204), "the last delivery was acknowledged");
    let probes = d.attempts.iter().filter(|a| a.kind == AttemptKind::Probe).collect::<Vec<_>>();
    assert_eq!(probes.len(), 1, "one signature probe before the first attempt");
    assert!(probes.iter().all(|p| !p.success), "the handler refused the forged probe");
    let copies = d.attempts.iter().filter(|a| a.kind == AttemptKind::Duplicate).collect::<Vec<_>>();
    assert_eq!(copies.len(), usize::try_from(DUPLICATES)?, "the mock sent its duplicates");
    assert!(
        copies.iter().all(|c| c.success),
        "copies of a processed notification are acknowledged"
    );
    let times: Vec<i64> =
        d.attempts.iter().filter(|a| a.kind == AttemptKind::Delivery).map(|a| a.at_unix).collect();
    let waits: Vec<i64> = times.windows(2).map(|w| w[1] - w[0]).collect();
    assert_eq!(waits, RETRY_SCHEDULE_SECS.to_vec(), "attempts followed WeChat Pay's schedule");

    let reached = s.proxy.handled.load(Ordering::SeqCst);
    assert_eq!(reached, lost_answers + 1 + DUPLICATES, "copies that reached the handler");
    let acted = s.acted();
    assert_eq!(acted.len(), 1, "processed exactly once: {acted:?}");
    assert_eq!(acted[0].0, d.notification_id);
    assert!(acted[0].1.contains("PCB20260105000001"), "{acted:?}");

    let later = s.a_day_later("PCB20260105000001").await?;
    assert_eq!(later.attempts.len(), d.attempts.len(), "no attempt after the acknowledgement");
    assert_eq!(later.status, DeliveryStatus::Delivered);
    assert_eq!(later.next_attempt_unix, None);
    assert_eq!(s.acted().len(), 1);
    Ok(())
}

// Proves the other end of the schedule: a notification whose every answer is lost is
// attempted 16 times, processed once, then given up (failed), and the mock stops.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn never_acknowledged_stops_after_the_schedule_and_is_processed_once() -> Result<(), Failure>
{
    let s = setup().await?;
    s.proxy.lose.store(u32::MAX, Ordering::SeqCst);
    s.pay("PCB20260105000002").await?;

    let d = s.drive("PCB20260105000002", MAX_ATTEMPTS).await?;
    assert_eq!(d.status, DeliveryStatus::Failed, "{d:?}");
    assert_eq!(deliveries(&d), usize::try_from(MAX_ATTEMPTS)?);
    assert!(d.attempts.iter().all(|a| a.status == Some(500)), "every answer was lost");
    assert_eq!(
        s.proxy.handled.load(Ordering::SeqCst),
        MAX_ATTEMPTS,
        "each attempt reached the handler"
    );
    let acted = s.acted();
    assert_eq!(acted.len(), 1, "processed exactly once: {acted:?}");
    assert_eq!(acted[0].0, d.notification_id);

    let later = s.a_day_later("PCB20260105000002").await?;
    assert_eq!(later.attempts.len(), d.attempts.len(), "no attempt after the schedule ended");
    assert_eq!(later.next_attempt_unix, None);
    Ok(())
}
