//! Refunds, profit sharing and subsidies end to end: the SDK's service crates
//! (wechatpay-refunds, wechatpay-profitsharing) against `MockServer::start()` over loopback,
//! orders paid through the payments admin API, balances read from the ledger admin API.

mod settlement_money_support;
mod support;

use serde_json::json;
use wechatpay_profitsharing::{
    AddReceiverRequest, CancelSubsidyRequest, CreateOrderReceiver, CreateReturnOrderRequest,
    CreateSubsidyRequest, FinishOrderRequest, ProfitSharing, ReceiverType, RelationType,
    ReturnOrderParams, ReturnSubsidyRequest, Subsidies,
};
use wechatpay_refunds::{RefundAccount, RefundStatus, Refunds};

use settlement_money_support::{
    balance, check_ok, pay, refund_request, split_request, start, Env, PLATFORM, RECEIVER, SUB,
};
use support::admin;

async fn add_merchant_receiver(sharing: &ProfitSharing, account: &str) {
    sharing
        .add_receiver(&AddReceiverRequest {
            appid: "wx8888888888888888".into(),
            r#type: ReceiverType::MerchantId,
            account: account.into(),
            name: Some("测试接收方有限公司".into()),
            relation_type: RelationType::Supplier,
            encrypted_name: None,
        })
        .await
        .unwrap();
}

// Proves the §5.4 flow moves exactly the expected money: a frozen order is split 10 % to the
// platform and 20 % to an added receiver, a third split over the 30 % cap is refused, part of
// a split comes back, a personal receiver (name encrypted by the SDK, decrypted by the mock)
// gets what the return freed, and finish unfreezes the rest to the sub-merchant.
#[tokio::test]
async fn split_return_finish_moves_exactly_the_expected_money() {
    let Env { mock, transport } = start().await;
    let sharing = ProfitSharing::new(transport.clone());
    let tx = pay(&mock, &transport, "PS0000000001", 10_000, true, None).await;
    add_merchant_receiver(&sharing, RECEIVER).await;
    sharing
        .add_receiver(&AddReceiverRequest {
            appid: "wx8888888888888888".into(),
            r#type: ReceiverType::PersonalOpenid,
            account: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o".into(),
            name: None,
            relation_type: RelationType::Distributor,
            encrypted_name: Some("张三".into()),
        })
        .await
        .unwrap();

    let first = sharing.create_order(&split_request(&tx, "S1", PLATFORM, 1_000)).await.unwrap();
    assert_eq!(first.receivers.as_ref().unwrap()[0].amount, 1_000);
    sharing.create_order(&split_request(&tx, "S2", RECEIVER, 2_000)).await.unwrap();
    let over = sharing.create_order(&split_request(&tx, "S3", PLATFORM, 1)).await.unwrap_err();
    assert!(over.is_code("RULE_LIMIT"), "{over:?}");
    assert_eq!(sharing.query_amounts(&tx).await.unwrap().unsplit_amount, 7_000);

    let ret = CreateReturnOrderRequest {
        sub_mchid: SUB.into(),
        order_id: None,
        out_order_no: Some("S2".into()),
        out_return_no: "R1".into(),
        return_mchid: RECEIVER.into(),
        amount: 500,
        description: "退货".into(),
    };
    let returned = sharing.create_return(&ret).await.unwrap();
    assert_eq!(returned.amount, 500);
    let again = sharing.create_return(&ret).await.unwrap();
    assert_eq!(again.return_no, returned.return_no, "same out_return_no, same return");
    let queried = sharing
        .query_return(&ReturnOrderParams {
            sub_mchid: SUB.into(),
            order_id: None,
            out_order_no: Some("S2".into()),
            out_return_no: "R1".into(),
        })
        .await
        .unwrap();
    assert_eq!(queried.return_no, returned.return_no);

    let mut personal = split_request(&tx, "S4", "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o", 500);
    personal.appid = Some("wx8888888888888888".into());
    personal.receivers = vec![CreateOrderReceiver {
        r#type: ReceiverType::PersonalOpenid,
        receiver_account: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o".into(),
        receiver_mchid: None,
        amount: 500,
        description: "分润".into(),
        receiver_name: Some("张三".into()),
    }];
    sharing.create_order(&personal).await.unwrap();
    let over = sharing.create_order(&split_request(&tx, "S5", PLATFORM, 1)).await.unwrap_err();
    assert!(over.is_code("RULE_LIMIT"), "the return freed exactly what was split again");
    let order = sharing.query_order(SUB, &tx, "S1").await.unwrap();
    assert_eq!(order.order_id, first.order_id);

    sharing
        .finish(&FinishOrderRequest {
            sub_mchid: SUB.into(),
            transaction_id: tx.clone(),
            out_order_no: "F1".into(),
            description: "分账完结".into(),
            notify_url: None,
        })
        .await
        .unwrap();
    assert_eq!(sharing.query_amounts(&tx).await.unwrap().unsplit_amount, 0);
    let after = sharing.create_order(&split_request(&tx, "S6", PLATFORM, 1)).await.unwrap_err();
    assert!(after.is_code("INVALID_REQUEST"), "{after:?}");

    // 10 000 − 1 000 − 2 000 + 500 − 500 = 7 000 unfrozen to the sub-merchant.
    assert_eq!(balance(&mock, &format!("{SUB}:FROZEN")).await, 0);
    assert_eq!(balance(&mock, &format!("{SUB}:AVAILABLE")).await, 7_000);
    assert_eq!(balance(&mock, &format!("{PLATFORM}:AVAILABLE")).await, 1_000);
    assert_eq!(balance(&mock, &format!("{RECEIVER}:AVAILABLE")).await, 1_500);
    check_ok(&mock).await;
}

