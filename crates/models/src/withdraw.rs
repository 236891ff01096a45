//! Withdrawals (提现) of sub-merchants and of the platform, the abnormal-withdrawal bill, and
//! the `MCHWITHDRAW.CHANGE` notification resource.
//!
//! | endpoint id | method and path | request | response |
//! | --- | --- | --- | --- |
//! | `withdraw.sub_create` | `POST /v3/ecommerce/fund/withdraw` | [`SubWithdrawRequest`] | [`SubWithdrawResponse`] |
//! | `withdraw.sub_query_by_id` | `GET /v3/ecommerce/fund/withdraw/{withdraw_id}` | query [`SubWithdrawParams`] | [`SubWithdraw`] |
//! | `withdraw.sub_query_by_out_request_no` | `GET /v3/ecommerce/fund/withdraw/out-request-no/{out_request_no}` | query [`SubWithdrawParams`] | [`SubWithdraw`] |
//! | `withdraw.platform_create` | `POST /v3/merchant/fund/withdraw` | [`PlatformWithdrawRequest`] | [`PlatformWithdrawResponse`] |
//! | `withdraw.platform_query_by_id` | `GET /v3/merchant/fund/withdraw/withdraw-id/{withdraw_id}` | – | [`PlatformWithdraw`] |
//! | `withdraw.platform_query_by_out_request_no` | `GET /v3/merchant/fund/withdraw/out-request-no/{out_request_no}` | – | [`PlatformWithdraw`] |
//! | `withdraw.abnormal_bill` (extra) | `GET /v3/merchant/fund/withdraw/bill-type/{bill_type}` | query [`WithdrawBillParams`] | [`BillDownloadUrl`] |
//!
//! The abnormal-withdrawal bill's `{bill_type}` is [`BillType::NoSucc`]; only the openapi repo
//! lists that endpoint. Withdrawals are asynchronous: poll the queries, or pass `notify_url`
//! for a `MCHWITHDRAW.CHANGE` notification ([`WithdrawNotification`], whose field set the
//! reference marks uncertain).

use serde::{Deserialize, Serialize};

use crate::account::AccountType;
pub use crate::download::{BillDownloadUrl, BillType, TarType};
use crate::sensitive::SensitiveFields;
use crate::time::{Date, DateTime};

open_enum! {
    /// The state of a withdrawal (提现单状态).
    pub enum WithdrawStatus {
        /// Accepted (受理成功).
        CreateSuccess = "CREATE_SUCCESS",
        /// Withdrawn; the bank may still bounce it within about 7 working days (提现成功).
        Success = "SUCCESS",
        /// Failed (提现失败).
        Fail = "FAIL",
        /// Bounced by the bank (提现退票).
        Refund = "REFUND",
        /// Closed, only from `INIT`, e.g. by risk control (关单).
        Close = "CLOSE",
        /// Created, not yet executed, e.g. balance insufficient; may be retried with identical parameters within 6 days (业务单已创建).
        Init = "INIT",
    }
}

/// The decrypted resource of a `MCHWITHDRAW.CHANGE` notification.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WithdrawNotification {
    /// Platform merchant id (电商平台商户号).
    pub sp_mchid: String,
    /// Sub-merchant id; absent for platform withdrawals (二级商户号).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sub_mchid: Option<String>,
    /// Withdrawal status (提现单状态).
    pub status: WithdrawStatus,
    /// WeChat withdrawal id (微信支付提现单号).
    pub withdraw_id: String,
    /// Merchant withdrawal number (商户提现单号).
    pub out_request_no: String,
    /// Amount, fen (提现金额).
    pub amount: i64,
    /// When the withdrawal was requested (发起提现时间).
    pub create_time: DateTime,
    /// When the status last changed (提现状态更新时间).
    pub update_time: DateTime,
    /// Failure reason (失败原因).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reason: Option<String>,
    /// Withdrawal remark (提现备注).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub remark: Option<String>,
    /// Bank memo (银行附言).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub bank_memo: Option<String>,
    /// Account the money left (出款账户类型).
    pub account_type: AccountType,
    /// Last four digits of the receiving bank account (入账银行账号后四位).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub account_number: Option<String>,
    /// Receiving bank (入账银行).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub account_bank: Option<String>,
    /// Receiving bank's full name (入账银行全称).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub bank_name: Option<String>,
}

/// The `withdraw.sub_create` request body (二级商户余额提现).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubWithdrawRequest {
    /// Sub-merchant id (二级商户号).
    pub sub_mchid: String,
    /// Merchant withdrawal number (商户提现单号).
    pub out_request_no: String,
    /// Withdrawal amount (fen) (提现金额).
    ///
    /// Note: fen.
    pub amount: i64,
    /// Withdrawal remark (备注).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub remark: Option<String>,
    /// Memo shown on bank statement (银行附言).
    ///
    /// Note: shown on the bank statement.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub bank_memo: Option<String>,
    /// Account the money is withdrawn from (出款账户类型).
    ///
    /// Uncertain, only listed by the openapi repo: default BASIC.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub account_type: Option<AccountType>,
    /// Notification callback URL (提现结果通知地址).
    ///
    /// Uncertain, only listed by the openapi repo: see MCHWITHDRAW.CHANGE in notify.json.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub notify_url: Option<String>,
}

