//! Refunds (退款): apply, query, advance returns, abnormal refunds, and the `REFUND.*`
//! notification resource.
//!
//! | endpoint id | method and path | request | response |
//! | --- | --- | --- | --- |
//! | `refund.apply` | `POST /v3/ecommerce/refunds/apply` | [`RefundApplyRequest`] | [`RefundApplyResponse`] |
//! | `refund.query_by_id` | `GET /v3/ecommerce/refunds/id/{refund_id}` | query [`RefundQueryParams`] | [`Refund`] |
//! | `refund.query_by_out_refund_no` | `GET /v3/ecommerce/refunds/out-refund-no/{out_refund_no}` | query [`RefundQueryParams`] | [`Refund`] |
//! | `refund.return_advance` | `POST /v3/ecommerce/refunds/{refund_id}/return-advance` | [`ReturnAdvanceRequest`] | [`ReturnAdvance`] |
//! | `refund.return_advance_query` | `GET /v3/ecommerce/refunds/{refund_id}/return-advance` | query [`RefundQueryParams`] | [`ReturnAdvance`] |
//! | `refund.apply_abnormal` (extra) | `POST /v3/ecommerce/refunds/{refund_id}/apply-abnormal-refund` | [`AbnormalRefundRequest`] | [`Refund`] |
//!
//! A refund is possible within a year of payment, at most 50 partial refunds per order; retry a
//! failed refund with the same `out_refund_no`. The openapi repo's `combine_transaction_id`,
//! `individual_auth_id` and `combine_*` refund members belong to other products and are left
//! out. [`RefundNotification`] is the decrypted `REFUND.SUCCESS` / `REFUND.ABNORMAL` /
//! `REFUND.CLOSED` resource.

use serde::{Deserialize, Serialize};

use crate::account::AccountType;
pub use crate::account::FundsAccount;
use crate::amount::Currency;
pub use crate::promotion::PromotionScope;
use crate::sensitive::SensitiveFields;
use crate::time::DateTime;

open_enum! {
    /// The state of a refund (退款状态).
    ///
    /// Notifications carry `SUCCESS`, `CLOSED` or `ABNORMAL`; queries may also show `PROCESSING`.
    /// The openapi repo spells the closed state `CLOSE`, which parses as `Unknown("CLOSE")`.
    pub enum RefundStatus {
        /// Refund succeeded (退款成功).
        Success = "SUCCESS",
        /// Refund closed (退款关闭).
        Closed = "CLOSED",
        /// Refund processing (退款处理中).
        Processing = "PROCESSING",
        /// Refund abnormal: user card invalid or frozen; needs manual or abnormal-refund handling (退款异常).
        Abnormal = "ABNORMAL",
    }
}

open_enum! {
    /// Who funds a refund (退款出资商户).
    pub enum RefundAccount {
        /// The sub-merchant pays, the default (二级商户出资).
        SubMerchant = "REFUND_SOURCE_SUB_MERCHANT",
        /// The platform advances the refund; needs permission (电商平台垫付).
        PartnerAdvance = "REFUND_SOURCE_PARTNER_ADVANCE",
    }
}

open_enum! {
    /// Where a refund went (退款渠道).
    pub enum RefundChannel {
        /// Back the way the payment came (原路退款).
        Original = "ORIGINAL",
        /// To the user's balance (退回到余额).
        Balance = "BALANCE",
        /// The original account was abnormal; to another balance account (原账户异常退到其他余额账户).
        OtherBalance = "OTHER_BALANCE",
        /// The original card was abnormal; to another bank card (原银行卡异常退到其他银行卡).
        OtherBankcard = "OTHER_BANKCARD",
    }
}

open_enum! {
    /// How a refunded promotion was funded (优惠类型).
    pub enum RefundPromotionType {
        /// Pre-funded coupon, paid from settled funds (代金券(充值型,走结算资金)).
        Coupon = "COUPON",
        /// Non-pre-funded discount (优惠券(免充值型)).
        Discount = "DISCOUNT",
    }
}

open_enum! {
    /// The result of an advance return (垫付回补结果).
    pub enum AdvanceReturnResult {
        /// Returned (回补成功).
        Success = "SUCCESS",
        /// Failed: the paying account's balance was insufficient (回补失败(出款方余额不足)).
        Failed = "FAILED",
        /// Processing (处理中).
        Processing = "PROCESSING",
    }
}

