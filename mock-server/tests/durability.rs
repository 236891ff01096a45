//! Durable state under `kill -9`: the real `wechatpay-mock` binary with `--data-dir`, driven by
//! the SDK's transport from several tasks at once, is killed (SIGKILL) at a seeded random
//! point of each cycle and restarted on the same folder. After every restart:
//!
//! - the replay reproduced every journaled answer (`diverged=0` in its log line);
//! - every acknowledged order is there, and every acknowledged payment is `SUCCESS`;
//! - money is conserved: the sub-merchant's balance is 1.02 CNY per order that exists, the
//!   deposits' balance lies between the acknowledged and the attempted deposits, and the
//!   ledger's own invariant check (`/mock/admin/ledger/check`) passes.
//!
//! At the end, every acknowledged payment's `TRANSACTION.SUCCESS` reaches the receiver at
//! least once, whichever incarnation of the mock enqueued or was sending it.

use std::collections::HashSet;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use axum::Router;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::{json, Value};
use wechatpay_crypto::{ApiV3Key, Certificate, Clock, Verifier};
use wechatpay_mock::identity;
use wechatpay_notify::{Event, NotifyParser};
use wechatpay_transport::http::Method;
use wechatpay_transport::{KeyMode, RetryPolicy, Transport};

/// Kill-and-restart cycles.
const CYCLES: usize = 6;
/// Concurrent SDK clients.
const WORKERS: usize = 6;
/// The seed of the kill points.
const SEED: u64 = 0x5eed_d00d;
const PAY_SUB: &str = identity::SECOND_SUB_MCHID; // receives the payments
const DEPOSIT_SUB: &str = identity::SUB_MCHID; // receives the deposits

/// The system clock plus the offset the test moved the mock's clocks by, so signatures stay
/// within the mock's window after an advance.
#[derive(Debug, Default)]
struct TestClock(AtomicI64);

impl Clock for TestClock {
    fn now_unix(&self) -> i64 {
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
        i64::try_from(now).unwrap_or(i64::MAX) + self.0.load(Ordering::SeqCst)
    }
}

struct Mock {
    child: Child,
    base: String,
    /// The replay's log line (`state replayed from …`).
    replay_line: String,
}

impl Drop for Mock {
    // A failing test must not leave a mock running (it would also hold the test's stderr).
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn strip_ansi(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn start(data: &Path, keys: &Path) -> Mock {
    let child = Command::new(env!("CARGO_BIN_EXE_wechatpay-mock"))
        .args(["--port", "0", "--log-level", "warn,wechatpay_mock::persist=info", "--data-dir"])
        .arg(data)
        .arg("--keys-dir")
        .arg(keys)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the mock binary starts");
    // From here on the guard kills and waits for the process, whatever happens.
    let mut mock = Mock { child, base: String::new(), replay_line: String::new() };
    let stdout = mock.child.stdout.take().expect("piped stdout");
    let (tx, rx) = mpsc::channel();
    // Keeps draining the pipe for the life of the process (warnings go there too).
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            let Ok(line) = line else { break };
            let _ = tx.send(strip_ansi(&line));
        }
    });
    loop {
        let line = rx.recv_timeout(Duration::from_secs(60)).expect("the mock prints its banner");
        if line.contains("state replayed from") {
            mock.replay_line = line.clone();
        }
        if line.contains("replayed answer differs") {
            panic!("replay diverged: {line}");
        }
        if let Some(url) = line.trim().strip_prefix("base URL") {
            mock.base = url.trim().to_owned();
            return mock;
        }
    }
}

fn field(line: &str, name: &str) -> u64 {
    line.split_whitespace()
        .find_map(|w| w.strip_prefix(&format!("{name}=")))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no {name}= in {line:?}"))
}

fn transport(base: &str, clock: &Arc<TestClock>) -> Transport {
    Transport::builder()
        .mchid(identity::SP_MCHID)
        .merchant_key_pem(
            identity::MERCHANT_PRIVATE_KEY_PEM.as_bytes(),
            identity::MERCHANT_CERT_SERIAL,
        )
        .api_v3_key(ApiV3Key::new(identity::APIV3_KEY.as_bytes()).unwrap())
        .key_mode(KeyMode::PlatformCertificates)
        .base_url(base)
        .no_backup_base_url()
        .clock(clock.clone())
        .retry(RetryPolicy::none())
        .build()
        .unwrap()
}

