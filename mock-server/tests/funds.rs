//! Balances and withdrawals end to end: wechatpay-fund against `MockServer::start()` over
//! loopback, money put in by payments (admin payer) and the ledger deposit hook, time moved
//! on the tenant's virtual clock.

mod settlement_money_support;
mod support;

use serde_json::json;
use wechatpay_fund::{
    AccountType, Date, Funds, PlatformWithdrawRequest, SubWithdrawRequest, WithdrawStatus,
    WithdrawStatusExt,
};

use settlement_money_support::{check_ok, pay, start, Env, PLATFORM, SUB};
use support::admin;

fn withdrawal(out_request_no: &str, amount: i64, notify: bool) -> SubWithdrawRequest {
    SubWithdrawRequest {
        sub_mchid: SUB.into(),
        out_request_no: out_request_no.into(),
        amount,
        remark: Some("货款提现".into()),
        bank_memo: Some("货款".into()),
        account_type: None,
        notify_url: notify.then(|| "http://127.0.0.1:9/withdraw".into()),
    }
}

fn advance(mock: &wechatpay_mock::MockServer, secs: i64) {
    mock.state().tenants().default_tenant().clock().advance(secs).unwrap();
}

// Proves a withdrawal moves money available → in transit → bank: CREATE_SUCCESS at once,
// SUCCESS only after the arrival delay on the virtual clock, the same out_request_no answers
// the same withdrawal (other content is refused), a bank bounce (admin) returns the money as
// REFUND, and every change is notified as MCHWITHDRAW.CHANGE.
#[tokio::test]
async fn withdrawal_arrives_then_bounces() {
    let Env { mock, transport } = start().await;
    let funds = Funds::new(transport.clone());
    pay(&mock, &transport, "F0000000001", 10_000, false, None).await;
    assert_eq!(funds.sub_balance(SUB, None).await.unwrap().available_amount, 10_000);

    let req = withdrawal("W0000000001", 3_000, true);
    let accepted = funds.withdraw(&req).await.unwrap();
    let again = funds.withdraw(&req).await.unwrap();
    assert_eq!(again.withdraw_id, accepted.withdraw_id, "same out_request_no, same withdrawal");
    let mut other = req.clone();
    other.amount = 3_001;
    assert!(funds.withdraw(&other).await.unwrap_err().is_code("INVALID_REQUEST"));
    let w = funds.query_withdraw(SUB, &accepted.withdraw_id).await.unwrap();
    assert_eq!(w.status, WithdrawStatus::CreateSuccess);
    assert_eq!(funds.sub_balance(SUB, None).await.unwrap().available_amount, 7_000);

    advance(&mock, 61);
    let w = funds.query_withdraw_by_out_request_no(SUB, "W0000000001").await.unwrap();
    assert_eq!(w.status, WithdrawStatus::Success);
    assert!(w.status.is_paid_out() && !w.status.is_final());

    let (status, bounced) =
        admin(&mock, "POST", &format!("/withdrawals/{}/refund", accepted.withdraw_id), None).await;
    assert_eq!(status, 200, "{bounced}");
    let w = funds.query_withdraw(SUB, &accepted.withdraw_id).await.unwrap();
    assert_eq!(w.status, WithdrawStatus::Refund);
    assert!(w.status.is_final() && w.reason.is_some());
    assert_eq!(funds.sub_balance(SUB, None).await.unwrap().available_amount, 10_000);

    let (_, deliveries) = admin(&mock, "GET", "/callbacks", None).await;
    let events: Vec<&str> = deliveries["deliveries"]
        .as_array()
        .or_else(|| deliveries.as_array())
        .unwrap()
        .iter()
        .filter(|d| d["event_type"] == "MCHWITHDRAW.CHANGE")
        .map(|d| d["resource_json"].as_str().unwrap())
        .collect();
    let statuses: Vec<String> = events
        .iter()
        .map(|r| serde_json::from_str::<serde_json::Value>(r).unwrap()["status"].to_string())
        .collect();
    assert_eq!(statuses, ["\"CREATE_SUCCESS\"", "\"SUCCESS\"", "\"REFUND\""]);
    check_ok(&mock).await;
}