// Proves a refund of a frozen order takes the money from the order's frozen share, partial
// refunds may add up to exactly the paid amount and one more fen is refused, the same
// out_refund_no answers the same refund without moving money again, and each success is
// notified as REFUND.SUCCESS.
#[tokio::test]
async fn frozen_order_refunds_up_to_the_paid_amount() {
    let Env { mock, transport } = start().await;
    let refunds = Refunds::new(transport.clone());
    let sharing = ProfitSharing::new(transport.clone());
    let tx = pay(&mock, &transport, "RF0000000001", 1_000, true, None).await;

    let first = refunds.apply(&refund_request(&tx, "RF1", 300, 1_000)).await.unwrap();
    let again = refunds.apply(&refund_request(&tx, "RF1", 300, 1_000)).await.unwrap();
    assert_eq!(first.refund_id, again.refund_id);
    let refund = refunds.query_by_id(SUB, &first.refund_id).await.unwrap();
    assert_eq!(refund.status, RefundStatus::Success);
    assert_eq!(refund.amount.refund, 300);
    assert_eq!(sharing.query_amounts(&tx).await.unwrap().unsplit_amount, 700);
    assert_eq!(balance(&mock, &format!("{SUB}:FROZEN")).await, 700);

    refunds.apply(&refund_request(&tx, "RF2", 300, 1_000)).await.unwrap();
    let last = refunds.apply(&refund_request(&tx, "RF3", 400, 1_000)).await.unwrap();
    let by_no = refunds.query_by_out_refund_no(SUB, "RF3").await.unwrap();
    assert_eq!(by_no.refund_id, last.refund_id);
    let over = refunds.apply(&refund_request(&tx, "RF4", 1, 1_000)).await.unwrap_err();
    assert!(over.is_code("INVALID_REQUEST"), "{over:?}");
    assert_eq!(balance(&mock, &format!("{SUB}:FROZEN")).await, 0);
    assert_eq!(balance(&mock, "EXTERNAL").await, 0, "every fen went back to the payer");

    let (_, deliveries) = admin(&mock, "GET", "/callbacks?event_type=REFUND.SUCCESS", None).await;
    assert_eq!(deliveries.as_array().unwrap().len(), 3);
    check_ok(&mock).await;
}

// Proves the 365-day refund window runs on the virtual clock: a day inside it the refund is
// accepted, 366 days after payment it is refused.
#[tokio::test]
async fn refund_after_365_days_is_refused() {
    let Env { mock, transport } = start().await;
    let refunds = Refunds::new(transport.clone());
    let tx = pay(&mock, &transport, "OLD000000001", 500, false, None).await;
    let clock = mock.state().tenants().default_tenant().clock();
    clock.advance(364 * 86_400).unwrap();
    refunds.apply(&refund_request(&tx, "OLD1", 100, 500)).await.unwrap();
    clock.advance(2 * 86_400).unwrap();
    let err = refunds.apply(&refund_request(&tx, "OLD2", 100, 500)).await.unwrap_err();
    assert!(err.is_code("INVALID_REQUEST"), "{err:?}");
    assert_eq!(balance(&mock, &format!("{SUB}:AVAILABLE")).await, 400);
    check_ok(&mock).await;
}