async fn admin(base: &str, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
    // One pooled client: connections are kept alive between calls.
    static CLIENT: std::sync::OnceLock<Client<HttpConnector, Full<Bytes>>> =
        std::sync::OnceLock::new();
    let client = CLIENT.get_or_init(|| Client::builder(TokioExecutor::new()).build_http());
    let mut b = http::Request::builder()
        .method(method)
        .uri(format!("{base}{}{path}", wechatpay_mock::ADMIN_PREFIX));
    let bytes = match body {
        Some(v) => {
            b = b.header("content-type", "application/json");
            Bytes::from(v.to_string())
        }
        None => Bytes::new(),
    };
    let response =
        client.request(b.body(Full::new(bytes)).unwrap()).await.map_err(|e| e.to_string())?;
    let status = response.status();
    let body = response.into_body().collect().await.map_err(|e| e.to_string())?.to_bytes();
    let json = serde_json::from_slice(&body).unwrap_or(Value::Null);
    if status.is_success() {
        Ok(json)
    } else {
        Err(format!("{status} {json}"))
    }
}

fn query_path(no: &str) -> String {
    format!(
        "/v3/pay/partner/transactions/out-trade-no/{no}?sp_mchid={}&sub_mchid={PAY_SUB}",
        identity::SP_MCHID
    )
}

/// What the clients saw acknowledged, and what they tried.
#[derive(Debug, Default)]
struct Acked {
    attempted_orders: Vec<String>,
    created: HashSet<String>,
    paid: HashSet<String>,
    attempted_deposits: u64,
    acked_deposits: u64,
}

/// One client: orders (created, then paid by their first query, magic amount 1.02) and
/// deposits of 1 fen, until the mock dies under it.
async fn worker(
    t: Transport,
    base: String,
    w: usize,
    cycle: usize,
    acked: Arc<Mutex<Acked>>,
    notify_url: String,
    ops: Arc<AtomicU64>,
) {
    for i in 0.. {
        if i % 4 == 3 {
            acked.lock().unwrap().attempted_deposits += 1;
            let deposit = json!({"account": format!("{DEPOSIT_SUB}:AVAILABLE"), "amount_fen": 1});
            if admin(&base, "POST", "/ledger/deposit", Some(deposit)).await.is_err() {
                return;
            }
            acked.lock().unwrap().acked_deposits += 1;
            ops.fetch_add(1, Ordering::SeqCst);
            continue;
        }
        let no = format!("C{cycle}W{w}N{i:05}");
        acked.lock().unwrap().attempted_orders.push(no.clone());
        let created = t
            .request(Method::POST, "/v3/pay/partner/transactions/app")
            .json(&json!({
                "sp_appid": identity::SP_APPID, "sp_mchid": identity::SP_MCHID, "sub_mchid": PAY_SUB,
                "description": "durability", "out_trade_no": no, "notify_url": notify_url,
                "amount": {"total": 102, "currency": "CNY"},
            }))
            .unwrap()
            .send_json::<Value>()
            .await;
        if created.is_err() {
            return;
        }
        acked.lock().unwrap().created.insert(no.clone());
        ops.fetch_add(1, Ordering::SeqCst);
        match t.request(Method::GET, query_path(&no)).send_json::<Value>().await {
            Ok(v) if v["trade_state"] == "SUCCESS" => {
                acked.lock().unwrap().paid.insert(no);
                ops.fetch_add(1, Ordering::SeqCst);
            }
            Ok(v) => panic!("a 1.02 order is paid by its first query: {v}"),
            Err(_) => return,
        }
    }
}

type Seen = Arc<Mutex<HashSet<String>>>;

async fn receive(
    State((parser, seen)): State<(Arc<NotifyParser>, Seen)>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    match parser.parse(&headers, &body).map(|v| v.into_resource()) {
        Ok(Event::PartnerTransactionSuccess(tx)) => {
            seen.lock().unwrap().insert(tx.out_trade_no.clone());
            StatusCode::OK
        }
        _ => StatusCode::BAD_REQUEST,
    }
}