/// The `withdraw.sub_create` response body: the withdrawal was accepted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubWithdrawResponse {
    /// Sub-merchant id (二级商户号).
    pub sub_mchid: String,
    /// WeChat withdrawal id (微信支付提现单号).
    pub withdraw_id: String,
    /// Merchant withdrawal number (商户提现单号).
    pub out_request_no: String,
    /// Account the money is withdrawn from (出款账户类型).
    ///
    /// Uncertain: only listed by the openapi repo.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub account_type: Option<AccountType>,
}

/// The query string of `withdraw.sub_query_by_id` and `withdraw.sub_query_by_out_request_no`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubWithdrawParams {
    /// Sub-merchant id (二级商户号).
    pub sub_mchid: String,
}

/// A sub-merchant's withdrawal (提现单): the response of `withdraw.sub_query_by_id` and
/// `withdraw.sub_query_by_out_request_no`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubWithdraw {
    /// Sub-merchant id (二级商户号).
    pub sub_mchid: String,
    /// Platform (service provider) merchant id (电商平台商户号).
    pub sp_mchid: String,
    /// Withdrawal status (提现单状态).
    pub status: WithdrawStatus,
    /// WeChat withdrawal id (微信支付提现单号).
    pub withdraw_id: String,
    /// Merchant withdrawal number (商户提现单号).
    pub out_request_no: String,
    /// Withdrawal amount (fen) (提现金额).
    pub amount: i64,
    /// Withdrawal creation time (发起提现时间).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub create_time: Option<DateTime>,
    /// Last status update time (提现状态更新时间).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub update_time: Option<DateTime>,
    /// Failure reason (失败原因).
    ///
    /// Condition: when status is FAIL/REFUND/CLOSE.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reason: Option<String>,
    /// Withdrawal remark (提现备注).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub remark: Option<String>,
    /// Memo shown on bank statement (银行附言).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub bank_memo: Option<String>,
    /// Account the money is withdrawn from (出款账户类型).
    ///
    /// Uncertain: only listed by the openapi repo.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub account_type: Option<AccountType>,
    /// Last 4 digits of the receiving bank account (入账银行账号后四位).
    ///
    /// Uncertain: only listed by the openapi repo.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub account_number: Option<String>,
    /// Receiving bank (入账银行).
    ///
    /// Uncertain: only listed by the openapi repo.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub account_bank: Option<String>,
    /// Receiving bank full name (入账银行全称（含支行）).
    ///
    /// Uncertain: only listed by the openapi repo.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub bank_name: Option<String>,
}

/// The `withdraw.platform_create` request body (电商平台提现).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformWithdrawRequest {
    /// Merchant withdrawal number (商户提现单号).
    pub out_request_no: String,
    /// Withdrawal amount (fen) (提现金额).
    pub amount: i64,
    /// Withdrawal remark (备注).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub remark: Option<String>,
    /// Memo shown on bank statement (银行附言).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub bank_memo: Option<String>,
    /// Account the money is withdrawn from (账户类型).
    pub account_type: AccountType,
    /// Notification callback URL (提现结果通知地址).
    ///
    /// Uncertain: only listed by the openapi repo.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub notify_url: Option<String>,
}

/// The `withdraw.platform_create` response body: the withdrawal was accepted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformWithdrawResponse {
    /// WeChat withdrawal id (微信支付提现单号).
    pub withdraw_id: String,
    /// Merchant withdrawal number (商户提现单号).
    pub out_request_no: String,
}

/// The platform's withdrawal (提现单): the response of `withdraw.platform_query_by_id` and
/// `withdraw.platform_query_by_out_request_no`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlatformWithdraw {
    /// Withdrawal status (提现单状态).
    pub status: WithdrawStatus,
    /// WeChat withdrawal id (微信支付提现单号).
    pub withdraw_id: String,
    /// Merchant withdrawal number (商户提现单号).
    pub out_request_no: String,
    /// Withdrawal amount (fen) (提现金额).
    pub amount: i64,
    /// Withdrawal creation time (发起提现时间).
    pub create_time: DateTime,
    /// Last status update time (提现状态更新时间).
    pub update_time: DateTime,
    /// Failure reason (失败原因).
    ///
    /// Condition: when status is FAIL/REFUND/CLOSE.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reason: Option<String>,
    /// Withdrawal remark (提现备注).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub remark: Option<String>,
    /// Memo shown on bank statement (银行附言).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub bank_memo: Option<String>,
    /// Account the money is withdrawn from (出款账户类型).
    pub account_type: AccountType,
    /// Suggested solution for failure (提现失败解决方案).
    ///
    /// Condition: when status=FAIL.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub solution: Option<String>,
}

/// The query string of `withdraw.abnormal_bill` (extra).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WithdrawBillParams {
    /// The day of the bill (账单日期).
    pub bill_date: Date,
    /// Compression; absent for a plain file (压缩类型).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub tar_type: Option<TarType>,
}

impl SensitiveFields for SubWithdrawRequest {
    const SENSITIVE_FIELDS: &'static [&'static str] = &[];
}

impl SensitiveFields for PlatformWithdrawRequest {
    const SENSITIVE_FIELDS: &'static [&'static str] = &[];
}
