//! Load on the WeChat Pay mock server: signed `GET /v3/certificates` per second that the mock
//! sustains on this machine's cores, as a ratio to the RSA bound. Every answer carries one
//! RSA-2048 signature, so the mock cannot answer faster than the cores can sign: the bound is
//! (worker threads) × (single-thread RSA sign/s, measured in the same run).
//!
//! Two client modes share the same cores as the server (one Tokio runtime, `WORKERS` threads):
//!
//! - `sdk`: `wechatpay-transport`, as an application would call: each request is signed (one
//!   RSA sign) and each answer verified (one RSA verify, about 1/30 of a sign) by the client;
//! - `presigned`: one `Authorization` made up front and replayed (the mock enforces the
//!   ±300 s window but keeps no nonce history), answers not verified: nearly all the RSA work
//!   left is the mock's own, so this ratio is the mock's.
//!
//! It also times one store transaction moving money in a ledger of 100 and of 100 000
//! entries: the transaction's copy of the state is O(1), so both should cost the same.
//!
//! Run with `cargo bench -p wechatpay-benches --bench mock_load`; results are discussed in
//! `docs/performance.md` ("Transport and mock server"). Under `cargo test` (no `--bench`
//! flag) it runs a few requests only, as a smoke test.

use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::StreamExt;
use wechatpay_crypto::message::response_message;
use wechatpay_crypto::{ApiV3Key, PrivateKey, SystemClock};
use wechatpay_mock::ledger::{Account, EntryKind, Ledger, LedgerError, Purpose, Transfer};
use wechatpay_mock::store::Store;
use wechatpay_mock::tenant::Tenant;
use wechatpay_mock::{identity, MockServer, TenantConfig};
use wechatpay_transport::http::{self, Method};
use wechatpay_transport::{HttpClient, HyperClient, KeyMode, RetryPolicy, Transport};

/// Worker threads of the runtime, server and clients together: the 2 cores of the issue.
const WORKERS: usize = 2;
/// Client tasks sending at once.
const CONCURRENCY: usize = 16;
const PATH: &str = "/v3/certificates";

/// Operations per measurement; request counts are multiples of `CONCURRENCY`.
struct Counts {
    signs: u32,
    warm_up: u32,
    requests: u32,
}

const FULL: Counts = Counts { signs: 2_000, warm_up: 192, requests: 4_000 };
const SMOKE: Counts = Counts { signs: 10, warm_up: 16, requests: 32 };

/// CPU seconds this process has used (user + system, all threads), from `/proc/self/stat`
/// (Linux; ticks of 1/100 s); `None` elsewhere. The development machine is shared, so wall
/// clock figures move with other work; CPU time per request does not.
fn cpu_secs() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

/// Runs `f`, returning its result and the CPU seconds it took (0 where unknown).
fn with_cpu<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let before = cpu_secs();
    let out = f();
    let spent = match (before, cpu_secs()) {
        (Some(b), Some(a)) => a - b,
        _ => 0.0,
    };
    (out, spent)
}

/// Single-thread RSA-2048 PKCS#1 v1.5 signs per second over a message the size of the mock's
/// `/v3/certificates` answer (the message a response signature covers).
fn rsa_signs_per_sec(count: u32) -> f64 {
    let key = PrivateKey::from_pem(identity::PLATFORM_PRIVATE_KEY_PEM)
        .unwrap_or_else(|e| panic!("platform key: {e}"));
    let body = vec![b'x'; 1_900];
    let message = response_message("1735700400", "5K8264ILTKCH16CQ2502SI8ZNMTM67VS", &body);
    // The first signatures with a key pay for one-time set-up (as the mock's did at start).
    for _ in 0..3 {
        std::hint::black_box(key.sign(&message).unwrap_or_default());
    }
    let started = Instant::now();
    for _ in 0..count {
        std::hint::black_box(key.sign(std::hint::black_box(&message)).unwrap_or_default());
    }
    f64::from(count) / started.elapsed().as_secs_f64()
}