async fn balance(base: &str, owner: &str) -> i64 {
    let b = admin(base, "GET", &format!("/ledger/balances?owner={owner}"), None).await.unwrap();
    b["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["purpose"] == "AVAILABLE")
        .map(|a| a["balance_fen"].as_i64().unwrap())
        .sum()
}

/// Everything acknowledged is there and the money adds up.
async fn check(mock: &Mock, t: &Transport, acked: &Acked) {
    assert_eq!(field(&mock.replay_line, "diverged"), 0, "{}", mock.replay_line);
    // Every order tried: acknowledged ones must exist, acknowledged payments must be paid.
    // Querying pays an existing order (its magic amount), so afterwards each order that
    // exists holds 1.02 CNY.
    let mut existing = 0i64;
    for no in &acked.attempted_orders {
        match t.request(Method::GET, query_path(no)).send_json::<Value>().await {
            Ok(v) => {
                assert_eq!(v["trade_state"], "SUCCESS", "{no}: {v}");
                existing += 1;
            }
            Err(e) => {
                assert!(e.is_code("ORDER_NOT_EXIST"), "{no}: {e:?}");
                assert!(!acked.created.contains(no), "acknowledged order {no} was lost");
                assert!(!acked.paid.contains(no), "acknowledged payment {no} was lost");
            }
        }
    }
    assert_eq!(balance(&mock.base, PAY_SUB).await, 102 * existing, "payments' money");
    let deposits = u64::try_from(balance(&mock.base, DEPOSIT_SUB).await).unwrap();
    assert!(
        (acked.acked_deposits..=acked.attempted_deposits).contains(&deposits),
        "deposits: {deposits} outside {}..={}",
        acked.acked_deposits,
        acked.attempted_deposits
    );
    let report = admin(&mock.base, "GET", "/ledger/check", None).await.unwrap();
    assert_eq!(report["ok"], true, "{report}");
}

// Proves every acknowledged write survives kill -9 at seeded random points under concurrent
// load, the replay reproduces each journaled answer, the ledger invariants hold after every
// restart, and every acknowledged payment's callback is delivered at least once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn acknowledged_writes_survive_kill_9() {
    let dir = tempfile::tempdir().unwrap();
    let (data, keys) = (dir.path().join("data"), dir.path().join("keys"));
    let clock = Arc::new(TestClock::default());
    let mut rng = ChaCha8Rng::seed_from_u64(SEED);

    let seen: Seen = Arc::default();
    let verifier = {
        let mut v = Verifier::new();
        v.add_certificate(Certificate::from_pem(identity::PLATFORM_CERTIFICATE_PEM).unwrap());
        v
    };
    let key = ApiV3Key::new(identity::APIV3_KEY.as_bytes()).unwrap();
    let parser = Arc::new(NotifyParser::new(verifier, key).with_clock(clock.clone()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let notify_url = format!("http://{}/notify", listener.local_addr().unwrap());
    let app = Router::new().route("/notify", post(receive)).with_state((parser, seen.clone()));
    tokio::spawn(async move { axum::serve(listener, app).await });

    let acked = Arc::new(Mutex::new(Acked::default()));
    let mut journaled = 0;
    let mut torn_expected: Option<u64> = None;
    for cycle in 0..=CYCLES {
        let mut mock = start(&data, &keys);
        let records = field(&mock.replay_line, "records");
        if let Some(bytes) = torn_expected.take() {
            assert!(field(&mock.replay_line, "torn_bytes") >= bytes, "{}", mock.replay_line);
        }
        assert!(records >= journaled, "the journal never shrinks: {records} < {journaled}");
        journaled = records;
        let t = transport(&mock.base, &clock);
        let snapshot = acked.lock().unwrap().clone_view();
        check(&mock, &t, &snapshot).await;
        if cycle == CYCLES {
            deliver_all(&mock, &snapshot, &seen, &clock).await;
            // Quiet now: the next start must rebuild exactly the same ledger and deliveries.
            let before = dump(&mock, &clock).await;
            drop(mock); // SIGKILL
            let mock = start(&data, &keys);
            assert_eq!(field(&mock.replay_line, "diverged"), 0, "{}", mock.replay_line);
            assert!(before == dump(&mock, &clock).await, "the replay rebuilt a different state");
            return;
        }

        // Load, then SIGKILL once a seeded number of operations were acknowledged.
        let kill_after = rng.random_range(10..80u64);
        let ops = Arc::new(AtomicU64::new(0));
        let workers: Vec<_> = (0..WORKERS)
            .map(|w| {
                tokio::spawn(worker(
                    transport(&mock.base, &clock),
                    mock.base.clone(),
                    w,
                    cycle,
                    acked.clone(),
                    notify_url.clone(),
                    ops.clone(),
                ))
            })
            .collect();
        while ops.load(Ordering::SeqCst) < kill_after {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        mock.child.kill().unwrap(); // SIGKILL
        mock.child.wait().unwrap();
        for w in workers {
            w.await.unwrap();
        }
        // Some cycles also leave a torn record behind, as a crash inside write() would: a
        // header promising 100 bytes and 37 of them. The next start must cut it off.
        if rng.random_bool(0.5) {
            let mut torn = 100u32.to_le_bytes().to_vec();
            torn.extend(rng.random::<u32>().to_le_bytes());
            torn.extend((0..37).map(|_| rng.random::<u8>()));
            let mut f = std::fs::OpenOptions::new()
                .append(true)
                .open(data.join(wechatpay_mock::persist::JOURNAL_FILE))
                .unwrap();
            std::io::Write::write_all(&mut f, &torn).unwrap();
            torn_expected = Some(torn.len() as u64);
        }
        eprintln!(
            "cycle {cycle}: killed after {} acknowledged operations; replayed {records} records at start ({})",
            ops.load(Ordering::SeqCst),
            mock.replay_line
        );
    }
}

/// Every acknowledged payment's callback reaches the receiver, whichever incarnation of the
/// mock enqueued it or was sending it when killed (interrupted deliveries are retried on
/// WeChat Pay's schedule, on virtual time: the test moves the clock).
async fn deliver_all(mock: &Mock, acked: &Acked, seen: &Seen, clock: &TestClock) {
    assert!(acked.paid.len() > CYCLES, "the load did something: {}", acked.paid.len());
    for _ in 0..600 {
        if acked.paid.iter().all(|no| seen.lock().unwrap().contains(no)) {
            break;
        }
        admin(&mock.base, "POST", "/clock/advance", Some(json!({"secs": 30}))).await.unwrap();
        clock.0.fetch_add(30, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let missing: Vec<_> =
        acked.paid.iter().filter(|no| !seen.lock().unwrap().contains(*no)).collect();
    assert!(missing.is_empty(), "callbacks never delivered: {missing:?}");
}

/// The ledger's entries and every delivery, once no delivery is pending or in flight.
async fn dump(mock: &Mock, clock: &TestClock) -> (Value, Value) {
    let busy = || async {
        let mut n = 0;
        for status in ["pending", "in_flight"] {
            let path = format!("/callbacks?status={status}&limit=1");
            n += admin(&mock.base, "GET", &path, None).await.unwrap().as_array().unwrap().len();
        }
        n
    };
    for _ in 0..600 {
        if busy().await == 0 {
            break;
        }
        admin(&mock.base, "POST", "/clock/advance", Some(json!({"secs": 30}))).await.unwrap();
        clock.0.fetch_add(30, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(busy().await, 0, "deliveries still under way");
    let entries = admin(&mock.base, "GET", "/ledger/entries?limit=1000000", None).await.unwrap();
    let deliveries = admin(&mock.base, "GET", "/callbacks?limit=1000000", None).await.unwrap();
    (entries, deliveries)
}

impl Acked {
    fn clone_view(&self) -> Acked {
        Acked {
            attempted_orders: self.attempted_orders.clone(),
            created: self.created.clone(),
            paid: self.paid.clone(),
            attempted_deposits: self.attempted_deposits,
            acked_deposits: self.acked_deposits,
        }
    }
}

/// Admin deposits of 1 fen from `clients` concurrent connections; operations per second.
async fn deposits_per_sec(base: &str, clients: usize, total: usize) -> f64 {
    let started = std::time::Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|_| {
            let base = base.to_owned();
            tokio::spawn(async move {
                for _ in 0..total / clients {
                    let deposit =
                        json!({"account": format!("{DEPOSIT_SUB}:AVAILABLE"), "amount_fen": 1});
                    admin(&base, "POST", "/ledger/deposit", Some(deposit)).await.unwrap();
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap();
    }
    total as f64 / started.elapsed().as_secs_f64()
}

// A measurement, not a check (run it with `cargo test -p wechatpay-mock --release --test
// durability -- --ignored --nocapture`): the cost of durability per write, memory-only
// against --data-dir, with one client and with concurrent clients (group commit), and the
// replay rate at start.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
#[ignore = "a measurement; prints figures for docs/mock-server.md"]
async fn measure_write_cost() {
    use wechatpay_mock::{persist, serve, MockConfig, MockState};
    const TOTAL: usize = 960;
    for clients in [1, 16] {
        for durable in [false, true] {
            let dir = tempfile::tempdir().unwrap();
            let config = MockConfig::default();
            let state = if durable {
                persist::open(&config, dir.path(), None).await.unwrap().0
            } else {
                MockState::new(&config).unwrap()
            };
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            let base = format!("http://{}", listener.local_addr().unwrap());
            let server = tokio::spawn(serve(listener, state.clone(), std::future::pending()));
            let rate = deposits_per_sec(&base, clients, TOTAL).await;
            let stats = state.persist().map(|p| p.stats());
            println!(
                "clients={clients:>2} durable={durable:<5} {rate:>8.0} writes/s {:>7.3} ms/write{}",
                1000.0 / rate * clients as f64,
                stats.map_or(String::new(), |s| format!(
                    "  records={} fsyncs={} records/fsync={:.1}",
                    s.records,
                    s.syncs,
                    s.records as f64 / s.syncs.max(1) as f64
                ))
            );
            server.abort();
            if durable {
                let started = std::time::Instant::now();
                let (_, report) = persist::open(&config, dir.path(), None).await.unwrap();
                println!(
                    "  replay: {} records in {:.0} ms ({:.0} records/s), diverged={}",
                    report.records,
                    started.elapsed().as_secs_f64() * 1000.0,
                    report.records as f64 / started.elapsed().as_secs_f64(),
                    report.diverged
                );
            }
        }
    }
}
