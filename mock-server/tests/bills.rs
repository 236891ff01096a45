//! Bills end to end: a day of payments, refunds, splits and withdrawals on the mock, then
//! every bill downloaded, checked and parsed by wechatpay-bill, and reconciled with the
//! ledger and with the balances wechatpay-fund reads.

mod settlement_money_support;
mod support;

use wechatpay_bill::{
    AccountType, AeadAlgorithm, BillError, BillType, Bills, Date, DownloadOptions,
    EcommerceFundFlowBillParams, FundFlowBillParams, SubMerchantFundFlowBillParams, TarType,
    TradeBillParams,
};
use wechatpay_crypto::PrivateKey;
use wechatpay_fund::{Funds, SubWithdrawRequest};
use wechatpay_profitsharing::{AddReceiverRequest, ProfitSharing, ReceiverType, RelationType};
use wechatpay_refunds::Refunds;

use settlement_money_support::{
    check_ok, pay, refund_request, split_request, start, Env, PLATFORM, RECEIVER, SUB,
};

fn day() -> Date {
    Date::parse("2026-01-01").unwrap()
}

fn advance(mock: &wechatpay_mock::MockServer, secs: i64) {
    mock.state().tenants().default_tenant().clock().advance(secs).unwrap();
}

fn trade_params(tar: Option<TarType>) -> TradeBillParams {
    TradeBillParams {
        bill_date: day(),
        sub_mchid: None,
        bill_type: Some(BillType::All),
        tar_type: tar,
    }
}

/// A day of activity on 2026-01-01 (from 10:00 +08:00): three payments (one frozen for
/// profit sharing), a split, two refunds, a withdrawal that arrives.
async fn a_day(env: &Env) {
    let Env { mock, transport } = env;
    pay(mock, transport, "B0000000001", 10_000, false, None).await;
    pay(mock, transport, "B0000000002", 2_500, false, None).await;
    let frozen = pay(mock, transport, "B0000000003", 8_000, true, None).await;
    let sharing = ProfitSharing::new(transport.clone());
    sharing
        .add_receiver(&AddReceiverRequest {
            appid: "wx8888888888888888".into(),
            r#type: ReceiverType::MerchantId,
            account: RECEIVER.into(),
            name: Some("测试接收方有限公司".into()),
            relation_type: RelationType::Supplier,
            encrypted_name: None,
        })
        .await
        .unwrap();
    sharing.create_order(&split_request(&frozen, "S0000000001", PLATFORM, 800)).await.unwrap();
    let refunds = Refunds::new(transport.clone());
    let (_, order) = support::admin(
        mock,
        "GET",
        &format!("/payments/order?sub_mchid={SUB}&out_trade_no=B0000000001"),
        None,
    )
    .await;
    let tx1 = order["order"]["transaction_id"].as_str().unwrap().to_owned();
    refunds.apply(&refund_request(&tx1, "R0000000001", 1_000, 10_000)).await.unwrap();
    refunds.apply(&refund_request(&frozen, "R0000000002", 700, 8_000)).await.unwrap();
    let funds = Funds::new(transport.clone());
    funds
        .withdraw(&SubWithdrawRequest {
            sub_mchid: SUB.into(),
            out_request_no: "W0000000001".into(),
            amount: 4_000,
            remark: None,
            bank_memo: None,
            account_type: None,
            notify_url: None,
        })
        .await
        .unwrap();
    advance(mock, 120); // the withdrawal arrives
    funds.query_withdraw_by_out_request_no(SUB, "W0000000001").await.unwrap();
}

