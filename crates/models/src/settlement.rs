//! 结算账户 (settlement bank account) of a sub-merchant: query it, change it, follow the change.
//!
//! | endpoint id | method and path | request | response |
//! | --- | --- | --- | --- |
//! | `settlement.query` | `GET /v3/apply4sub/sub_merchants/{sub_mchid}/settlement` | – | [`SettlementAccount`] |
//! | `settlement.modify` | `POST /v3/apply4sub/sub_merchants/{sub_mchid}/modify-settlement` | [`ModifySettlementRequest`] | [`ModifySettlementResponse`] |
//! | `settlement.application_query` | `GET /v3/apply4sub/sub_merchants/{sub_mchid}/application/{application_no}` | query [`SettlementApplicationParams`] | [`SettlementApplication`] |
//!
//! `account_number` and `account_name` of the change request travel RSA-OAEP encrypted
//! ([`SensitiveFields`]); the responses show masked numbers.

use serde::{Deserialize, Serialize};

use crate::sensitive::SensitiveFields;
use crate::time::DateTime;

open_enum! {
    /// The kind of settlement account (账户类型).
    pub enum SettlementAccountType {
        /// Corporate bank account (对公银行账户).
        Business = "ACCOUNT_TYPE_BUSINESS",
        /// The operator's personal bank card (经营者个人银行卡).
        Private = "ACCOUNT_TYPE_PRIVATE",
    }
}

open_enum! {
    /// Whether WeChat Pay's verification remittance reached the account (汇款验证结果).
    pub enum SettlementVerifyResult {
        /// Verification remittance in progress (系统汇款验证中).
        Verifying = "VERIFYING",
        /// Verified; the account is usable (系统成功汇款,账户可用).
        VerifySuccess = "VERIFY_SUCCESS",
        /// Verification remittance failed (系统汇款失败).
        VerifyFail = "VERIFY_FAIL",
    }
}

open_enum! {
    /// How a settlement-account change is processed (修改模式).
    pub enum ModifyMode {
        /// Asynchronously: the response carries `application_no` to poll (异步修改,返回申请单号).
        Async = "MODIFY_MODE_ASYNC",
    }
}

open_enum! {
    /// The review state of a settlement-account change (审核状态).
    pub enum ApplicationAuditResult {
        /// Under review (审核中).
        Auditing = "AUDITING",
        /// Approved (审核成功).
        AuditSuccess = "AUDIT_SUCCESS",
        /// Rejected (审核驳回).
        AuditFail = "AUDIT_FAIL",
    }
}

open_enum! {
    /// How the account number is masked in a change-request query (银行账号展示规则).
    ///
    /// The reference lists the two values without their exact masks.
    pub enum AccountNumberRule {
        /// Masking rule, version 1 (掩码规则V1).
        MaskV1 = "ACCOUNT_NUMBER_RULE_MASK_V1",
        /// Masking rule, version 2 (掩码规则V2).
        MaskV2 = "ACCOUNT_NUMBER_RULE_MASK_V2",
    }
}

/// A sub-merchant's settlement account: the `settlement.query` response (结算账户).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettlementAccount {
    /// Settlement account type (账户类型).
    pub account_type: SettlementAccountType,
    /// Bank name (开户银行).
    pub account_bank: String,
    /// Full bank branch name (开户银行全称（含支行）).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub bank_name: Option<String>,
    /// Bank branch CNAPS code (开户银行联行号).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub bank_branch_id: Option<String>,
    /// Bank account number (银行账号).
    ///
    /// Note: masked account number.
    pub account_number: String,
    /// Verification/audit result (汇款验证结果).
    pub verify_result: SettlementVerifyResult,
    /// Verification/audit failure reason (验证失败原因).
    ///
    /// Condition: when verify_result=VERIFY_FAIL.
    /// Uncertain: only listed by the openapi repo.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub verify_fail_reason: Option<String>,
}