open_enum! {
    /// Where an abnormal refund is paid to (异常退款处理方式).
    pub enum AbnormalRefundType {
        /// To a bank card of the user; needs `bank_type`, `bank_account`, `real_name` (退款到用户银行卡).
        UserBankCard = "USER_BANK_CARD",
        /// To the bank account of the trading merchant (退款至交易商户银行账户).
        MerchantBankCard = "MERCHANT_BANK_CARD",
    }
}

open_enum! {
    /// The bank of the debit card an abnormal refund is paid to (开户银行); major banks only.
    pub enum AbnormalRefundBankType {
        /// China Merchants Bank debit card (招商银行借记卡).
        CmbDebit = "CMB_DEBIT",
        /// Bank of Communications debit card (交通银行借记卡).
        CommDebit = "COMM_DEBIT",
        /// Agricultural Bank of China debit card (农业银行借记卡).
        AbcDebit = "ABC_DEBIT",
        /// China Construction Bank debit card (建设银行借记卡).
        CcbDebit = "CCB_DEBIT",
        /// Industrial and Commercial Bank of China debit card (工商银行借记卡).
        IcbcDebit = "ICBC_DEBIT",
        /// Bank of China debit card (中国银行借记卡).
        BocDebit = "BOC_DEBIT",
        /// Ping An Bank debit card (平安银行借记卡).
        PabDebit = "PAB_DEBIT",
        /// Shanghai Pudong Development Bank debit card (浦发银行借记卡).
        SpdbDebit = "SPDB_DEBIT",
        /// China CITIC Bank debit card (中信银行借记卡).
        CiticDebit = "CITIC_DEBIT",
        /// China Everbright Bank debit card (光大银行借记卡).
        CebDebit = "CEB_DEBIT",
        /// China Minsheng Bank debit card (民生银行借记卡).
        CmbcDebit = "CMBC_DEBIT",
        /// Industrial Bank debit card (兴业银行借记卡).
        CibDebit = "CIB_DEBIT",
        /// China Guangfa Bank debit card (广发银行借记卡).
        GdbDebit = "GDB_DEBIT",
        /// Postal Savings Bank of China debit card (邮储银行借记卡).
        PsbcDebit = "PSBC_DEBIT",
        /// Bank of Ningbo debit card (宁波银行借记卡).
        NbcbDebit = "NBCB_DEBIT",
    }
}

/// The decrypted resource of a `REFUND.*` notification.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundNotification {
    /// Platform merchant id (电商平台商户号).
    pub sp_mchid: String,
    /// Sub-merchant id (二级商户号).
    pub sub_mchid: String,
    /// WeChat Pay order id (微信订单号).
    pub transaction_id: String,
    /// Merchant order number (商户订单号).
    pub out_trade_no: String,
    /// WeChat refund id (微信退款单号).
    pub refund_id: String,
    /// Merchant refund number (商户退款单号).
    pub out_refund_no: String,
    /// Refund status (退款状态).
    pub refund_status: RefundStatus,
    /// When the refund succeeded, only with `SUCCESS` (退款成功时间).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub success_time: Option<DateTime>,
    /// Account that received the refund, e.g. 招商银行信用卡0403 (退款入账账户).
    pub user_received_account: String,
    /// Amounts in fen (金额信息).
    pub amount: RefundNotificationAmount,
    /// Who funded the refund (退款出资商户).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub refund_account: Option<RefundAccount>,
}

/// Amounts of a [`RefundNotification`], in fen (金额信息).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundNotificationAmount {
    /// Order amount, fen (订单金额).
    pub total: i64,
    /// Refund amount, fen (退款金额).
    pub refund: i64,
    /// Amount the user paid, fen (用户支付金额).
    pub payer_total: i64,
    /// Amount refunded to the user, fen (用户退款金额).
    pub payer_refund: i64,
}

