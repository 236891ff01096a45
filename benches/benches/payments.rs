//! Payments through the SDK against the in-process mock, as ratios to baselines measured in
//! the same run:
//!
//! - **prepay round trips per second** (`Partner::prepay_native`, a new `out_trade_no` each:
//!   client sign + mock rules + order creation + mock sign + client verify) against signed
//!   `GET /v3/certificates` per second through the same transport (the cheapest signed
//!   exchange: the same RSA work, no business logic);
//! - **memory of the mock per 100,000 paid orders**: resident memory grown while orders are
//!   prepaid and paid (admin API; ledger entries and the recorded `TRANSACTION.SUCCESS`
//!   deliveries included), extrapolated linearly, and as a ratio to the JSON size of one
//!   paid order's query answer (how many times its own wire size the mock keeps per order).
//!   Linux only (`/proc/self/statm`); the client's share of the growth is small and steady.
//!
//! Run with `cargo bench -p wechatpay-benches --bench payments`; results are in
//! `docs/performance.md` ("Transport and mock server"). Under `cargo test` it runs a few
//! orders only, as a smoke test.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use futures_util::StreamExt;
use wechatpay_crypto::{ApiV3Key, PrivateKey};
use wechatpay_mock::config::CallbackPolicy;
use wechatpay_mock::{MockConfig, MockServer, TenantConfig};
use wechatpay_models::amount::Currency;
use wechatpay_models::payments::{PartnerPrepayAmount, PartnerPrepayRequest, SettleInfo};
use wechatpay_payments::Partner;
use wechatpay_transport::http::{self, Method};
use wechatpay_transport::{HttpClient, HyperClient, KeyMode, RetryPolicy, Transport};

/// Worker threads of the runtime, server and clients together: the 2 cores of the issue.
const WORKERS: usize = 2;
/// Client tasks sending at once.
const CONCURRENCY: u32 = 16;

struct Counts {
    warm_up: u32,
    requests: u32,
    /// Orders prepaid and paid before the memory measurement starts.
    orders_before: u32,
    /// Orders prepaid and paid during the memory measurement.
    orders: u32,
}

const FULL: Counts = Counts { warm_up: 200, requests: 3_000, orders_before: 1_000, orders: 20_000 };
const SMOKE: Counts = Counts { warm_up: 4, requests: 32, orders_before: 16, orders: 32 };

fn transport(mock: &MockServer) -> Transport {
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

fn order(out_trade_no: String) -> PartnerPrepayRequest {
    PartnerPrepayRequest {
        sp_appid: "wx8888888888888888".into(),
        sp_mchid: "1900000100".into(),
        sub_appid: None,
        sub_mchid: "1900000109".into(),
        description: "Image形象店-深圳腾大-QQ公仔".into(),
        out_trade_no,
        time_expire: None,
        attach: Some("bench".into()),
        notify_url: "http://127.0.0.1:9/wxpay/notify".into(),
        goods_tag: None,
        limit_pay: None,
        support_fapiao: None,
        amount: PartnerPrepayAmount { total: 1_000, currency: Some(Currency::Cny) },
        payer: None,
        detail: None,
        scene_info: None,
        settle_info: Some(SettleInfo { profit_sharing: Some(true), subsidy_amount: None }),
    }
}

/// Runs `total` calls of `one(i)` over `CONCURRENCY` tasks (each `i` once); calls per second.
async fn drive<F, Fut>(total: u32, one: F) -> f64
where
    F: Fn(u64) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let one = Arc::new(one);
    let next = Arc::new(AtomicU64::new(0));
    let total = u64::from(total);
    let started = Instant::now();
    let tasks: Vec<_> = (0..CONCURRENCY)
        .map(|_| {
            let (one, next) = (Arc::clone(&one), Arc::clone(&next));
            tokio::spawn(async move {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    if i >= total {
                        break;
                    }
                    one(i).await;
                }
            })
        })
        .collect();
    for t in tasks {
        t.await.unwrap_or_else(|e| panic!("client task: {e}"));
    }
    total as f64 / started.elapsed().as_secs_f64()
}

/// Signed `GET /v3/certificates` per second through the transport (the baseline).
async fn get_rps(t: &Transport, counts: &Counts) -> f64 {
    let get = |t: Transport| {
        move |_| {
            let t = t.clone();
            async move {
                let answer: serde_json::Value = t
                    .request(Method::GET, "/v3/certificates")
                    .send_json()
                    .await
                    .unwrap_or_else(|e| panic!("GET: {e:?}"));
                assert_eq!(answer["data"].as_array().map(Vec::len), Some(1));
            }
        }
    };
    drive(counts.warm_up, get(t.clone())).await;
    drive(counts.requests, get(t.clone())).await
}

