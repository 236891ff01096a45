//! Profit-sharing (分账) request and response types against real and realistic bodies.

#![cfg(feature = "profitsharing")]

mod support;

use support::{query_round_trip, round_trip, signature_vector_body};
use wechatpay_models::profitsharing::*;
use wechatpay_models::sensitive::{visit_strings_mut, SensitiveFields};

// Proves the profit-sharing request of signature vector S15 parses and writes back unchanged.
#[test]
fn s15_create_order_body_round_trips() {
    let request: CreateOrderRequest = round_trip(&signature_vector_body("S15"));
    assert_eq!(request.appid.as_deref(), Some("wx8888888888888888"));
    assert!(request.finish);
    let receiver = &request.receivers[0];
    assert_eq!(receiver.r#type, ReceiverType::MerchantId);
    assert_eq!(receiver.receiver_account, "1900000110");
    assert_eq!(receiver.amount, 10);
    assert!(receiver.receiver_name.is_none());
}

// Proves the receiver-name pointer reaches the name of every personal receiver in a request,
// and only those.
#[test]
fn receiver_names_are_the_sensitive_members() {
    let request: CreateOrderRequest = round_trip(
        r#"{"appid":"wx8888888888888888","sub_mchid":"1900000109","transaction_id":"4208450740201411110007820472",
        "out_order_no":"P20250103001","finish":false,"receivers":[
            {"type":"PERSONAL_OPENID","receiver_account":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o","amount":50,"description":"推广佣金","receiver_name":"张三"},
            {"type":"MERCHANT_ID","receiver_account":"1900000110","amount":30,"description":"平台服务费"},
            {"type":"PERSONAL_OPENID","receiver_account":"oUpF8uN95-Ptaags6E_roPHg7AG0","amount":20,"description":"推广佣金","receiver_name":"李四"}]}"#,
    );
    let mut body = serde_json::to_value(&request).unwrap();
    let mut names = Vec::new();
    visit_strings_mut(&mut body, CreateOrderRequest::SENSITIVE_FIELDS, |_pointer, name| {
        names.push(name.clone());
        Ok::<(), ()>(())
    })
    .unwrap();
    assert_eq!(names, ["张三", "李四"]);
}

// Proves the create and query responses parse into the same order type, with the per-receiver
// results and the query-only finish members.
#[test]
fn order_responses_round_trip() {
    let created: ProfitSharingOrder = round_trip(
        r#"{"sub_mchid":"1900000109","transaction_id":"4208450740201411110007820472","out_order_no":"P20150806125346",
        "order_id":"3008450740201411110007820472","status":"PROCESSING",
        "receivers":[{"amount":10,"description":"分给商户1900000110","result":"PENDING","type":"MERCHANT_ID",
            "receiver_account":"1900000110","detail_id":"36011111111111111111111","create_time":"2025-01-03T10:00:00+08:00"}]}"#,
    );
    assert_eq!(created.status, Some(ProfitSharingStatus::Processing));
    assert_eq!(created.receivers.as_ref().unwrap()[0].result, Some(ReceiverResult::Pending));

    let queried: ProfitSharingOrder = round_trip(
        r#"{"sub_mchid":"1900000109","transaction_id":"4208450740201411110007820472","out_order_no":"P20150806125346",
        "order_id":"3008450740201411110007820472","status":"FINISHED",
        "receivers":[{"receiver_mchid":"1900000110","amount":10,"description":"分给商户1900000110","result":"CLOSED",
            "finish_time":"2025-01-03T10:01:00+08:00","fail_reason":"NO_RELATION","type":"MERCHANT_ID","receiver_account":"1900000110"}],
        "finish_amount":90,"finish_description":"分账完结"}"#,
    );
    let receiver = &queried.receivers.as_ref().unwrap()[0];
    assert_eq!(receiver.fail_reason, Some(ProfitSharingFailReason::NoRelation));
    assert_eq!(queried.finish_amount, Some(90));
    assert!(queried.close_reason.is_none());
}

// Proves the order query parameters encode in the order of signature vector S16's query string.
#[test]
fn order_params_encode_like_s16() {
    let params = ProfitSharingOrderParams {
        sub_mchid: "1900000109".into(),
        transaction_id: "4208450740201411110007820472".into(),
        out_order_no: "P20150806125346".into(),
    };
    assert_eq!(
        query_round_trip(&params),
        "sub_mchid=1900000109&transaction_id=4208450740201411110007820472&out_order_no=P20150806125346"
    );
}