/// RSA signs per second of `WORKERS` threads signing at once: what the cores really give
/// together (a VM's cores may share a physical core, and then two signers run slower than one
/// each). Shown beside the bound, which assumes perfect scaling.
fn parallel_signs_per_sec(count_per_thread: u32) -> f64 {
    let started = Instant::now();
    let threads: Vec<_> = (0..WORKERS)
        .map(|_| std::thread::spawn(move || rsa_signs_per_sec(count_per_thread)))
        .collect();
    for t in threads {
        t.join().unwrap_or_else(|_| panic!("signing thread"));
    }
    f64::from(count_per_thread) * WORKERS as f64 / started.elapsed().as_secs_f64()
}

/// Runs `total` calls of `one` over `CONCURRENCY` tasks; requests per second.
async fn drive<F, Fut>(total: u32, one: F) -> f64
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let one = Arc::new(one);
    let per_task = total / u32::try_from(CONCURRENCY).unwrap_or(1);
    let started = Instant::now();
    let tasks: Vec<_> = (0..CONCURRENCY)
        .map(|_| {
            let one = Arc::clone(&one);
            tokio::spawn(async move {
                for _ in 0..per_task {
                    one().await;
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap_or_else(|e| panic!("client task: {e}"));
    }
    f64::from(per_task * u32::try_from(CONCURRENCY).unwrap_or(1)) / started.elapsed().as_secs_f64()
}

fn sdk_transport(mock: &MockServer) -> Transport {
    let id = mock.identity();
    let key =
        PrivateKey::from_pem(id.merchant_private_key_pem.as_deref().map_or("", |k| k.as_str()))
            .unwrap_or_else(|e| panic!("merchant key: {e}"));
    Transport::builder()
        .mchid(id.mchid.clone())
        .merchant_key(key, id.merchant_serial.as_str())
        .api_v3_key(ApiV3Key::new(id.apiv3_key.as_bytes()).unwrap_or_else(|e| panic!("{e}")))
        .key_mode(KeyMode::PlatformCertificates)
        .base_url(mock.base_url())
        .no_backup_base_url()
        .retry(RetryPolicy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap_or_else(|e| panic!("transport: {e}"))
}

async fn sdk_rps(mock: &MockServer, counts: &Counts) -> f64 {
    let t = sdk_transport(mock);
    let one = move || {
        let t = t.clone();
        async move {
            let answer: serde_json::Value = t
                .request(Method::GET, PATH)
                .send_json()
                .await
                .unwrap_or_else(|e| panic!("sdk request: {e:?}"));
            assert_eq!(answer["data"].as_array().map(Vec::len), Some(1));
        }
    };
    let one = Arc::new(one);
    let warm = Arc::clone(&one);
    drive(counts.warm_up, move || warm()).await;
    drive(counts.requests, move || one()).await
}

async fn presigned_rps(mock: &MockServer, counts: &Counts) -> f64 {
    let signer = mock.identity().merchant_signer().unwrap_or_else(|e| panic!("signer: {e}"));
    let authorization = signer
        .authorize("GET", PATH, b"")
        .unwrap_or_else(|e| panic!("authorize: {e}"))
        .to_header_value();
    let client =
        Arc::new(HyperClient::new(Duration::from_secs(10)).unwrap_or_else(|e| panic!("{e}")));
    let url = format!("{}{PATH}", mock.base_url());
    let one = move || {
        let client = Arc::clone(&client);
        let request = http::Request::get(url.as_str())
            .header("user-agent", "wechatpay-benches/mock_load")
            .header("accept", "application/json")
            .header("authorization", authorization.as_str())
            .body(Bytes::new())
            .unwrap_or_else(|e| panic!("request: {e}"));
        async move {
            let response = client.send(request).await.unwrap_or_else(|e| panic!("send: {e}"));
            assert_eq!(response.status(), 200);
            let mut body = response.into_body();
            let mut len = 0;
            while let Some(chunk) = body.next().await {
                len += chunk.unwrap_or_else(|e| panic!("body: {e}")).len();
            }
            assert!(len > 1_000, "a certificate list");
        }
    };
    let one = Arc::new(one);
    let warm = Arc::clone(&one);
    drive(counts.warm_up, move || warm()).await;
    drive(counts.requests, move || one()).await
}

/// Microseconds per store transaction that moves money once, in a ledger already holding
/// `entries` entries: the copy a transaction takes must not grow with the state (imbl).
fn transfer_txn_us(entries: u32, transactions: u32) -> f64 {
    let tenant = Tenant::from_config(&TenantConfig::builtin(), Arc::new(SystemClock))
        .unwrap_or_else(|e| panic!("tenant: {e}"));
    let store = Store::new();
    let available = Account::merchant(identity::SUB_MCHID, Purpose::Available);
    let deposit = |n: u32| {
        Transfer::new(
            EntryKind::AdminDeposit,
            format!("seed-{n}"),
            Account::External,
            available.clone(),
            1_000_000,
        )
    };
    let mut seeded = Ledger::default();
    for n in 0..entries {
        seeded.transfer(0, deposit(n)).unwrap_or_else(|e| panic!("seed: {e}"));
    }
    store
        .transact(&tenant, |tx| {
            *tx.area_mut::<Ledger>() = seeded;
            Ok::<_, LedgerError>(())
        })
        .unwrap_or_else(|e| panic!("seed: {e}"));
    let started = Instant::now();
    for n in 0..transactions {
        store
            .transact(&tenant, |tx| {
                tx.transfer(Transfer::new(
                    EntryKind::Refund,
                    format!("R{n}"),
                    available.clone(),
                    Account::External,
                    1,
                ))
            })
            .unwrap_or_else(|e| panic!("transfer: {e}"));
    }
    started.elapsed().as_secs_f64() * 1e6 / f64::from(transactions)
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(0.0)
}

fn column_of(rows: &[[f64; 5]], i: usize) -> f64 {
    median(rows.iter().filter_map(|r| r.get(i).copied()).collect())
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let (counts, rounds) = if full { (FULL, 3) } else { (SMOKE, 1) };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(WORKERS)
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("runtime: {e}"));
    let mock = runtime.block_on(MockServer::start());
    println!(
        "mock_load: GET {PATH}, {} requests per mode and round, {CONCURRENCY} client tasks, {WORKERS} worker threads",
        counts.requests
    );
    // Each round measures its own bound right before its load, so a machine shared with other
    // work skews a round's bound and load alike; the medians are reported. The CPU ratio is
    // (CPU time of one signature) / (CPU time of the whole process per request): the
    // wall-clock ratio the mock would reach on two otherwise idle, fully used cores.
    let mut rows: Vec<[f64; 5]> = Vec::new();
    for round in 1..=rounds {
        let (signs, sign_cpu) = with_cpu(|| rsa_signs_per_sec(counts.signs));
        let cpu_per_sign = sign_cpu / f64::from(counts.signs);
        let bound = signs * WORKERS as f64;
        let (sdk, sdk_cpu) = with_cpu(|| runtime.block_on(sdk_rps(&mock, &counts)));
        let (presigned, presigned_cpu) =
            with_cpu(|| runtime.block_on(presigned_rps(&mock, &counts)));
        let per_request = f64::from(counts.requests + counts.warm_up);
        let cpu_ratio = |cpu: f64| if cpu > 0.0 { cpu_per_sign / (cpu / per_request) } else { 0.0 };
        let row =
            [sdk / bound, presigned / bound, cpu_ratio(sdk_cpu), cpu_ratio(presigned_cpu), bound];
        println!(
            "  round {round}: sign/s {signs:>6.0}  bound {bound:>6.0} req/s  sdk {sdk:>6.0} req/s (ratio {:.2}, cpu {:.2})  presigned {presigned:>6.0} req/s (ratio {:.2}, cpu {:.2})",
            row[0], row[2], row[1], row[3]
        );
        rows.push(row);
    }
    let parallel = parallel_signs_per_sec(counts.signs);
    println!(
        "  {WORKERS} threads signing at once: {parallel:.0} sign/s in all ({:.2} of the bound's perfect scaling)",
        parallel / column_of(&rows, 4)
    );
    let column = |i: usize| column_of(&rows, i);
    println!(
        "  median: bound {:.0} req/s; sdk client ratio {:.2} (cpu {:.2}); presigned client ratio {:.2} (cpu {:.2})",
        column(4),
        column(0),
        column(2),
        column(1),
        column(3)
    );
    let (transactions, big) = if full { (20_000, 100_000) } else { (10, 5_000) };
    println!(
        "  store: one ledger transfer per transaction: {:.1} µs with 100 entries, {:.1} µs with {big}",
        transfer_txn_us(100, transactions),
        transfer_txn_us(big, transactions)
    );
    if let Err(e) = runtime.block_on(mock.shutdown()) {
        eprintln!("mock_load: the mock did not stop cleanly: {e}");
    }
}