// Proves frozen funds unfreeze by themselves 180 virtual days after payment: nothing is left
// to split, the sub-merchant's available balance has it all, and splitting is refused.
#[tokio::test]
async fn funds_unfreeze_after_180_days() {
    let Env { mock, transport } = start().await;
    let sharing = ProfitSharing::new(transport.clone());
    let tx = pay(&mock, &transport, "UF0000000001", 800, true, None).await;
    let clock = mock.state().tenants().default_tenant().clock();
    clock.advance(179 * 86_400).unwrap();
    assert_eq!(sharing.query_amounts(&tx).await.unwrap().unsplit_amount, 800);
    clock.advance(86_400).unwrap();
    let (status, swept) = admin(&mock, "POST", "/settlement/sweep", None).await;
    assert_eq!((status, swept["unfrozen"].as_u64()), (200, Some(1)));
    assert_eq!(balance(&mock, &format!("{SUB}:AVAILABLE")).await, 800);
    assert_eq!(balance(&mock, &format!("{SUB}:FROZEN")).await, 0);
    assert_eq!(sharing.query_amounts(&tx).await.unwrap().unsplit_amount, 0);
    let err = sharing.create_order(&split_request(&tx, "S1", PLATFORM, 1)).await.unwrap_err();
    assert!(err.is_code("INVALID_REQUEST"), "{err:?}");
    check_ok(&mock).await;
}

// Proves a subsidy is paid from the platform's operation account into the order's frozen
// funds within the declared ceiling, can then be split, is returned in part, cannot be paid
// twice or cancelled afterwards; and an order that declared none cannot be subsidised.
#[tokio::test]
async fn subsidy_then_split() {
    let Env { mock, transport } = start().await;
    let subsidies = Subsidies::new(transport.clone());
    let sharing = ProfitSharing::new(transport.clone());
    let tx = pay(&mock, &transport, "SB0000000001", 1_000, true, Some(200)).await;
    let (status, _) = admin(
        &mock,
        "POST",
        "/ledger/deposit",
        Some(json!({"account": format!("{PLATFORM}:OPERATION"), "amount_fen": 500})),
    )
    .await;
    assert_eq!(status, 200);
    let request = |amount| CreateSubsidyRequest {
        sub_mchid: SUB.into(),
        transaction_id: tx.clone(),
        amount,
        description: "平台补贴".into(),
        out_subsidy_no: Some("SUB1".into()),
    };
    let over = subsidies.create(&request(201)).await.unwrap_err();
    assert!(over.is_code("INVALID_REQUEST"), "{over:?}");
    let subsidy = subsidies.create(&request(200)).await.unwrap();
    assert_eq!(subsidy.amount, 200);
    assert_eq!(sharing.query_amounts(&tx).await.unwrap().unsplit_amount, 1_200);
    sharing.create_order(&split_request(&tx, "S1", PLATFORM, 300)).await.unwrap();
    let twice = subsidies
        .create(&CreateSubsidyRequest { out_subsidy_no: Some("SUB2".into()), ..request(100) })
        .await
        .unwrap_err();
    assert!(twice.is_code("INVALID_REQUEST"), "{twice:?}");
    let cancel = CancelSubsidyRequest {
        sub_mchid: SUB.into(),
        transaction_id: tx.clone(),
        description: "取消".into(),
    };
    assert!(subsidies.cancel(&cancel).await.unwrap_err().is_code("INVALID_REQUEST"));
    let returned = subsidies
        .return_subsidy(&ReturnSubsidyRequest {
            sub_mchid: SUB.into(),
            out_order_no: "SR1".into(),
            transaction_id: tx.clone(),
            refund_id: None,
            amount: 50,
            description: "补差回退".into(),
            subsidy_id: None,
            from: None,
        })
        .await
        .unwrap();
    assert_eq!(returned.amount, 50);
    assert_eq!(sharing.query_amounts(&tx).await.unwrap().unsplit_amount, 850);
    assert_eq!(balance(&mock, &format!("{PLATFORM}:OPERATION")).await, 350);
    assert_eq!(balance(&mock, &format!("{PLATFORM}:AVAILABLE")).await, 300);

    let plain = pay(&mock, &transport, "SB0000000002", 1_000, true, None).await;
    let none = subsidies
        .create(&CreateSubsidyRequest { transaction_id: plain.clone(), ..request(10) })
        .await
        .unwrap_err();
    assert!(none.is_code("INVALID_REQUEST"), "{none:?}");
    let cancelled =
        subsidies.cancel(&CancelSubsidyRequest { transaction_id: plain, ..cancel }).await.unwrap();
    assert_eq!(cancelled.result.as_str(), "SUCCESS");
    check_ok(&mock).await;
}