// Proves return requests, responses and parameters round-trip, including a failed return and
// the openapi repo's `FAIL` spelling.
#[test]
fn return_orders_round_trip() {
    let request: CreateReturnOrderRequest = round_trip(
        r#"{"sub_mchid":"1900000109","order_id":"3008450740201411110007820472","out_return_no":"R20190516001",
        "return_mchid":"1900000110","amount":10,"description":"分账回退"}"#,
    );
    assert!(request.out_order_no.is_none());
    let failed: ReturnOrder = round_trip(
        r#"{"sub_mchid":"1900000109","order_id":"3008450740201411110007820472","out_order_no":"P20150806125346",
        "out_return_no":"R20190516001","return_mchid":"1900000110","amount":10,"return_no":"3008450740201411110007820472",
        "result":"FAILED","fail_reason":"TIME_OUT_CLOSED","finish_time":"2025-01-04T10:00:00+08:00"}"#,
    );
    assert_eq!(failed.result, ReturnResult::Failed);
    assert_eq!(failed.fail_reason, Some(ReturnFailReason::TimeOutClosed));
    let spelled: ReturnOrder = serde_json::from_value(serde_json::json!({
        "sub_mchid": "1", "order_id": "2", "out_order_no": "3", "out_return_no": "4",
        "return_mchid": "5", "amount": 1, "return_no": "6", "result": "FAIL"
    }))
    .unwrap();
    assert_eq!(spelled.result, ReturnResult::Unknown("FAIL".into()));
    let params = ReturnOrderParams {
        sub_mchid: "1900000109".into(),
        order_id: None,
        out_order_no: Some("P20150806125346".into()),
        out_return_no: "R20190516001".into(),
    };
    assert_eq!(
        query_round_trip(&params),
        "sub_mchid=1900000109&out_order_no=P20150806125346&out_return_no=R20190516001"
    );
}

// Proves finish, remaining-amount and receiver bodies round-trip, and the receiver name of an
// add request is its one sensitive member.
#[test]
fn finish_amounts_and_receivers_round_trip() {
    let finish: FinishOrderRequest = round_trip(
        r#"{"sub_mchid":"1900000109","transaction_id":"4208450740201411110007820472","out_order_no":"P20250103002","description":"分账完结"}"#,
    );
    assert_eq!(finish.description, "分账完结");
    let finished: FinishOrderResponse = round_trip(
        r#"{"sub_mchid":"1900000109","transaction_id":"4208450740201411110007820472","out_order_no":"P20250103002","order_id":"3008450740201411110007820473"}"#,
    );
    assert_eq!(finished.order_id, "3008450740201411110007820473");
    let unsplit: UnsplitAmount =
        round_trip(r#"{"transaction_id":"4208450740201411110007820472","unsplit_amount":1000}"#);
    assert_eq!(unsplit.unsplit_amount, 1000);

    let add: AddReceiverRequest = round_trip(
        r#"{"appid":"wx8888888888888888","type":"PERSONAL_OPENID","account":"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
        "relation_type":"DISTRIBUTOR","encrypted_name":"ciphertext"}"#,
    );
    assert_eq!(add.relation_type, RelationType::Distributor);
    assert_eq!(AddReceiverRequest::SENSITIVE_FIELDS, ["/encrypted_name"]);
    let delete: DeleteReceiverRequest =
        round_trip(r#"{"appid":"wx8888888888888888","type":"MERCHANT_ID","account":"1900000110"}"#);
    assert!(DeleteReceiverRequest::SENSITIVE_FIELDS.is_empty());
    let response: ReceiverResponse = round_trip(r#"{"type":"MERCHANT_ID","account":"1900000110"}"#);
    assert_eq!(response.account, delete.account);
}

// Proves the after-sales split bodies and parameters round-trip.
#[test]
fn after_sales_round_trips() {
    let request: CreateAfterSalesOrderRequest = round_trip(
        r#"{"sub_mchid":"1900000109","transaction_id":"4208450740201411110007820472","amount":100,
        "type":"SERVICE_FEE_INCOME","scene":"REFUND_TICKET","refund_id":"50000000382019052709732678859"}"#,
    );
    assert_eq!(request.scene, AfterSalesScene::RefundTicket);
    let created: CreateAfterSalesOrderResponse = round_trip(
        r#"{"sub_mchid":"1900000109","transaction_id":"4208450740201411110007820472","amount":100}"#,
    );
    assert_eq!(created.amount, 100);
    let queried: AfterSalesOrder = round_trip(
        r#"{"sub_mchid":"1900000109","transaction_id":"4208450740201411110007820472","amount":100,
        "result":"SUCCESS","finish_time":"2025-01-05T10:00:00+08:00"}"#,
    );
    assert_eq!(queried.result, ReturnResult::Success);
    let params = AfterSalesOrderParams {
        sub_mchid: "1900000109".into(),
        transaction_id: "4208450740201411110007820472".into(),
    };
    assert_eq!(
        query_round_trip(&params),
        "sub_mchid=1900000109&transaction_id=4208450740201411110007820472"
    );
}
