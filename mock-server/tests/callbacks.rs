//! The callback dispatcher over loopback: a receiver (an axum server on 127.0.0.1:0) that
//! verifies and decrypts every callback with wechatpay-notify, as a merchant's server would;
//! retries driven by the tenant's virtual clock; the tenant's callback policy; and the
//! callback fault rules (probe, drop, duplicate, delay).

mod support;

use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use serde_json::{json, Value};
use wechatpay_crypto::FixedClock;
use wechatpay_mock::callbacks::{
    AttemptKind, Callbacks, Delivery, DeliveryId, DeliveryStatus, NewCallback,
};
use wechatpay_mock::config::CallbackPolicy;
use wechatpay_mock::{MockConfig, MockServer, TenantConfig};
use wechatpay_notify::{Event, NotifyParser};

use support::{admin, wait_for};

/// A pinned base time for the virtual-clock tests: 2025-01-01T11:00:00+08:00.
const T0: i64 = 1_735_700_400;

/// What the receiver saw of one POST.
#[derive(Clone, Debug)]
struct Seen {
    headers: HeaderMap,
    /// The notification id and the decrypted resource, or why wechatpay-notify refused it.
    result: Result<(String, Value), String>,
    probe: bool,
    /// Whether the typed parse found a partner payment (the fixture's event).
    typed_payment: bool,
}

#[derive(Clone)]
struct Receiver {
    parser: NotifyParser,
    answer: Arc<AtomicU16>,
    seen: Arc<Mutex<Vec<Seen>>>,
    url: String,
}

impl Receiver {
    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }

    fn answer_with(&self, status: u16) {
        self.answer.store(status, Ordering::SeqCst);
    }
}

async fn receive(State(r): State<Receiver>, headers: HeaderMap, body: Bytes) -> Response {
    let parsed = r.parser.parse_as::<Value>(&headers, &body);
    let typed_payment = matches!(
        r.parser.parse(&headers, &body).map(|v| v.into_resource()),
        Ok(Event::PartnerTransactionSuccess(_))
    );
    let (reply, seen) = match parsed {
        Ok(v) => {
            let status = StatusCode::from_u16(r.answer.load(Ordering::SeqCst)).unwrap();
            let reply = Response::builder().status(status).body(Body::empty()).unwrap();
            let result = Ok((v.id().to_owned(), v.resource().clone()));
            (reply, Seen { headers, result, probe: false, typed_payment })
        }
        Err(e) => {
            let (parts, body) = e.reply().into_parts();
            let seen = Seen {
                headers,
                result: Err(e.to_string()),
                probe: e.is_sign_test_probe(),
                typed_payment,
            };
            (Response::from_parts(parts, Body::from(body)), seen)
        }
    };
    r.seen.lock().unwrap().push(seen);
    reply
}