/// The `refund.apply` request body (申请退款).
///
/// Accepted is not refunded: follow up with the query endpoints or the `REFUND.*`
/// notifications. Name the order with `transaction_id` or `out_trade_no`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundApplyRequest {
    /// Sub-merchant id (二级商户号).
    pub sub_mchid: String,
    /// Platform (service provider) appid (电商平台APPID).
    pub sp_appid: String,
    /// Sub-merchant appid (二级商户APPID).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub sub_appid: Option<String>,
    /// WeChat Pay order id (微信订单号).
    ///
    /// Condition: transaction_id or out_trade_no (one of).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub transaction_id: Option<String>,
    /// Merchant order number (商户订单号).
    ///
    /// Condition: transaction_id or out_trade_no.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub out_trade_no: Option<String>,
    /// Merchant refund number (商户退款单号).
    ///
    /// Note: `[A-Za-z0-9_-|*@]`; same out_refund_no = same refund.
    pub out_refund_no: String,
    /// Refund reason shown to user (退款原因).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reason: Option<String>,
    /// Refund amount details, fen (订单金额).
    pub amount: RefundApplyAmount,
    /// Notification callback URL (退款结果回调url).
    ///
    /// Note: overrides the URL configured on the merchant platform.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub notify_url: Option<String>,
    /// Refund funding source (退款出资商户).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub refund_account: Option<RefundAccount>,
    /// Funding account (资金账户).
    ///
    /// Note: for orders pending profit sharing; default is the account holding the order funds. The openapi repo also lists UNSETTLED/PREPAID (other product lines).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub funds_account: Option<FundsAccount>,
}

/// The amounts of a refund request, in fen (订单金额).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundApplyAmount {
    /// Refund amount (fen) (退款金额).
    pub refund: i64,
    /// Funding accounts and amounts (退款出资账户及金额).
    ///
    /// Note: explicit funding accounts; takes precedence over funds_account.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub from: Option<Vec<RefundFrom>>,
    /// Total order amount (fen) (原订单金额).
    pub total: i64,
    /// Currency code (CNY) (币类型).
    ///
    /// Uncertain: CNY; WxJava marks optional.
    pub currency: Currency,
}

/// One funding account of a refund and the amount taken from it (退款出资账户及金额).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundFrom {
    /// Funding account type (出资账户类型).
    pub account: FundsAccount,
    /// Amount from this account (fen) (出资金额).
    pub amount: i64,
}

/// The `refund.apply` response body: the refund was accepted (申请退款).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundApplyResponse {
    /// WeChat refund id (微信退款单号).
    pub refund_id: String,
    /// Merchant refund number (商户退款单号).
    pub out_refund_no: String,
    /// Refund creation time (退款创建时间).
    pub create_time: DateTime,
    /// Refund amount details, fen (订单金额).
    pub amount: RefundAmount,
    /// Promotion (coupon) details (优惠退款详情).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub promotion_detail: Option<Vec<RefundPromotion>>,
    /// Refund funding source (退款资金来源).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub refund_account: Option<RefundAccount>,
}

/// The query string of `refund.query_by_id`, `refund.query_by_out_refund_no` and
/// `refund.return_advance_query`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundQueryParams {
    /// Sub-merchant id (二级商户号).
    pub sub_mchid: String,
}

/// A refund (退款单): the response of `refund.query_by_id`, `refund.query_by_out_refund_no`
/// and `refund.apply_abnormal`.
///
/// The abnormal-refund response requires `amount.discount_refund` and `amount.currency`; the
/// queries leave them optional, so they are optional here.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refund {
    /// WeChat refund id (微信退款单号).
    pub refund_id: String,
    /// Merchant refund number (商户退款单号).
    pub out_refund_no: String,
    /// WeChat Pay order id (微信订单号).
    pub transaction_id: String,
    /// Merchant order number (商户订单号).
    pub out_trade_no: String,
    /// Refund channel (退款渠道).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub channel: Option<RefundChannel>,
    /// Account that received the refund (退款入账账户).
    pub user_received_account: String,
    /// Success time (退款成功时间).
    ///
    /// Condition: when status=SUCCESS.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub success_time: Option<DateTime>,
    /// Refund creation time (退款创建时间).
    pub create_time: DateTime,
    /// Refund status (退款状态).
    ///
    /// Note: openapi repo spells the closed state CLOSE; official SDK model and docs use CLOSED.
    pub status: RefundStatus,
    /// Refund amount details (fen) (金额信息).
    pub amount: RefundAmount,
    /// Promotion (coupon) details (营销详情).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub promotion_detail: Option<Vec<RefundPromotion>>,
    /// Refund funding source (退款出资商户).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub refund_account: Option<RefundAccount>,
    /// Funding account (资金账户).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub funds_account: Option<FundsAccount>,
}

/// The amounts of a refund, in fen (金额信息).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundAmount {
    /// Refund amount (fen) (退款金额).
    pub refund: i64,
    /// Funding accounts and amounts (退款出资账户及金额).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub from: Option<Vec<RefundFrom>>,
    /// Amount refunded to the user, excluding coupons (fen) (用户退款金额).
    pub payer_refund: i64,
    /// Coupon/discount part of the refund (fen) (优惠退款金额).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub discount_refund: Option<i64>,
    /// Currency code (CNY) (退款币种).
    ///
    /// Note: CNY.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub currency: Option<Currency>,
    /// Amount advanced by the platform (fen) (垫付金额).
    ///
    /// Note: amount advanced by the platform (垫付).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub advance: Option<i64>,
}

