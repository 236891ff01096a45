//! Refunds: the decrypted `REFUND.SUCCESS` / `REFUND.ABNORMAL` / `REFUND.CLOSED` resource.

use serde::{Deserialize, Serialize};

use crate::time::DateTime;

open_enum! {
    /// The state of a refund (退款状态).
    ///
    /// Notifications carry `SUCCESS`, `CLOSED` or `ABNORMAL`; queries may also show `PROCESSING`.
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
    /// The funds account a refund was taken from (资金账户).
    pub enum FundsAccount {
        /// Unsettled funds (未结算资金).
        Unsettled = "UNSETTLED",
        /// Available balance (可用余额).
        Available = "AVAILABLE",
        /// Unavailable balance (不可用余额).
        Unavailable = "UNAVAILABLE",
        /// Operation account (运营账户).
        Operation = "OPERATION",
        /// Basic account (基本账户).
        Basic = "BASIC",
        /// e-CNY basic account (数字人民币基本账户).
        EcnyBasic = "ECNY_BASIC",
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
