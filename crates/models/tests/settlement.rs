//! Settlement account (结算账户) types against realistic bodies.

#![cfg(feature = "settlement")]

mod support;

use support::{query_round_trip, round_trip};
use wechatpay_models::sensitive::SensitiveFields;
use wechatpay_models::settlement::*;

// Proves the settlement query response parses, including a failed verification.
#[test]
fn settlement_account_round_trips() {
    let ok: SettlementAccount = round_trip(
        r#"{"account_type":"ACCOUNT_TYPE_BUSINESS","account_bank":"工商银行","bank_name":"中国工商银行股份有限公司北京市分行营业部","bank_branch_id":"402713354941","account_number":"***************8678","verify_result":"VERIFY_SUCCESS"}"#,
    );
    assert_eq!(ok.account_type, SettlementAccountType::Business);
    assert_eq!(ok.verify_result, SettlementVerifyResult::VerifySuccess);
    let failed: SettlementAccount = round_trip(
        r#"{"account_type":"ACCOUNT_TYPE_PRIVATE","account_bank":"招商银行","account_number":"***********0403","verify_result":"VERIFY_FAIL","verify_fail_reason":"账户名与卡号不匹配"}"#,
    );
    assert_eq!(failed.verify_result, SettlementVerifyResult::VerifyFail);
    assert!(failed.verify_fail_reason.is_some());
}

// Proves the modify request round-trips with its encrypted members and lists exactly those two
// as sensitive; the response parses from both the current body and the older empty object.
#[test]
fn modify_request_and_response() {
    let request: ModifySettlementRequest = round_trip(
        r#"{"account_type":"ACCOUNT_TYPE_PRIVATE","account_bank":"招商银行","bank_address_code":"440300","account_number":"ciphertext-number","modify_mode":"MODIFY_MODE_ASYNC","account_name":"ciphertext-name"}"#,
    );
    assert_eq!(request.modify_mode, Some(ModifyMode::Async));
    assert_eq!(ModifySettlementRequest::SENSITIVE_FIELDS, ["/account_number", "/account_name"]);
    let current: ModifySettlementResponse = round_trip(r#"{"application_no":"102329389XXXX"}"#);
    assert_eq!(current.application_no.as_deref(), Some("102329389XXXX"));
    let older: ModifySettlementResponse = round_trip("{}");
    assert_eq!(older, ModifySettlementResponse::default());
}

// Proves the change-request query parses in each review state and its parameter encodes.
#[test]
fn application_query_round_trips() {
    let response: SettlementApplication = round_trip(
        r#"{"account_name":"张*","account_type":"ACCOUNT_TYPE_PRIVATE","account_bank":"招商银行","account_number":"62*************78","verify_result":"AUDIT_FAIL","verify_fail_reason":"银行卡已注销","verify_finish_time":"2025-03-01T10:00:00+08:00"}"#,
    );
    assert_eq!(response.verify_result, ApplicationAuditResult::AuditFail);
    assert_eq!(response.verify_finish_time.unwrap().to_string(), "2025-03-01T10:00:00+08:00");
    let params =
        SettlementApplicationParams { account_number_rule: Some(AccountNumberRule::MaskV2) };
    assert_eq!(query_round_trip(&params), "account_number_rule=ACCOUNT_NUMBER_RULE_MASK_V2");
    assert_eq!(query_round_trip(&SettlementApplicationParams::default()), "");
}