/// Starts a receiver that verifies with what the mock's default tenant publishes, on the
/// tenant's virtual clock, and answers `answer` to callbacks that verify.
async fn receiver(mock: &MockServer, answer: u16) -> Receiver {
    let id = mock.identity();
    let clock = mock.state().tenants().default_tenant().clock().clone();
    let parser = NotifyParser::new(id.verifier().unwrap(), id.api_v3_key().unwrap())
        .with_clock(Arc::new(clock));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let r = Receiver {
        parser,
        answer: Arc::new(AtomicU16::new(answer)),
        seen: Arc::new(Mutex::new(Vec::new())),
        url: format!("http://{addr}/wxpay/notify"),
    };
    let app = Router::new().route("/wxpay/notify", post(receive)).with_state(r.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    r
}

fn payment_fixture() -> (String, Value) {
    let vectors: Value =
        serde_json::from_str(include_str!("../../fixtures/vectors/notify_vectors.json")).unwrap();
    let n01 = &vectors["cases"][0];
    let body: Value = serde_json::from_str(n01["body"].as_str().unwrap()).unwrap();
    let plaintext: Value = serde_json::from_str(n01["plaintext"].as_str().unwrap()).unwrap();
    (body["event_type"].as_str().unwrap().to_owned(), plaintext)
}

async fn send_test_callback(mock: &MockServer, url: &str) -> DeliveryId {
    let (event_type, resource) = payment_fixture();
    let (status, answer) = admin(
        mock,
        "POST",
        "/callbacks",
        Some(json!({"notify_url": url, "event_type": event_type, "resource": resource})),
    )
    .await;
    assert_eq!(status, 200, "{answer}");
    DeliveryId(answer["id"].as_u64().unwrap())
}

fn delivery(mock: &MockServer, id: DeliveryId) -> Delivery {
    let tenant = mock.state().tenants().default_tenant();
    mock.state().store().read(tenant, |c: &Callbacks| c.get(id).cloned()).unwrap()
}

async fn wait_attempts(mock: &MockServer, id: DeliveryId, n: usize) -> Delivery {
    wait_for(&format!("{n} attempts of delivery {id}"), || {
        let d = delivery(mock, id);
        (d.attempts.len() >= n && d.status != DeliveryStatus::InFlight).then_some(d)
    })
    .await
}

async fn fixed_clock_mock(config: MockConfig) -> MockServer {
    MockServer::builder().config(config).clock(Arc::new(FixedClock::new(T0))).start().await.unwrap()
}

// Proves a test callback reaches a receiver signed, encrypted and with the real headers:
// wechatpay-notify verifies and decrypts it to the exact resource (and types it as a partner
// payment), the receiver's 200 marks it delivered, and the admin listing shows the attempt.
#[tokio::test]
async fn delivered_callback_verifies_and_decrypts() {
    let mock = MockServer::start().await;
    let r = receiver(&mock, 200).await;
    let id = send_test_callback(&mock, &r.url).await;
    let d = wait_for("delivery", || {
        let d = delivery(&mock, id);
        (d.status == DeliveryStatus::Delivered).then_some(d)
    })
    .await;
    let seen = r.seen();
    assert_eq!(seen.len(), 1);
    let (notification_id, resource) = seen[0].result.clone().unwrap();
    assert_eq!(notification_id, d.notification_id);
    assert_eq!(resource, payment_fixture().1);
    assert!(seen[0].typed_payment);
    let h = &seen[0].headers;
    assert_eq!(h["content-type"], "application/json");
    assert!(h["user-agent"].to_str().unwrap().starts_with("wechatpay-mock/"));
    assert_eq!(h["wechatpay-signature-type"], "WECHATPAY2-SHA256-RSA2048");
    assert_eq!(h["request-id"].len(), 40);
    let a = &d.attempts[0];
    assert_eq!(
        (a.number, a.kind, a.status, a.success),
        (1, AttemptKind::Delivery, Some(200), true)
    );
    assert_eq!(a.request_id.as_deref(), h["request-id"].to_str().ok());

    let (status, listing) = admin(&mock, "GET", "/callbacks?status=delivered", None).await;
    assert_eq!(status, 200);
    assert_eq!(listing[0]["id"], id.0);
    assert_eq!(listing[0]["attempts"][0]["status"], 200);
    assert_eq!(listing[0]["next_attempt_unix"], Value::Null);
}

// Proves a receiver answering 500 is retried on WeChat Pay's schedule counted on the virtual
// clock: each advance of the clock (15 s, 15 s, 30 s, 3 min) releases exactly the next
// attempt, each re-signed at the attempt's virtual time with the same notification id, until
// the receiver answers 204.
#[tokio::test]
async fn failing_receiver_is_retried_on_the_virtual_schedule() {
    let mock = fixed_clock_mock(MockConfig::default()).await;
    let r = receiver(&mock, 500).await;
    let id = send_test_callback(&mock, &r.url).await;
    let mut expected_at = vec![T0];
    let d = wait_attempts(&mock, id, 1).await;
    assert_eq!((d.status, d.next_attempt_unix), (DeliveryStatus::Pending, Some(T0 + 15)));
    for (n, step) in [(2, 15), (3, 15), (4, 30)] {
        let (status, _) = admin(&mock, "POST", "/clock/advance", Some(json!({"secs": step}))).await;
        assert_eq!(status, 200);
        expected_at.push(expected_at.last().unwrap() + step);
        let d = wait_attempts(&mock, id, n).await;
        assert_eq!(d.attempts.len(), n, "one attempt per due time");
        assert_eq!(d.status, DeliveryStatus::Pending);
    }
    assert_eq!(delivery(&mock, id).next_attempt_unix, Some(T0 + 60 + 180));
    r.answer_with(204);
    mock.state().tenants().default_tenant().clock().advance(180).unwrap();
    expected_at.push(T0 + 240);
    let d = wait_for("delivered", || {
        let d = delivery(&mock, id);
        (d.status == DeliveryStatus::Delivered).then_some(d)
    })
    .await;
    let statuses: Vec<Option<u16>> = d.attempts.iter().map(|a| a.status).collect();
    assert_eq!(statuses, [Some(500), Some(500), Some(500), Some(500), Some(204)]);
    assert_eq!(d.attempts.iter().map(|a| a.at_unix).collect::<Vec<_>>(), expected_at);
    let seen = r.seen();
    assert_eq!(seen.len(), 5);
    for (s, at) in seen.iter().zip(&expected_at) {
        assert_eq!(s.result.as_ref().unwrap().0, d.notification_id, "same id on every attempt");
        assert_eq!(s.headers["wechatpay-timestamp"], at.to_string());
    }
}

fn policy_config(policy: CallbackPolicy) -> MockConfig {
    MockConfig {
        tenants: vec![TenantConfig { callback: policy, ..TenantConfig::builtin() }],
        ..MockConfig::default()
    }
}

// Proves max_attempts ends the retries (status failed, nothing more due) and an admin
// redelivery starts a new cycle that reaches the now healthy receiver.
#[tokio::test]
async fn gives_up_after_max_attempts_and_redelivers() {
    let mock =
        fixed_clock_mock(policy_config(CallbackPolicy { deliver: true, max_attempts: 2 })).await;
    let r = receiver(&mock, 503).await;
    let id = send_test_callback(&mock, &r.url).await;
    wait_attempts(&mock, id, 1).await;
    mock.state().tenants().default_tenant().clock().advance(15).unwrap();
    let d = wait_for("failed", || {
        let d = delivery(&mock, id);
        (d.status == DeliveryStatus::Failed).then_some(d)
    })
    .await;
    assert_eq!((d.attempts.len(), d.next_attempt_unix, d.cycle_attempts), (2, None, 2));
    r.answer_with(200);
    let (status, answer) = admin(&mock, "POST", &format!("/callbacks/{id}/redeliver"), None).await;
    assert_eq!((status, answer["status"].as_str()), (200, Some("pending")));
    let d = wait_for("redelivered", || {
        let d = delivery(&mock, id);
        (d.status == DeliveryStatus::Delivered).then_some(d)
    })
    .await;
    assert_eq!(d.attempts.len(), 3);
    assert_eq!(r.seen().len(), 3);
    let (status, _) =
        admin(&mock, "POST", &format!("/callbacks/{id}/redeliver"), Some(json!({}))).await;
    assert_eq!(status, 200, "a delivered callback can be sent again");
    let (status, _) = admin(&mock, "POST", "/callbacks/99/redeliver", None).await;
    assert_eq!(status, 404);
}

// Proves a tenant whose policy says deliver = false only records its notifications.
#[tokio::test]
async fn policy_without_delivery_only_records() {
    let mock = MockServer::builder()
        .config(policy_config(CallbackPolicy { deliver: false, max_attempts: 16 }))
        .start()
        .await
        .unwrap();
    let id = send_test_callback(&mock, "http://127.0.0.1:9/notify").await;
    let d = delivery(&mock, id);
    assert_eq!(
        (d.status, d.attempts.len(), d.next_attempt_unix),
        (DeliveryStatus::Recorded, 0, None)
    );
}

// Proves a request that enqueued a notification and then failed leaves nothing in the outbox,
// while a committed one is delivered.
#[tokio::test]
async fn rolled_back_transaction_sends_nothing() {
    let mock = MockServer::start().await;
    let r = receiver(&mock, 200).await;
    let tenant = mock.state().tenants().default_tenant().clone();
    let (event_type, resource) = payment_fixture();
    let cb = || NewCallback::from_resource(r.url.clone(), event_type.clone(), &resource).unwrap();
    let failed: Result<(), &str> = mock.state().store().transact(&tenant, |tx| {
        tx.enqueue_callback(cb()).unwrap();
        Err("a later business rule failed")
    });
    assert!(failed.is_err());
    assert!(mock.state().store().read(&tenant, |c: &Callbacks| c.is_empty()));
    let id = mock.state().store().transact(&tenant, |tx| tx.enqueue_callback(cb())).unwrap();
    wait_for("delivery", || {
        (delivery(&mock, id).status == DeliveryStatus::Delivered).then_some(())
    })
    .await;
    assert_eq!(r.seen().len(), 1, "only the committed notification was sent");
    assert_eq!(id, DeliveryId(1));
}

// Proves an https notify_url fails each attempt with a clear reason rather than silently.
#[tokio::test]
async fn https_notify_url_is_a_failed_attempt() {
    let mock = fixed_clock_mock(MockConfig::default()).await;
    let id = send_test_callback(&mock, "https://127.0.0.1:9/notify").await;
    let d = wait_attempts(&mock, id, 1).await;
    assert!(d.attempts[0].error.as_deref().unwrap().contains("plain HTTP"), "{d:?}");
    assert_eq!(d.next_attempt_unix, Some(T0 + 15));
}

async fn add_rule(mock: &MockServer, rule: Value) {
    let (status, answer) = admin(mock, "POST", "/faults", Some(rule)).await;
    assert_eq!(status, 200, "{answer}");
}

// Proves a signature_probe rule sends a WECHATPAY/SIGNTEST/ probe first, which a verifying
// receiver refuses (recorded as probe_accepted = false), and then the real callback.
#[tokio::test]
async fn signature_probe_before_first_attempt() {
    let mock = MockServer::start().await;
    let r = receiver(&mock, 200).await;
    add_rule(&mock, json!({"event_type": "TRANSACTION.*", "effect": {"type": "signature_probe"}}))
        .await;
    let id = send_test_callback(&mock, &r.url).await;
    let d = wait_for("delivery", || {
        let d = delivery(&mock, id);
        (d.status == DeliveryStatus::Delivered).then_some(d)
    })
    .await;
    assert_eq!(d.probe_accepted, Some(false));
    let kinds: Vec<AttemptKind> = d.attempts.iter().map(|a| a.kind).collect();
    assert_eq!(kinds, [AttemptKind::Probe, AttemptKind::Delivery]);
    assert!(!d.attempts[0].success && d.attempts[0].fault.is_some());
    let seen = r.seen();
    assert_eq!(seen.len(), 2);
    assert!(seen[0].probe, "{:?}", seen[0].result);
    assert!(seen[0].headers["wechatpay-signature"]
        .to_str()
        .unwrap()
        .starts_with("WECHATPAY/SIGNTEST/"));
    assert!(seen[1].result.is_ok());
}

// Proves a callback_drop rule loses the first attempt (the receiver sees nothing) and the
// retry after 15 virtual seconds delivers it.
#[tokio::test]
async fn dropped_attempt_is_retried() {
    let mock = fixed_clock_mock(MockConfig::default()).await;
    let r = receiver(&mock, 200).await;
    add_rule(&mock, json!({"max_hits": 1, "effect": {"type": "callback_drop"}})).await;
    let id = send_test_callback(&mock, &r.url).await;
    let d = wait_attempts(&mock, id, 1).await;
    assert!(d.attempts[0].error.as_deref().unwrap().contains("lost"));
    assert!(r.seen().is_empty());
    mock.state().tenants().default_tenant().clock().advance(15).unwrap();
    wait_for("delivery", || {
        (delivery(&mock, id).status == DeliveryStatus::Delivered).then_some(())
    })
    .await;
    assert_eq!(r.seen().len(), 1);
}

// Proves a callback_duplicate rule sends the same notification again after a success, and
// a callback_delay rule holds the first attempt for its virtual seconds.
#[tokio::test]
async fn duplicate_and_delay() {
    let mock = fixed_clock_mock(MockConfig::default()).await;
    let r = receiver(&mock, 200).await;
    add_rule(&mock, json!({"effect": {"type": "callback_duplicate", "copies": 1}})).await;
    add_rule(&mock, json!({"effect": {"type": "callback_delay", "secs": 60}})).await;
    let id = send_test_callback(&mock, &r.url).await;
    let d = wait_for("postponed", || {
        let d = delivery(&mock, id);
        d.delayed_secs.is_some().then_some(d)
    })
    .await;
    assert_eq!(
        (d.status, d.next_attempt_unix, d.attempts.len()),
        (DeliveryStatus::Pending, Some(T0 + 60), 0)
    );
    mock.state().tenants().default_tenant().clock().advance(60).unwrap();
    let d = wait_for("delivery", || {
        let d = delivery(&mock, id);
        (d.status == DeliveryStatus::Delivered).then_some(d)
    })
    .await;
    let kinds: Vec<AttemptKind> = d.attempts.iter().map(|a| a.kind).collect();
    assert_eq!(kinds, [AttemptKind::Delivery, AttemptKind::Duplicate]);
    let seen = r.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[0].result.as_ref().unwrap().0, seen[1].result.as_ref().unwrap().0);
}
