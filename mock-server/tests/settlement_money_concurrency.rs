//! Settlement money under concurrent requests: many refunds or splits racing over one order
//! through the SDK, over loopback. Each request is one store transaction, so the limits hold
//! whatever the interleaving.

mod settlement_money_support;
mod support;

use futures_util::future::join_all;
use wechatpay_profitsharing::ProfitSharing;
use wechatpay_refunds::Refunds;

use settlement_money_support::{
    balance, check_ok, pay, refund_request, split_request, start, Env, PLATFORM, SUB,
};
use support::admin;

// Proves 200 concurrent refunds of 3 fen with distinct out_refund_no over an order of 100 fen
// accept exactly 33 (99 fen) and refuse the rest: never more than was paid.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_refunds_never_exceed_the_paid_amount() {
    let Env { mock, transport } = start().await;
    let tx = pay(&mock, &transport, "CR0000000001", 100, false, None).await;
    let refunds = Refunds::new(transport);
    let calls = (0..200).map(|i| {
        let refunds = refunds.clone();
        let req = refund_request(&tx, &format!("CR{i:03}"), 3, 100);
        tokio::spawn(async move { refunds.apply(&req).await })
    });
    let results: Vec<_> = join_all(calls).await.into_iter().map(|r| r.unwrap()).collect();
    let accepted = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(accepted, 33);
    for e in results.iter().filter_map(|r| r.as_ref().err()) {
        assert!(e.is_code("INVALID_REQUEST"), "{e:?}");
    }
    assert_eq!(balance(&mock, &format!("{SUB}:AVAILABLE")).await, 1);
    check_ok(&mock).await;
}

// Proves the same out_refund_no sent 50 times at once creates one refund: every answer names
// it, and the ledger moved its money once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn same_out_refund_no_in_parallel_creates_one_refund() {
    let Env { mock, transport } = start().await;
    let tx = pay(&mock, &transport, "CR0000000002", 1_000, true, None).await;
    let refunds = Refunds::new(transport);
    let calls = (0..50).map(|_| {
        let refunds = refunds.clone();
        let req = refund_request(&tx, "SAME0001", 250, 1_000);
        tokio::spawn(async move { refunds.apply(&req).await })
    });
    let ids: Vec<String> =
        join_all(calls).await.into_iter().map(|r| r.unwrap().unwrap().refund_id).collect();
    assert!(ids.iter().all(|id| *id == ids[0]), "{ids:?}");
    let (_, entries) = admin(&mock, "GET", "/ledger/entries?kind=REFUND", None).await;
    assert_eq!(entries.as_array().unwrap().len(), 1);
    assert_eq!(balance(&mock, &format!("{SUB}:FROZEN")).await, 750);
    check_ok(&mock).await;
}

// Proves 40 concurrent splits of 10 fen over an order of 1000 fen (cap 30 %) accept exactly
// 30 and refuse the rest with RULE_LIMIT.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_splits_never_exceed_the_cap() {
    let Env { mock, transport } = start().await;
    let tx = pay(&mock, &transport, "CS0000000001", 1_000, true, None).await;
    let sharing = ProfitSharing::new(transport);
    let calls = (0..40).map(|i| {
        let sharing = sharing.clone();
        let req = split_request(&tx, &format!("CS{i:03}"), PLATFORM, 10);
        tokio::spawn(async move { sharing.create_order(&req).await })
    });
    let results: Vec<_> = join_all(calls).await.into_iter().map(|r| r.unwrap()).collect();
    assert_eq!(results.iter().filter(|r| r.is_ok()).count(), 30);
    for e in results.iter().filter_map(|r| r.as_ref().err()) {
        assert!(e.is_code("RULE_LIMIT"), "{e:?}");
    }
    assert_eq!(balance(&mock, &format!("{PLATFORM}:AVAILABLE")).await, 300);
    assert_eq!(sharing.query_amounts(&tx).await.unwrap().unsplit_amount, 700);
    check_ok(&mock).await;
}