// Proves a withdrawal larger than the balance is answered NOT_ENOUGH but recorded INIT, the
// same request succeeds once money arrived, a failed one (admin) returns the money, and an
// INIT one can be closed.
#[tokio::test]
async fn init_until_funds_arrive_fail_and_close() {
    let Env { mock, transport } = start().await;
    let funds = Funds::new(transport.clone());
    let big = withdrawal("W0000000002", 5_000, false);
    let err = funds.withdraw(&big).await.unwrap_err();
    assert!(err.is_code("NOT_ENOUGH"), "{err:?}");
    let w = funds.query_withdraw_by_out_request_no(SUB, "W0000000002").await.unwrap();
    assert_eq!(w.status, WithdrawStatus::Init);
    assert!(!w.status.is_final());

    pay(&mock, &transport, "F0000000002", 6_000, false, None).await;
    let accepted = funds.withdraw(&big).await.unwrap();
    assert_eq!(accepted.withdraw_id, w.withdraw_id);
    assert_eq!(funds.sub_balance(SUB, None).await.unwrap().available_amount, 1_000);

    let (status, failed) =
        admin(&mock, "POST", &format!("/withdrawals/{}/fail", w.withdraw_id), None).await;
    assert_eq!((status, failed["status"].as_str()), (200, Some("FAIL")), "{failed}");
    assert_eq!(funds.sub_balance(SUB, None).await.unwrap().available_amount, 6_000);

    let lonely = withdrawal("W0000000003", 999_999, false);
    assert!(funds.withdraw(&lonely).await.unwrap_err().is_code("NOT_ENOUGH"));
    let w3 = funds.query_withdraw_by_out_request_no(SUB, "W0000000003").await.unwrap();
    let (status, _) =
        admin(&mock, "POST", &format!("/withdrawals/{}/close", w3.withdraw_id), None).await;
    assert_eq!(status, 200);
    assert_eq!(
        funds.query_withdraw(SUB, &w3.withdraw_id).await.unwrap().status,
        WithdrawStatus::Close
    );
    let (status, _) =
        admin(&mock, "POST", &format!("/withdrawals/{}/refund", w3.withdraw_id), None).await;
    assert_eq!(status, 400, "a closed withdrawal cannot bounce");
    check_ok(&mock).await;
}

// Proves the platform's balances per account type, its withdrawal from OPERATION, and
// day-end balances: refused while the day runs, then equal to the ledger at 00:00 +08:00
// even after later movements.
#[tokio::test]
async fn platform_balances_and_day_end() {
    let Env { mock, transport } = start().await;
    let funds = Funds::new(transport.clone());
    for (account, fen) in [("OPERATION", 50_000), ("FEES", 700), ("DEPOSIT", 300)] {
        let (status, e) = admin(
            &mock,
            "POST",
            "/ledger/deposit",
            Some(json!({"account": format!("{PLATFORM}:{account}"), "amount_fen": fen})),
        )
        .await;
        assert_eq!(status, 200, "{e}");
    }
    assert_eq!(
        funds.platform_balance(AccountType::Operation).await.unwrap().available_amount,
        50_000
    );
    assert_eq!(funds.platform_balance(AccountType::Fees).await.unwrap().available_amount, 700);
    assert_eq!(funds.platform_balance(AccountType::Deposit).await.unwrap().available_amount, 300);
    assert_eq!(funds.platform_balance(AccountType::Basic).await.unwrap().available_amount, 0);
    pay(&mock, &transport, "F0000000003", 2_000, true, None).await;
    let sub = funds.sub_balance(SUB, Some(AccountType::Basic)).await.unwrap();
    assert_eq!(
        (sub.available_amount, sub.pending_amount),
        (0, Some(2_000)),
        "profit sharing freezes"
    );

    let req = PlatformWithdrawRequest {
        out_request_no: "P0000000001".into(),
        amount: 20_000,
        remark: None,
        bank_memo: None,
        account_type: AccountType::Operation,
        notify_url: None,
    };
    let accepted = funds.platform_withdraw(&req).await.unwrap();
    assert_eq!(funds.platform_withdraw(&req).await.unwrap().withdraw_id, accepted.withdraw_id);
    let w = funds.query_platform_withdraw(&accepted.withdraw_id).await.unwrap();
    assert_eq!((w.status, w.account_type), (WithdrawStatus::CreateSuccess, AccountType::Operation));

    let today = Date::parse("2026-01-01").unwrap();
    let early = funds.platform_day_end_balance(AccountType::Operation, today).await.unwrap_err();
    assert!(early.is_code("INVALID_REQUEST"), "{early:?}");
    advance(&mock, 14 * 3600 + 1); // 2026-01-02 00:00:01 +08:00
    pay(&mock, &transport, "F0000000004", 500, false, None).await; // the next day: not counted
    let end = funds.platform_day_end_balance(AccountType::Operation, today).await.unwrap();
    assert_eq!(end.available_amount, 30_000);
    let sub_end = funds.sub_day_end_balance(SUB, today, None).await.unwrap();
    assert_eq!((sub_end.available_amount, sub_end.pending_amount), (0, Some(2_000)));
    assert_eq!(funds.sub_balance(SUB, None).await.unwrap().available_amount, 500);
    assert_eq!(
        funds.query_platform_withdraw_by_out_request_no("P0000000001").await.unwrap().status,
        WithdrawStatus::Success
    );
    check_ok(&mock).await;
}
