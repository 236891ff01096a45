//! Withdrawals (提现): the decrypted `MCHWITHDRAW.CHANGE` resource and withdrawal states.
//!
//! The notification is sent only when a `notify_url` was supplied (reservation withdrawals);
//! the reference marks its field set uncertain.

use serde::{Deserialize, Serialize};

use crate::account::AccountType;
use crate::time::DateTime;

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
