//! Refund (退款) request and response types against real and realistic bodies.

#![cfg(feature = "refund")]

mod support;

use support::{query_round_trip, round_trip, signature_vector_body};
use wechatpay_models::account::{AccountType, FundsAccount};
use wechatpay_models::amount::Currency;
use wechatpay_models::promotion::PromotionScope;
use wechatpay_models::refund::*;
use wechatpay_models::sensitive::SensitiveFields;

// Proves the refund request of signature vector S10 parses and writes back unchanged.
#[test]
fn s10_refund_apply_body_round_trips() {
    let request: RefundApplyRequest = round_trip(&signature_vector_body("S10"));
    assert_eq!(request.out_refund_no, "R1217752501201407033233368018");
    assert_eq!(request.transaction_id.as_deref(), Some("4289571342201911273244551234"));
    assert_eq!(request.amount.refund, 888);
    assert_eq!(request.amount.total, 888);
    assert_eq!(request.amount.currency, Currency::Cny);
    assert!(request.refund_account.is_none());
    assert!(RefundApplyRequest::SENSITIVE_FIELDS.is_empty());
}

// Proves a refund request funded by the platform from explicit accounts round-trips.
#[test]
fn advance_refund_request_round_trips() {
    let request: RefundApplyRequest = round_trip(
        r#"{"sub_mchid":"1900000109","sp_appid":"wx8888888888888888","out_trade_no":"1217752501201407033233368018",
        "out_refund_no":"R20250102001","reason":"七天无理由退货",
        "amount":{"refund":500,"from":[{"account":"AVAILABLE","amount":300},{"account":"UNAVAILABLE","amount":200}],"total":1000,"currency":"CNY"},
        "refund_account":"REFUND_SOURCE_PARTNER_ADVANCE","funds_account":"AVAILABLE"}"#,
    );
    let from = request.amount.from.as_ref().unwrap();
    assert_eq!(from[1].account, FundsAccount::Unavailable);
    assert_eq!(from.iter().map(|f| f.amount).sum::<i64>(), 500);
    assert_eq!(request.refund_account, Some(RefundAccount::PartnerAdvance));
    assert_eq!(request.funds_account, Some(FundsAccount::Available));
}

// Proves the apply response parses with promotions and the advanced amount.
#[test]
fn apply_response_round_trips() {
    let response: RefundApplyResponse = round_trip(
        r#"{"refund_id":"50000000382019052709732678859","out_refund_no":"R20250102001",
        "create_time":"2025-01-02T10:00:00+08:00",
        "amount":{"refund":500,"payer_refund":400,"discount_refund":100,"currency":"CNY","advance":500},
        "promotion_detail":[{"promotion_id":"109519","scope":"SINGLE","type":"DISCOUNT","amount":100,"refund_amount":100}],
        "refund_account":"REFUND_SOURCE_PARTNER_ADVANCE"}"#,
    );
    assert_eq!(response.amount.advance, Some(500));
    let promotion = &response.promotion_detail.as_ref().unwrap()[0];
    assert_eq!(promotion.scope, PromotionScope::Single);
    assert_eq!(promotion.r#type, RefundPromotionType::Discount);
}

// Proves the query response parses in the processing and successful states.
#[test]
fn query_response_round_trips() {
    let processing: Refund = round_trip(
        r#"{"refund_id":"50000000382019052709732678859","out_refund_no":"R1217752501201407033233368018",
        "transaction_id":"4289571342201911273244551234","out_trade_no":"1217752501201407033233368018",
        "user_received_account":"招商银行信用卡0403","create_time":"2025-01-02T10:00:00+08:00",
        "status":"PROCESSING","amount":{"refund":888,"payer_refund":888}}"#,
    );
    assert_eq!(processing.status, RefundStatus::Processing);
    assert!(processing.success_time.is_none());

    let success: Refund = round_trip(
        r#"{"refund_id":"50000000382019052709732678859","out_refund_no":"R1217752501201407033233368018",
        "transaction_id":"4289571342201911273244551234","out_trade_no":"1217752501201407033233368018",
        "channel":"ORIGINAL","user_received_account":"招商银行信用卡0403",
        "success_time":"2025-01-02T10:05:00+08:00","create_time":"2025-01-02T10:00:00+08:00",
        "status":"SUCCESS","amount":{"refund":888,"from":[{"account":"AVAILABLE","amount":888}],"payer_refund":888,"discount_refund":0,"currency":"CNY"},
        "refund_account":"REFUND_SOURCE_SUB_MERCHANT","funds_account":"BASIC"}"#,
    );
    assert_eq!(success.channel, Some(RefundChannel::Original));
    assert_eq!(success.funds_account, Some(FundsAccount::Basic));
    assert_eq!(success.success_time.unwrap().to_string(), "2025-01-02T10:05:00+08:00");
}

// Proves the query parameter encodes like signature vector S11's query string.
#[test]
fn query_params_encode_like_s11() {
    let params = RefundQueryParams { sub_mchid: "1900000109".into() };
    assert_eq!(query_round_trip(&params), "sub_mchid=1900000109");
}

// Proves the advance-return request and response round-trip with both account sides.
#[test]
fn return_advance_round_trips() {
    let request: ReturnAdvanceRequest = round_trip(r#"{"sub_mchid":"1900000109"}"#);
    assert_eq!(request.sub_mchid, "1900000109");
    let response: ReturnAdvance = round_trip(
        r#"{"refund_id":"50000000382019052709732678859","advance_return_id":"20190918065019000010000000001",
        "return_amount":500,"payer_mchid":"1900000109","payer_account":"BASIC",
        "payee_mchid":"1900000100","payee_account":"OPERATION","result":"SUCCESS",
        "success_time":"2025-01-05T09:00:00+08:00"}"#,
    );
    assert_eq!(response.payer_account, AccountType::Basic);
    assert_eq!(response.payee_account, AccountType::Operation);
    assert_eq!(response.result, AdvanceReturnResult::Success);
}

// Proves the abnormal-refund request lists its two encrypted members and round-trips.
#[test]
fn abnormal_refund_request_round_trips() {
    let request: AbnormalRefundRequest = round_trip(
        r#"{"sub_mchid":"1900000109","out_refund_no":"R20250102001","type":"USER_BANK_CARD",
        "bank_type":"ICBC_DEBIT","bank_account":"ciphertext-card","real_name":"ciphertext-name"}"#,
    );
    assert_eq!(request.r#type, AbnormalRefundType::UserBankCard);
    assert_eq!(request.bank_type, Some(AbnormalRefundBankType::IcbcDebit));
    assert_eq!(AbnormalRefundRequest::SENSITIVE_FIELDS, ["/bank_account", "/real_name"]);
    let to_merchant: AbnormalRefundRequest = round_trip(
        r#"{"sub_mchid":"1900000109","out_refund_no":"R20250102001","type":"MERCHANT_BANK_CARD"}"#,
    );
    assert!(to_merchant.bank_account.is_none());
}

// Proves the openapi repo's `CLOSE` spelling does not break a refund query, and stays visible.
#[test]
fn close_spelling_is_kept() {
    let text = r#"{"refund_id":"1","out_refund_no":"R","transaction_id":"T","out_trade_no":"O",
        "user_received_account":"a","create_time":"2025-01-02T10:00:00+08:00","status":"CLOSE",
        "amount":{"refund":1,"payer_refund":1}}"#;
    let refund: Refund = round_trip(text);
    assert_eq!(refund.status, RefundStatus::Unknown("CLOSE".into()));
}