// Proves the whole reconciliation: before 09:00 the next day no bill exists; after, the
// trade bill (gzip), the platform fund-flow bill, and both encrypted sub-merchant fund-flow
// bills download, verify by SHA-1, parse, and agree exactly with the activity, with the
// ledger and with the day-end balances (sum of movements = balance change).
#[tokio::test]
async fn a_day_reconciles_with_ledger_and_balances() {
    let env = start().await;
    a_day(&env).await;
    let Env { mock, transport } = &env;
    let bills = Bills::new(transport.clone());
    let funds = Funds::new(transport.clone());
    let dir = tempfile::tempdir().unwrap();

    advance(mock, 14 * 3600); // 2026-01-02 ~00:02: the day is over, the bill is not ready
    let early = bills.trade_bill(&trade_params(None)).await.unwrap_err();
    assert!(early.is_code("NO_STATEMENT_EXIST"), "{early:?}");
    advance(mock, 9 * 3600); // past 09:00

    // Trade bill: three payments, two refunds.
    let info = bills.trade_bill(&trade_params(Some(TarType::Gzip))).await.unwrap();
    let file = bills
        .download(&info, &DownloadOptions::gzip(), &dir.path().join("trade.csv"))
        .await
        .unwrap();
    assert_eq!(file.sha1_hex(), info.hash_value);
    let trade = file.trade_bill().unwrap();
    let paid: Vec<i64> = trade
        .rows
        .iter()
        .filter(|r| r.trade_state == "SUCCESS")
        .map(|r| r.settlement_total_fen)
        .collect();
    assert_eq!(paid, [10_000, 2_500, 8_000]);
    let refunded: Vec<i64> =
        trade.rows.iter().filter(|r| r.trade_state == "REFUND").map(|r| r.refund_fen).collect();
    assert_eq!(refunded, [1_000, 700]);
    assert_eq!(
        (trade.summary.count, trade.summary.settlement_total_fen, trade.summary.refund_fen),
        (5, 20_500, 1_700)
    );

    // Every sub-merchant's fund flow, encrypted: its movements add up to the BASIC balance
    // (available + pending) at the end of the day, which started at zero.
    let key =
        PrivateKey::from_pem(mock.identity().merchant_private_key_pem.as_ref().unwrap()).unwrap();
    let list = bills
        .ecommerce_fund_flow_bill(&EcommerceFundFlowBillParams {
            bill_date: day(),
            account_type: AccountType::All,
            algorithm: AeadAlgorithm::AeadAes256Gcm,
            tar_type: None,
        })
        .await
        .unwrap();
    let all = bills
        .download_encrypted(&list, &key, &DownloadOptions::plain(), &dir.path().join("all.csv"))
        .await
        .unwrap()
        .fund_flow_bill()
        .unwrap();
    let sub_end = funds.sub_day_end_balance(SUB, day(), None).await.unwrap();
    let sub_net: i64 = all.rows.iter().map(|r| r.signed_fen()).sum();
    assert_eq!(sub_net, sub_end.available_amount + sub_end.pending_amount.unwrap_or(0));
    assert_eq!(all.rows.last().unwrap().balance_fen, sub_net);
    // 20,500 paid in; 800 split out, 1,700 refunded, 4,000 withdrawn.
    assert_eq!((all.summary.income_fen, all.summary.expense_fen), (20_500, 6_500));

    let one = bills
        .sub_merchant_fund_flow_bill(&SubMerchantFundFlowBillParams {
            sub_mchid: SUB.into(),
            bill_date: day(),
            account_type: AccountType::Basic,
            algorithm: AeadAlgorithm::AeadAes256Gcm,
            tar_type: Some(TarType::Gzip),
        })
        .await
        .unwrap();
    let one = bills
        .download_encrypted(&one, &key, &DownloadOptions::gzip(), &dir.path().join("sub.csv"))
        .await
        .unwrap()
        .fund_flow_bill()
        .unwrap();
    assert_eq!(one.rows, all.rows, "one sub-merchant here, so both bills agree");

    // The platform's own BASIC fund flow: the split it received.
    let info = bills
        .fund_flow_bill(&FundFlowBillParams {
            bill_date: day(),
            account_type: None,
            tar_type: None,
        })
        .await
        .unwrap();
    let platform = bills
        .download(&info, &DownloadOptions::plain(), &dir.path().join("platform.csv"))
        .await
        .unwrap()
        .fund_flow_bill()
        .unwrap();
    let end = funds.platform_day_end_balance(AccountType::Basic, day()).await.unwrap();
    let net: i64 = platform.rows.iter().map(|r| r.signed_fen()).sum();
    assert_eq!(net, 800);
    assert_eq!(net, end.available_amount + end.pending_amount.unwrap_or(0));
    check_ok(mock).await;
}

// Proves a wrong hash_value and an expired download URL are errors that leave no output
// file behind, and a tampered encrypted file does not decrypt.
#[tokio::test]
async fn wrong_hash_expired_url_and_tampering_are_detected() {
    let env = start().await;
    let Env { mock, transport } = &env;
    pay(mock, transport, "B0000000009", 1_234, false, None).await;
    advance(mock, 23 * 3600 + 60);
    let bills = Bills::new(transport.clone());
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("trade.csv");

    let mut info = bills.trade_bill(&trade_params(Some(TarType::Gzip))).await.unwrap();
    info.hash_value = "da39a3ee5e6b4b0d3255bfef95601890afd80709".into();
    let err = bills.download(&info, &DownloadOptions::gzip(), &out).await.unwrap_err();
    assert!(matches!(err, BillError::HashMismatch { .. }), "{err:?}");
    assert!(!out.exists() && !wechatpay_bill::part_path(&out).exists());

    let info = bills.trade_bill(&trade_params(None)).await.unwrap();
    advance(mock, 301);
    let err = bills.download(&info, &DownloadOptions::plain(), &out).await.unwrap_err();
    let BillError::Download { source, .. } = &err else { panic!("{err:?}") };
    assert!(source.is_code("INVALID_REQUEST"), "{source:?}");
    assert!(!out.exists());

    // A list whose file is another one's: the key does not open it.
    let key =
        PrivateKey::from_pem(mock.identity().merchant_private_key_pem.as_ref().unwrap()).unwrap();
    let params = SubMerchantFundFlowBillParams {
        sub_mchid: SUB.into(),
        bill_date: Date::parse("2026-01-01").unwrap(),
        account_type: AccountType::Basic,
        algorithm: AeadAlgorithm::AeadAes256Gcm,
        tar_type: None,
    };
    let a = bills.sub_merchant_fund_flow_bill(&params).await.unwrap();
    let mut b = bills.sub_merchant_fund_flow_bill(&params).await.unwrap();
    let a_file = a.download_bill_list.unwrap().remove(0);
    b.download_bill_list.as_mut().unwrap()[0].download_url = a_file.download_url;
    let err =
        bills.download_encrypted(&b, &key, &DownloadOptions::plain(), &out).await.unwrap_err();
    assert!(matches!(err, BillError::Decrypt { .. }), "{err:?}");
    assert!(!out.exists());
}
