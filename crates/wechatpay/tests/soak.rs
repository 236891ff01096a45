//! Soak: the mock under steady signed traffic from the SDK at a fixed rate.
//!
//! The mock runs in this process (journal retention cap on, its default 1 000 entries); a
//! `wechatpay::Client` sends a fixed-rate, open-loop mix of requests: combined-order creation
//! (idempotent replays of known carts), combined-order queries, refund applications
//! (idempotent replays) and queries, sub-merchant and platform balance queries. The working
//! set is fixed (carts and refunds made during setup), so the business state does not grow
//! during the load: whatever memory, file descriptors or tasks the process gains is overhead
//! of the request path, i.e. a leak.
//!
//! Every window (1/12 of the run, 1 s to 60 s) reports p50/p99 latency, RSS (`VmRSS`), open
//! file descriptors, alive Tokio tasks, the journal's length and the ledger's invariant check.
//!
//! Asserted (no timing thresholds: latency is reported, never asserted):
//! - every request succeeds, and the ledger's invariants hold at every window;
//! - the journal never holds more than its cap, and is full at the end (the cap is working);
//! - RSS from the first window after warm-up to the last grows by at most
//!   [`RSS_BYTES_PER_REQUEST`] per request sent in between, plus [`RSS_SLACK_BYTES`] of
//!   allocator noise;
//! - once the load has drained and its client is dropped, open file descriptors and alive
//!   tasks are back at (or below) their count before the load began.
//!
//! `WECHATPAY_SOAK_SECS` sets the duration (default 10), `WECHATPAY_SOAK_RATE` the rate in
//! requests per second (default 200). CI: `WECHATPAY_SOAK_SECS=120 cargo test -p wechatpay
//! --test soak --locked -- --nocapture`.

#[path = "../examples/support/admin.rs"]
mod admin;
#[path = "../examples/support/mock_client.rs"]
mod mock_client;

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use axum::routing::post;
use axum::Router;
use serde_json::json;
use tokio::task::JoinSet;
use wechatpay::crypto::FixedClock;
use wechatpay::fund::AccountType;
use wechatpay::models::amount::Currency;
use wechatpay::payments::models::{
    CombinePrepayAmount, CombinePrepayRequest, CombinePrepaySubOrder, SettleInfo,
};
use wechatpay::refunds::{RefundApplyAmount, RefundApplyRequest};
use wechatpay::Client;
use wechatpay_mock::callbacks::{Callbacks, DeliveryStatus};
use wechatpay_mock::ledger::Ledger;
use wechatpay_mock::MockServer;

type Failure = Box<dyn std::error::Error + Send + Sync>;

/// 2026-01-05T10:00:00+08:00: the mock's virtual time stands still during the soak, so no
/// order expires and no automatic transition changes the working set.
const T0: i64 = 1_767_578_400;
const SP_APPID: &str = "wx8888888888888888";
/// Carts of the working set: paid (queried, refunded) and unpaid (creation replayed).
const POOL: usize = 32;
/// Open-loop guard: ticks that find this many requests under way are shed (and reported).
/// It also bounds the memory a stall can pin: at 200 req/s a stall of the shared machine (a
/// build) piles up requests, and each holds buffers and a pooled connection whose high-water
/// mark RSS keeps (about 30 KiB each measured; 400 in flight added 13 MiB).
const MAX_IN_FLIGHT: usize = 64;
/// RSS budget per request after warm-up. The request path keeps nothing per request but
/// the capped journal, so a leak of a few hundred bytes a request shows within 120 s.
const RSS_BYTES_PER_REQUEST: u64 = 256;
/// Allocator high-water noise allowed on top (arenas, thread caches, pooled buffers).
const RSS_SLACK_BYTES: u64 = 16 << 20;

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).filter(|v| *v > 0).unwrap_or(default)
}

/// Resident set size of this process (mock and SDK together), bytes.
fn rss_bytes() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// Open file descriptors of this process.
fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd").map_or(0, |d| d.count())
}