/// The `settlement.modify` request body (修改结算账户).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModifySettlementRequest {
    /// Settlement account type (账户类型).
    pub account_type: SettlementAccountType,
    /// Bank name (开户银行).
    pub account_bank: String,
    /// Bank province/city code (开户银行省市编码).
    pub bank_address_code: String,
    /// Full bank branch name (开户银行全称（含支行）).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub bank_name: Option<String>,
    /// Bank branch CNAPS code (开户银行联行号).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub bank_branch_id: Option<String>,
    /// Bank account number (银行账号).
    ///
    /// Sensitive: RSA-OAEP encrypted on the wire (base64 ciphertext).
    pub account_number: String,
    /// Modification mode (修改模式).
    ///
    /// Uncertain, only listed by the openapi repo: newer parameter; when MODIFY_MODE_ASYNC the response carries application_no to poll.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub modify_mode: Option<ModifyMode>,
    /// Bank account holder name (开户名称).
    ///
    /// Sensitive: RSA-OAEP encrypted on the wire (base64 ciphertext).
    /// Uncertain, only listed by the openapi repo: required by newer doc versions for private accounts.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub account_name: Option<String>,
}

/// The `settlement.modify` response body.
///
/// Older documents answered with an empty body, current ones with `application_no` when
/// `modify_mode` is `MODIFY_MODE_ASYNC`; both `{}` and an absent body mean "no application number".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModifySettlementResponse {
    /// Settlement-change application number (修改结算账户申请单号).
    ///
    /// Condition: returned in async mode (modify_mode=MODIFY_MODE_ASYNC).
    /// Uncertain: only listed by the openapi repo.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub application_no: Option<String>,
}

/// The query string of `settlement.application_query`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettlementApplicationParams {
    /// How `account_number` is masked in the response (银行账号展示规则).
    ///
    /// Uncertain: a newer parameter listed by the openapi repo only.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub account_number_rule: Option<AccountNumberRule>,
}

/// A settlement-account change request: the `settlement.application_query` response
/// (修改结算账户申请单).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettlementApplication {
    /// Bank account holder name (开户名称).
    ///
    /// Uncertain: only listed by the openapi repo.
    /// Note: masked.
    pub account_name: String,
    /// Settlement account type (账户类型).
    ///
    /// Uncertain: only listed by the openapi repo.
    pub account_type: SettlementAccountType,
    /// Bank name (开户银行).
    ///
    /// Uncertain: only listed by the openapi repo.
    pub account_bank: String,
    /// Full bank branch name (开户银行全称（含支行）).
    ///
    /// Uncertain: only listed by the openapi repo.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub bank_name: Option<String>,
    /// Bank branch CNAPS code (开户银行联行号).
    ///
    /// Uncertain: only listed by the openapi repo.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub bank_branch_id: Option<String>,
    /// Bank account number (银行账号).
    ///
    /// Uncertain: only listed by the openapi repo.
    /// Note: masked according to account_number_rule.
    pub account_number: String,
    /// Verification/audit result (审核状态).
    ///
    /// Uncertain: only listed by the openapi repo.
    pub verify_result: ApplicationAuditResult,
    /// Verification/audit failure reason (审核驳回原因).
    ///
    /// Condition: when verify_result=AUDIT_FAIL.
    /// Uncertain: only listed by the openapi repo.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub verify_fail_reason: Option<String>,
    /// Audit result time (审核结果更新时间).
    ///
    /// Uncertain: only listed by the openapi repo.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub verify_finish_time: Option<DateTime>,
}

redacted_debug!(ModifySettlementRequest, ModifySettlementRequest::SENSITIVE_FIELDS);

impl SensitiveFields for ModifySettlementRequest {
    const SENSITIVE_FIELDS: &'static [&'static str] = &["/account_number", "/account_name"];
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sensitive::check::redaction;

    // Proves Debug of the settlement-account change hides the account number and name.
    #[test]
    fn modify_request_debug_redacts_account() {
        let request = ModifySettlementRequest {
            account_type: SettlementAccountType::Private,
            account_bank: "工商银行".into(),
            bank_address_code: "110000".into(),
            bank_name: None,
            bank_branch_id: None,
            account_number: "secret-account-number".into(),
            modify_mode: None,
            account_name: Some("secret-account-name".into()),
        };
        redaction(&request, ModifySettlementRequest::SENSITIVE_FIELDS).finish();
        assert!(format!("{request:?}").contains("工商银行"));
    }
}
