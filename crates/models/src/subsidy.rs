//! Subsidies (补差): the platform tops up a sub-merchant's order, takes it back, or cancels it.
//!
//! | endpoint id | method and path | request | response |
//! | --- | --- | --- | --- |
//! | `subsidy.create` | `POST /v3/ecommerce/subsidies/create` | [`CreateSubsidyRequest`] | [`CreateSubsidyResponse`] |
//! | `subsidy.return` | `POST /v3/ecommerce/subsidies/return` | [`ReturnSubsidyRequest`] | [`ReturnSubsidyResponse`] |
//! | `subsidy.cancel` | `POST /v3/ecommerce/subsidies/cancel` | [`CancelSubsidyRequest`] | [`CancelSubsidyResponse`] |
//!
//! A subsidy needs the order's `settle_info.subsidy_amount` (the most the platform may add),
//! declared when the order was placed. No subsidy request has sensitive fields.

use serde::{Deserialize, Serialize};

use crate::account::FundsAccount;
use crate::sensitive::SensitiveFields;
use crate::time::DateTime;

open_enum! {
    /// The result of a subsidy, subsidy return or cancellation (补差单结果).
    ///
    /// `REFUND` is reported by `subsidy.create` only; WxJava also lists it for returns.
    pub enum SubsidyResult {
        /// Succeeded (补差成功 / 补差回退成功 / 取消成功).
        Success = "SUCCESS",
        /// Failed (补差失败 / 补差回退失败 / 取消失败).
        Fail = "FAIL",
        /// The subsidy was fully returned (已全额回退).
        Refund = "REFUND",
    }
}

/// The `subsidy.create` request body (请求补差).
///
/// The order must have declared `settle_info.subsidy_amount`; one subsidy per order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateSubsidyRequest {
    /// Sub-merchant id (二级商户号).
    pub sub_mchid: String,
    /// WeChat Pay order id (微信订单号).
    pub transaction_id: String,
    /// Subsidy amount (fen) (补差金额).
    ///
    /// Note: fen; <= settle_info.subsidy_amount declared at order time.
    pub amount: i64,
    /// Subsidy description (补差描述).
    pub description: String,
    /// Merchant subsidy number (商户补差单号).
    ///
    /// Uncertain: idempotency key (newer field).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub out_subsidy_no: Option<String>,
}

/// The `subsidy.create` response body (补差单).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateSubsidyResponse {
    /// Sub-merchant id (二级商户号).
    pub sub_mchid: String,
    /// WeChat Pay order id (微信订单号).
    pub transaction_id: String,
    /// WeChat subsidy id (微信补差单号).
    pub subsidy_id: String,
    /// Subsidy description (补差描述).
    pub description: String,
    /// Subsidy amount (fen) (补差金额).
    pub amount: i64,
    /// Result (补差单结果).
    pub result: SubsidyResult,
    /// Success time (补差完成时间).
    ///
    /// Condition: when result=SUCCESS.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub success_time: Option<DateTime>,
    /// Merchant subsidy number (商户补差单号).
    ///
    /// Uncertain, only listed by wechatpay-java: echoed when provided.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub out_subsidy_no: Option<String>,
}

/// The `subsidy.return` request body (请求补差回退): take a subsidy back after a refund.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnSubsidyRequest {
    /// Sub-merchant id (二级商户号).
    pub sub_mchid: String,
    /// Merchant subsidy-return number (商户补差回退单号).
    pub out_order_no: String,
    /// WeChat Pay order id (微信订单号).
    pub transaction_id: String,
    /// WeChat refund id (微信退款单号).
    ///
    /// Condition: required except when the refund failed because of the user account.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub refund_id: Option<String>,
    /// Subsidy-return amount (fen) (补差金额).
    ///
    /// Note: fen; <= the subsidy amount.
    pub amount: i64,
    /// Subsidy-return description (补差描述).
    pub description: String,
    /// WeChat subsidy id (微信补差单号).
    ///
    /// Uncertain: the sources disagree.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub subsidy_id: Option<String>,
    /// Funding accounts and amounts (回退出资账户及金额).
    ///
    /// Uncertain: the sources disagree.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub from: Option<Vec<SubsidyReturnFrom>>,
}

/// One funding account of a subsidy return and the amount taken from it (回退出资账户及金额).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubsidyReturnFrom {
    /// Funding account type (出资账户类型).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub account: Option<FundsAccount>,
    /// Amount from this account (fen) (出资金额).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub amount: Option<i64>,
}

/// The `subsidy.return` response body (补差回退单).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnSubsidyResponse {
    /// Sub-merchant id (二级商户号).
    pub sub_mchid: String,
    /// WeChat Pay order id (微信订单号).
    pub transaction_id: String,
    /// WeChat subsidy-return id (微信补差单号).
    pub subsidy_refund_id: String,
    /// WeChat refund id (微信退款单号).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub refund_id: Option<String>,
    /// Merchant subsidy-return number (商户补差回退单号).
    pub out_order_no: String,
    /// Subsidy-return amount (fen) (补差金额).
    pub amount: i64,
    /// Subsidy-return description (补差描述).
    pub description: String,
    /// Result (补差单结果).
    ///
    /// Note: official Java model: SUCCESS/FAIL; WxJava adds REFUND.
    pub result: SubsidyResult,
    /// Success time (补差完成时间).
    ///
    /// Condition: when result=SUCCESS.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub success_time: Option<DateTime>,
    /// WeChat subsidy id (微信补差单号).
    ///
    /// Uncertain: only listed by wechatpay-java.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub subsidy_id: Option<String>,
    /// Funding accounts and amounts (回退出资账户及金额).
    ///
    /// Uncertain: only listed by wechatpay-java.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub from: Option<Vec<SubsidyReturnFrom>>,
}

/// The `subsidy.cancel` request body (取消补差): the platform will not subsidise this order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelSubsidyRequest {
    /// Sub-merchant id (二级商户号).
    pub sub_mchid: String,
    /// WeChat Pay order id (微信订单号).
    pub transaction_id: String,
    /// Cancellation description (取消补差描述).
    pub description: String,
}

/// The `subsidy.cancel` response body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CancelSubsidyResponse {
    /// Sub-merchant id (二级商户号).
    pub sub_mchid: String,
    /// WeChat Pay order id (微信订单号).
    pub transaction_id: String,
    /// Result (取消补差结果).
    pub result: SubsidyResult,
    /// Cancellation description (取消补差描述).
    pub description: String,
}

impl SensitiveFields for CreateSubsidyRequest {
    const SENSITIVE_FIELDS: &'static [&'static str] = &[];
}

impl SensitiveFields for ReturnSubsidyRequest {
    const SENSITIVE_FIELDS: &'static [&'static str] = &[];
}

impl SensitiveFields for CancelSubsidyRequest {
    const SENSITIVE_FIELDS: &'static [&'static str] = &[];
}