// Proves a refund the sub-merchant cannot pay is refused NOT_ENOUGH, unless the platform
// advances it; the advance return then fails while the sub-merchant is short and succeeds,
// once, when it has the money, moving it back to the platform.
#[tokio::test]
async fn advance_refund_is_repaid_by_return_advance() {
    let Env { mock, transport } = start().await;
    let refunds = Refunds::new(transport.clone());
    let sharing = ProfitSharing::new(transport.clone());
    let tx = pay(&mock, &transport, "AD0000000001", 1_000, true, None).await;
    sharing.create_order(&split_request(&tx, "S1", PLATFORM, 300)).await.unwrap();
    let short = refunds.apply(&refund_request(&tx, "AD1", 1_000, 1_000)).await.unwrap_err();
    assert!(short.is_code("NOT_ENOUGH"), "{short:?}");
    admin(
        &mock,
        "POST",
        "/ledger/deposit",
        Some(json!({"account": format!("{PLATFORM}:AVAILABLE"), "amount_fen": 700})),
    )
    .await;

    let mut advanced = refund_request(&tx, "AD1", 1_000, 1_000);
    advanced.refund_account = Some(RefundAccount::PartnerAdvance);
    let refund = refunds.apply(&advanced).await.unwrap();
    assert_eq!(refund.amount.advance, Some(1_000));
    assert_eq!(
        balance(&mock, &format!("{PLATFORM}:AVAILABLE")).await,
        0,
        "300 split + 700 deposited, all advanced"
    );
    assert!(refunds
        .query_return_advance(SUB, &refund.refund_id)
        .await
        .unwrap_err()
        .is_code("RESOURCE_NOT_EXISTS"));

    let early = refunds.return_advance(SUB, &refund.refund_id).await.unwrap_err();
    assert!(early.is_code("NOT_ENOUGH"), "{early:?}");
    admin(
        &mock,
        "POST",
        "/ledger/deposit",
        Some(json!({"account": format!("{SUB}:AVAILABLE"), "amount_fen": 1_000})),
    )
    .await;
    let repaid = refunds.return_advance(SUB, &refund.refund_id).await.unwrap();
    assert_eq!((repaid.return_amount, repaid.payee_mchid.as_str()), (1_000, PLATFORM));
    let again = refunds.return_advance(SUB, &refund.refund_id).await.unwrap();
    assert_eq!(again.advance_return_id, repaid.advance_return_id);
    assert_eq!(balance(&mock, &format!("{PLATFORM}:AVAILABLE")).await, 1_000);
    assert_eq!(balance(&mock, &format!("{SUB}:AVAILABLE")).await, 0);
    check_ok(&mock).await;
}

// Proves the magic refund amounts and the admin API reach the other states: 201 stays
// PROCESSING until the admin closes it (money back to the frozen share), 202 turns ABNORMAL
// and 203 CLOSED at the first query.
#[tokio::test]
async fn magic_amounts_and_admin_reach_every_state() {
    let Env { mock, transport } = start().await;
    let refunds = Refunds::new(transport.clone());
    let tx = pay(&mock, &transport, "MG0000000001", 1_000, true, None).await;
    let held = refunds.apply(&refund_request(&tx, "MG1", 201, 1_000)).await.unwrap();
    let q = refunds.query_by_id(SUB, &held.refund_id).await.unwrap();
    assert_eq!(q.status, RefundStatus::Processing);
    assert_eq!(balance(&mock, &format!("{SUB}:FROZEN")).await, 799);
    let (status, moved) =
        admin(&mock, "POST", &format!("/refunds/{}/close", held.refund_id), None).await;
    assert_eq!((status, moved["status"].as_str()), (200, Some("CLOSED")));
    assert_eq!(balance(&mock, &format!("{SUB}:FROZEN")).await, 1_000);
    let (status, _) =
        admin(&mock, "POST", &format!("/refunds/{}/success", held.refund_id), None).await;
    assert_eq!(status, 400, "a closed refund stays closed");

    let abnormal = refunds.apply(&refund_request(&tx, "MG2", 202, 1_000)).await.unwrap();
    let q = refunds.query_by_out_refund_no(SUB, "MG2").await.unwrap();
    assert_eq!((q.refund_id, q.status), (abnormal.refund_id, RefundStatus::Abnormal));
    let closed = refunds.apply(&refund_request(&tx, "MG3", 203, 1_000)).await.unwrap();
    let q = refunds.query_by_id(SUB, &closed.refund_id).await.unwrap();
    assert_eq!(q.status, RefundStatus::Closed);
    assert_eq!(balance(&mock, &format!("{SUB}:FROZEN")).await, 798, "only the abnormal one left");
    check_ok(&mock).await;
}