/// CPU time this process has used (user + system), seconds, from `/proc/self/stat`
/// (clock ticks of 1/100 s on Linux).
fn cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may contain spaces) start after the last ')'.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    (ticks(11) + ticks(12)) / 100.0
}

fn alive_tasks() -> usize {
    tokio::runtime::Handle::current().metrics().num_alive_tasks()
}

/// Waits until fds and tasks stop falling (connections closing after a client is dropped),
/// and returns them.
async fn settled() -> (usize, usize) {
    let mut last = (open_fds(), alive_tasks());
    let mut stable = 0;
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let now = (open_fds(), alive_tasks());
        stable = if now == last { stable + 1 } else { 0 };
        last = now;
        if stable >= 6 {
            break;
        }
    }
    last
}

fn percentile(sorted: &[u64], p: f64) -> u64 {
    if sorted.is_empty() {
        return 0;
    }
    let rank = ((sorted.len() as f64) * p).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// One cart of the working set, with what the load phase replays or queries.
#[derive(Clone)]
struct Cart {
    request: CombinePrepayRequest,
    refund: Option<(RefundApplyRequest, String)>,
}

fn cart(no: usize, sellers: &[String], notify_url: &str, paid: bool) -> CombinePrepayRequest {
    let prefix = if paid { "SOAKP" } else { "SOAKU" };
    let combine_out_trade_no = format!("{prefix}{no:08}");
    let sub_orders = sellers
        .iter()
        .enumerate()
        .map(|(i, seller)| CombinePrepaySubOrder {
            mchid: "1900000100".into(),
            sub_mchid: seller.clone(),
            out_trade_no: format!("{combine_out_trade_no}S{i:02}"),
            amount: CombinePrepayAmount {
                total_amount: 1_000 + i64::try_from(i).unwrap_or(0) * 500,
                currency: Currency::Cny,
            },
            description: "soak".into(),
            attach: String::new(),
            settle_info: Some(SettleInfo { profit_sharing: Some(false), subsidy_amount: None }),
            detail: None,
            goods_tag: None,
            sub_appid: None,
        })
        .collect();
    CombinePrepayRequest {
        combine_appid: SP_APPID.into(),
        combine_mchid: "1900000100".into(),
        combine_out_trade_no,
        scene_info: None,
        sub_orders,
        combine_payer_info: None,
        time_start: None,
        time_expire: None,
        notify_url: notify_url.into(),
        limit_pay: None,
    }
}

/// Creates the working set: `POOL` paid carts with one partial refund each, `POOL` unpaid
/// carts; waits until every payment callback has been delivered.
async fn setup(
    mock: &MockServer,
    client: &Client,
    notify_url: &str,
) -> Result<(Vec<Cart>, Vec<Cart>), Failure> {
    let admin = admin::Admin::new(&mock.base_url())?;
    let sellers: Vec<String> = mock.identity().sub_mchids.iter().take(2).cloned().collect();
    if sellers.is_empty() {
        return Err("the mock's identity has no sub-merchant".into());
    }
    let mut paid = Vec::new();
    let mut unpaid = Vec::new();
    for no in 0..POOL {
        let request = cart(no, &sellers, notify_url, true);
        client.combine().prepay_native(&request).await?;
        admin
            .call(
                "POST",
                "/payments/pay",
                &json!({"combine_out_trade_no": request.combine_out_trade_no}),
            )
            .await?;
        let order = client.combine().query(&request.combine_out_trade_no).await?;
        let first = order.sub_orders.first().ok_or("a paid cart has sub-orders")?;
        let refund = RefundApplyRequest {
            sub_mchid: first.sub_mchid.clone(),
            sp_appid: SP_APPID.into(),
            sub_appid: None,
            transaction_id: first.transaction_id.clone(),
            out_trade_no: None,
            out_refund_no: format!("SOAKR{no:08}"),
            reason: Some("soak".into()),
            amount: RefundApplyAmount {
                refund: 100,
                from: None,
                total: first.amount.total_amount,
                currency: Currency::Cny,
            },
            notify_url: None,
            refund_account: None,
            funds_account: None,
        };
        let accepted = client.refunds().apply(&refund).await?;
        paid.push(Cart { request, refund: Some((refund, accepted.refund_id)) });

        let request = cart(no, &sellers, notify_url, false);
        client.combine().prepay_native(&request).await?;
        unpaid.push(Cart { request, refund: None });
    }
    // The payment callbacks go to the sink; wait until none is pending or under way, so the
    // dispatcher is idle before the baseline is taken.
    let tenant = mock.state().tenants().default_tenant();
    for _ in 0..200 {
        let busy = mock.state().store().read(tenant, |c: &Callbacks| {
            c.iter().any(|d| matches!(d.status, DeliveryStatus::Pending | DeliveryStatus::InFlight))
        });
        if !busy {
            return Ok((paid, unpaid));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err("the payment callbacks were not delivered".into())
}

/// One request of the mix: `k` picks the operation and the cart.
async fn one_request(
    client: &Client,
    paid: &[Cart],
    unpaid: &[Cart],
    k: u64,
) -> Result<(), Failure> {
    let j = usize::try_from(k / 8).unwrap_or(0) % POOL;
    let (p, u) = (&paid[j], &unpaid[j]);
    let seller = &p.request.sub_orders[0].sub_mchid;
    match k % 8 {
        0 => {
            client.combine().prepay_native(&u.request).await?;
        }
        1 => {
            client.combine().query(&p.request.combine_out_trade_no).await?;
        }
        2 => {
            client.combine().query(&u.request.combine_out_trade_no).await?;
        }
        3 => {
            let (refund, _) = p.refund.as_ref().ok_or("a paid cart has a refund")?;
            client.refunds().apply(refund).await?;
        }
        4 => {
            let (refund, refund_id) = p.refund.as_ref().ok_or("a paid cart has a refund")?;
            client.refunds().query_by_id(&refund.sub_mchid, refund_id).await?;
        }
        5 => {
            client.fund().sub_balance(seller, None).await?;
        }
        6 => {
            client.fund().platform_balance(AccountType::Basic).await?;
        }
        _ => {
            let (refund, _) = p.refund.as_ref().ok_or("a paid cart has a refund")?;
            client
                .refunds()
                .query_by_out_refund_no(&refund.sub_mchid, &refund.out_refund_no)
                .await?;
        }
    }
    Ok(())
}

/// What one window saw.
#[derive(Debug, Default)]
struct Window {
    end_secs: f64,
    sent: u64,
    done: u64,
    errors: u64,
    shed: u64,
    p50_us: u64,
    p99_us: u64,
    max_us: u64,
    rss: u64,
    fds: usize,
    tasks: usize,
    journal: usize,
    ledger_ok: bool,
    requests_total: u64,
}

impl Window {
    const HEADER: &'static str =
        "    t_s   sent   done  err shed   p50_ms   p99_ms   max_ms   rss_KiB   fds  tasks journal ledger";

    fn row(&self) -> String {
        format!(
            "{:>7.1} {:>6} {:>6} {:>4} {:>4} {:>8.2} {:>8.2} {:>8.2} {:>9} {:>5} {:>6} {:>7} {:>6}",
            self.end_secs,
            self.sent,
            self.done,
            self.errors,
            self.shed,
            self.p50_us as f64 / 1000.0,
            self.p99_us as f64 / 1000.0,
            self.max_us as f64 / 1000.0,
            self.rss / 1024,
            self.fds,
            self.tasks,
            self.journal,
            if self.ledger_ok { "ok" } else { "BROKEN" }
        )
    }
}

#[derive(Default)]
struct Samples {
    latencies_us: Vec<u64>,
    errors: u64,
    first_error: Option<String>,
}

// Proves that under a steady signed load the process keeps memory, file descriptors and tasks
// flat, the journal within its cap, and the ledger's invariants, with every request answered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn steady_signed_traffic_keeps_resources_flat() -> Result<(), Failure> {
    let secs = env_u64("WECHATPAY_SOAK_SECS", 10);
    let rate = env_u64("WECHATPAY_SOAK_RATE", 200);
    let window = Duration::from_secs((secs / 12).clamp(1, 60));

    let mock = MockServer::builder().clock(Arc::new(FixedClock::new(T0))).start().await?;
    let sink_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let notify_url = format!("http://{}/notify", sink_listener.local_addr()?);
    let sink = Router::new().route("/notify", post(|| async { StatusCode::NO_CONTENT }));
    tokio::spawn(async move { axum::serve(sink_listener, sink).await });

    let setup_client = mock_client::client_for(&mock).map_err(|e| e.to_string())?;
    let (paid, unpaid) = setup(&mock, &setup_client, &notify_url).await?;
    drop(setup_client);
    let (base_fds, base_tasks) = settled().await;
    let base_rss = rss_bytes();
    let capacity = mock.state().journal().capacity();
    let tenant = mock.state().tenants().default_tenant();
    println!(
        "soak: {secs} s at {rate} req/s, windows of {} s; baseline {base_fds} fds, {base_tasks} tasks, RSS {} KiB, journal cap {capacity}",
        window.as_secs(),
        base_rss / 1024
    );
    println!("{}", Window::HEADER);

    let client = mock_client::client_for(&mock).map_err(|e| e.to_string())?;
    let (paid, unpaid) = (Arc::new(paid), Arc::new(unpaid));
    let samples = Arc::new(Mutex::new(Samples::default()));
    let in_flight = Arc::new(AtomicU64::new(0));
    let mut tasks = JoinSet::new();
    let mut ticker = tokio::time::interval(Duration::from_secs_f64(1.0 / rate as f64));
    let cpu_before = cpu_secs();
    let started = Instant::now();
    let end = started + Duration::from_secs(secs);
    let mut next_window = started + window;
    let mut windows: Vec<Window> = Vec::new();
    let (mut k, mut sent, mut shed) = (0u64, 0u64, 0u64);
    let (mut window_sent, mut window_shed, mut total_done) = (0u64, 0u64, 0u64);
    loop {
        ticker.tick().await;
        while tasks.try_join_next().is_some() {}
        let now = Instant::now();
        if now >= next_window {
            let taken = std::mem::take(&mut *samples.lock().map_err(|_| "samples poisoned")?);
            if let Some(e) = &taken.first_error {
                println!("error: {e}");
            }
            let mut lat = taken.latencies_us;
            lat.sort_unstable();
            total_done += lat.len() as u64;
            let ledger_ok = mock.state().store().read(tenant, |l: &Ledger| l.check().is_ok());
            windows.push(Window {
                end_secs: (now - started).as_secs_f64(),
                sent: window_sent,
                done: lat.len() as u64,
                errors: taken.errors,
                shed: window_shed,
                p50_us: percentile(&lat, 0.50),
                p99_us: percentile(&lat, 0.99),
                max_us: lat.last().copied().unwrap_or(0),
                rss: rss_bytes(),
                fds: open_fds(),
                tasks: alive_tasks(),
                journal: mock.state().journal().len(),
                ledger_ok,
                requests_total: sent,
            });
            if let Some(w) = windows.last() {
                println!("{}", w.row());
            }
            (window_sent, window_shed) = (0, 0);
            next_window += window;
        }
        if now >= end {
            break;
        }
        if in_flight.load(Ordering::Relaxed) >= MAX_IN_FLIGHT as u64 {
            shed += 1;
            window_shed += 1;
            continue;
        }
        in_flight.fetch_add(1, Ordering::Relaxed);
        let (client, paid, unpaid) = (client.clone(), paid.clone(), unpaid.clone());
        let (samples, in_flight) = (samples.clone(), in_flight.clone());
        let this = k;
        tasks.spawn(async move {
            let t = Instant::now();
            let result = one_request(&client, &paid, &unpaid, this).await;
            let us = u64::try_from(t.elapsed().as_micros()).unwrap_or(u64::MAX);
            if let Ok(mut s) = samples.lock() {
                s.latencies_us.push(us);
                if let Err(e) = result {
                    s.errors += 1;
                    s.first_error.get_or_insert_with(|| format!("request {this}: {e:?}"));
                }
            }
            in_flight.fetch_sub(1, Ordering::Relaxed);
        });
        k += 1;
        sent += 1;
        window_sent += 1;
    }
    while tasks.join_next().await.is_some() {}
    let cpu_share = (cpu_secs() - cpu_before) / started.elapsed().as_secs_f64();
    let late = std::mem::take(&mut *samples.lock().map_err(|_| "samples poisoned")?);
    total_done += late.latencies_us.len() as u64;
    let errors: u64 = windows.iter().map(|w| w.errors).sum::<u64>() + late.errors;
    drop(client);
    let (end_fds, end_tasks) = settled().await;

    println!(
        "total: {sent} sent, {total_done} answered, {errors} errors, {shed} shed; CPU {:.0} % of one core; after drain: {end_fds} fds (baseline {base_fds}), {end_tasks} tasks (baseline {base_tasks})",
        cpu_share * 100.0
    );

    // Warm-up: the first fifth of the run, and until the journal has filled to its cap (it
    // grows until then by design).
    let full = windows.iter().position(|w| w.journal >= capacity).unwrap_or(0);
    let warmup = (windows.len() / 5).max(1).max(full);
    let (Some(reference), Some(last)) = (windows.get(warmup), windows.last()) else {
        return Err(format!("too short to compare windows: {} windows", windows.len()).into());
    };
    let growth = last.rss.saturating_sub(reference.rss);
    let requests = last.requests_total.saturating_sub(reference.requests_total);
    println!(
        "RSS from window {} to the last: {:+} KiB over {requests} requests ({} B/request)",
        warmup + 1,
        (last.rss as i64 - reference.rss as i64) / 1024,
        growth.checked_div(requests).unwrap_or(0)
    );

    // The slope of the last third, where a leak shows as steady growth and a stall's
    // high-water step (reported above) usually is not.
    let tail = &windows[windows.len() - windows.len().div_ceil(3)..];
    if let (Some(first), Some(end)) = (tail.first(), tail.last()) {
        let requests = end.requests_total.saturating_sub(first.requests_total);
        println!(
            "RSS over the last {} windows: {:+} KiB over {requests} requests",
            tail.len(),
            (end.rss as i64 - first.rss as i64) / 1024
        );
    }

    assert_eq!(errors, 0, "every request of the mix succeeds: {:?}", late.first_error);
    assert_eq!(total_done, sent, "every request sent was answered");
    assert!(windows.iter().all(|w| w.ledger_ok), "the ledger invariants hold at every window");
    assert!(
        mock.state().store().read(tenant, |l: &Ledger| l.check().is_ok()),
        "the ledger invariants hold at the end"
    );
    assert!(windows.iter().all(|w| w.journal <= capacity), "the journal stays within its cap");
    if sent as usize > capacity {
        assert_eq!(mock.state().journal().len(), capacity, "the journal is full, not unbounded");
    }
    let budget = RSS_SLACK_BYTES + RSS_BYTES_PER_REQUEST * requests;
    assert!(
        growth <= budget,
        "RSS grew {growth} B over {requests} requests after warm-up; budget {budget} B"
    );
    assert!(
        end_fds <= base_fds,
        "file descriptors leaked: {end_fds} open after the load, {base_fds} before"
    );
    assert!(
        end_tasks <= base_tasks,
        "tasks leaked: {end_tasks} alive after the load, {base_tasks} before"
    );
    mock.shutdown().await?;
    Ok(())
}