/// A promotion refunded with the order (优惠退款详情).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefundPromotion {
    /// Coupon/promotion id (券ID).
    pub promotion_id: String,
    /// Promotion scope (优惠范围).
    pub scope: PromotionScope,
    /// Promotion type (优惠类型).
    pub r#type: RefundPromotionType,
    /// Coupon amount (fen) (优惠券面额).
    pub amount: i64,
    /// Refunded coupon amount (fen) (优惠退款金额).
    pub refund_amount: i64,
}

/// The `refund.return_advance` request body (垫付退款回补).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnAdvanceRequest {
    /// Sub-merchant id (二级商户号).
    pub sub_mchid: String,
}

/// An advance return (垫付回补): the response of `refund.return_advance` and
/// `refund.return_advance_query`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnAdvance {
    /// WeChat refund id (微信退款单号).
    pub refund_id: String,
    /// WeChat advance-return id (微信回补单号).
    pub advance_return_id: String,
    /// Advance-return amount (fen) (垫付回补金额).
    pub return_amount: i64,
    /// Payer merchant id (出款方商户号).
    pub payer_mchid: String,
    /// Payer account type (出款方账户).
    pub payer_account: AccountType,
    /// Payee merchant id (入账方商户号).
    pub payee_mchid: String,
    /// Payee account type (入账方账户).
    pub payee_account: AccountType,
    /// Advance-return result (垫付回补结果).
    pub result: AdvanceReturnResult,
    /// Success time (垫付回补完成时间).
    ///
    /// Condition: when result=SUCCESS.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub success_time: Option<DateTime>,
}

/// The `refund.apply_abnormal` request body (发起异常退款); outside the core scope.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AbnormalRefundRequest {
    /// Sub-merchant id (二级商户号).
    pub sub_mchid: String,
    /// Merchant refund number (商户退款单号).
    pub out_refund_no: String,
    /// Abnormal-refund handling method (异常退款处理方式).
    pub r#type: AbnormalRefundType,
    /// Bank type code (开户银行).
    ///
    /// Condition: required when type=USER_BANK_CARD.
    /// Note: debit-card bank type code; only major banks supported (CMB, COMM, ABC, CCB, ICBC, BOC, PAB, SPDB, CITIC, CEB, CMBC, CIB, GDB, PSBC, NBCB).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub bank_type: Option<AbnormalRefundBankType>,
    /// Bank card number (encrypted) (收款银行卡号).
    ///
    /// Condition: required when type=USER_BANK_CARD.
    /// Sensitive: RSA-OAEP encrypted on the wire (base64 ciphertext).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub bank_account: Option<String>,
    /// Payee real name (encrypted) (收款用户姓名).
    ///
    /// Condition: required when type=USER_BANK_CARD.
    /// Sensitive: RSA-OAEP encrypted on the wire (base64 ciphertext).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub real_name: Option<String>,
}

impl SensitiveFields for RefundApplyRequest {
    const SENSITIVE_FIELDS: &'static [&'static str] = &[];
}

impl SensitiveFields for ReturnAdvanceRequest {
    const SENSITIVE_FIELDS: &'static [&'static str] = &[];
}

redacted_debug!(AbnormalRefundRequest, AbnormalRefundRequest::SENSITIVE_FIELDS);

impl SensitiveFields for AbnormalRefundRequest {
    const SENSITIVE_FIELDS: &'static [&'static str] = &["/bank_account", "/real_name"];
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sensitive::check::redaction;

    // Proves Debug of the abnormal-refund request hides the bank account and the real name.
    #[test]
    fn abnormal_refund_debug_redacts_bank_account_and_name() {
        let request = AbnormalRefundRequest {
            sub_mchid: "1900000109".into(),
            out_refund_no: "R-0001".into(),
            r#type: AbnormalRefundType::UserBankCard,
            bank_type: None,
            bank_account: Some("secret-bank-account".into()),
            real_name: Some("secret-real-name".into()),
        };
        redaction(&request, AbnormalRefundRequest::SENSITIVE_FIELDS).finish();
        assert!(format!("{request:?}").contains("R-0001"));
    }
}