/// Partner prepays per second, each with its own `out_trade_no` (`prefix` + index).
async fn prepay_rps(partner: &Partner, prefix: &'static str, total: u32) -> f64 {
    let partner = partner.clone();
    drive(total, move |i| {
        let call = partner.prepay_native(&order(format!("{prefix}{i:012}")));
        async move {
            let code_url = call.await.unwrap_or_else(|e| panic!("prepay: {e:?}"));
            assert!(code_url.as_str().starts_with("weixin://"));
        }
    })
    .await
}

/// Pays `total` orders `prefix` + index through the admin API (unsigned, no RSA).
async fn pay_all(mock: &MockServer, prefix: &'static str, total: u32) {
    let client =
        Arc::new(HyperClient::new(Duration::from_secs(10)).unwrap_or_else(|e| panic!("{e}")));
    let url = format!("{}{}/payments/pay", mock.base_url(), wechatpay_mock::ADMIN_PREFIX);
    drive(total, move |i| {
        let body = format!(r#"{{"sub_mchid":"1900000109","out_trade_no":"{prefix}{i:012}"}}"#);
        let request = http::Request::post(url.as_str())
            .header("content-type", "application/json")
            .body(Bytes::from(body))
            .unwrap_or_else(|e| panic!("request: {e}"));
        let client = Arc::clone(&client);
        async move {
            let response = client.send(request).await.unwrap_or_else(|e| panic!("pay: {e}"));
            assert_eq!(response.status(), 200);
            let mut body = response.into_body();
            while let Some(chunk) = body.next().await {
                chunk.unwrap_or_else(|e| panic!("body: {e}"));
            }
        }
    })
    .await;
}

/// Resident memory of this process, bytes (Linux).
fn rss_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

fn main() {
    let counts = if std::env::args().any(|a| a == "--bench") { FULL } else { SMOKE };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(WORKERS)
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("runtime: {e}"));
    let (get, prepay, grown, answer_len) = runtime.block_on(async {
        // Callbacks are recorded, not POSTed: the deliveries stay in memory, nobody listens.
        let tenant = TenantConfig {
            callback: CallbackPolicy { deliver: false, ..CallbackPolicy::default() },
            ..TenantConfig::builtin()
        };
        let config = MockConfig { tenants: vec![tenant], ..MockConfig::default() };
        let mock =
            MockServer::builder().config(config).start().await.unwrap_or_else(|e| panic!("{e}"));
        let t = transport(&mock);
        let partner = Partner::new(t.clone());
        let get = get_rps(&t, &counts).await;
        let prepay = prepay_rps(&partner, "W", counts.requests).await;

        prepay_rps(&partner, "B", counts.orders_before).await;
        pay_all(&mock, "B", counts.orders_before).await;
        let before = rss_bytes();
        prepay_rps(&partner, "M", counts.orders).await;
        let prepaid = rss_bytes();
        pay_all(&mock, "M", counts.orders).await;
        let after = rss_bytes();
        let one = partner
            .query_by_out_trade_no(format!("M{:012}", 0), "1900000109")
            .await
            .unwrap_or_else(|e| panic!("query: {e:?}"));
        assert!(one.trade_state == wechatpay_models::payments::TradeState::Success);
        let answer_len = serde_json::to_vec(&one).map_or(0, |v| v.len());
        let grown = before
            .zip(prepaid)
            .zip(after)
            .map(|((b, p), a)| (p.saturating_sub(b), a.saturating_sub(b)));
        (get, prepay, grown, answer_len)
    });
    println!("payments: {CONCURRENCY} client tasks, {WORKERS} worker threads");
    println!("  signed GET /v3/certificates   {get:>8.0} req/s   (baseline)");
    println!("  partner prepay (native)       {prepay:>8.0} req/s   ratio {:.2}", prepay / get);
    match grown {
        Some((unpaid, bytes)) => {
            println!(
                "  of which the unpaid orders:    {:.0} B/order (the rest: payment, ledger entry, recorded callback)",
                unpaid as f64 / f64::from(counts.orders)
            );
            let per_order = bytes as f64 / f64::from(counts.orders);
            println!(
                "  mock memory: +{:.1} MiB over {} paid orders = {per_order:.0} B/order, {:.0} MiB per 100,000",
                bytes as f64 / 1_048_576.0,
                counts.orders,
                per_order * 100_000.0 / 1_048_576.0
            );
            println!(
                "  per order vs its query answer ({answer_len} B of JSON): ratio {:.1}",
                per_order / answer_len.max(1) as f64
            );
        }
        None => println!("  mock memory: not measured (no /proc/self/statm)"),
    }
}
