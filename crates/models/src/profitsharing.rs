//! Profit sharing (分账): the decrypted `PROFITSHARING.SUCCESS` / `PROFITSHARING.RETURN`
//! resource and the states profit-sharing orders report.
//!
//! The notification field set comes from the generic APIv3 profit-sharing callback; some
//! documents name the platform `mchid` rather than `sp_mchid` (the reference marks it uncertain).

use serde::{Deserialize, Serialize};

use crate::time::DateTime;

open_enum! {
    /// The kind of account receiving shared funds (分账接收方类型).
    pub enum ReceiverType {
        /// A merchant id (商户号).
        MerchantId = "MERCHANT_ID",
        /// A personal openid, converted from an appid (个人openid).
        PersonalOpenid = "PERSONAL_OPENID",
    }
}

open_enum! {
    /// The state of a profit-sharing order (分账单状态).
    ///
    /// 收付通 documents `PROCESSING` and `FINISHED`; `ACCEPTED` and `CLOSED` come from the
    /// generic profit-sharing API and may also appear.
    pub enum ProfitSharingStatus {
        /// Processing (处理中).
        Processing = "PROCESSING",
        /// Finished (分账完成).
        Finished = "FINISHED",
        /// Accepted, generic profit-sharing docs (已受理).
        Accepted = "ACCEPTED",
        /// Closed or failed, generic profit-sharing docs (已关闭).
        Closed = "CLOSED",
    }
}

open_enum! {
    /// The result of sharing to one receiver (分账结果).
    pub enum ReceiverResult {
        /// Pending (待分账).
        Pending = "PENDING",
        /// Succeeded (分账成功).
        Success = "SUCCESS",
        /// Closed; see the fail reason (已关闭).
        Closed = "CLOSED",
    }
}

open_enum! {
    /// The result of a profit-sharing return (回退结果).
    ///
    /// Some sources spell the failure `FAIL`; it parses as `Unknown("FAIL")`.
    pub enum ReturnResult {
        /// Processing (处理中).
        Processing = "PROCESSING",
        /// Succeeded (已成功).
        Success = "SUCCESS",
        /// Failed (已失败).
        Failed = "FAILED",
    }
}

/// The decrypted resource of a `PROFITSHARING.*` notification: one receiver's movement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfitSharingNotification {
    /// Platform merchant id (电商平台商户号).
    pub sp_mchid: String,
    /// Sub-merchant whose funds are shared (分账出资的二级商户号).
    pub sub_mchid: String,
    /// WeChat Pay order id (微信订单号).
    pub transaction_id: String,
    /// WeChat profit-sharing or return order id (微信分账/回退单号).
    pub order_id: String,
    /// Merchant profit-sharing or return number (商户分账/回退单号).
    pub out_order_no: String,
    /// The receiver whose funds moved (分账接收方).
    pub receiver: ProfitSharingNotificationReceiver,
    /// When the funds moved (成功时间).
    pub success_time: DateTime,
}

/// The receiver in a [`ProfitSharingNotification`] (分账接收方).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfitSharingNotificationReceiver {
    /// Receiver type (分账接收方类型).
    pub r#type: ReceiverType,
    /// Merchant id or openid (分账接收方账号).
    pub account: String,
    /// Amount moved, fen (分账动账金额).
    pub amount: i64,
    /// Split or return description (分账/回退描述).
    pub description: String,
}
