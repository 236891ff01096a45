//! Callback notifications: the envelope WeChat Pay POSTs and the reply it expects.
//!
//! The envelope is signed (headers) and carries an AES-256-GCM encrypted [`EncryptedResource`].
//! Decrypting it yields the JSON of the event's resource type: a partner or combined
//! transaction, a refund, a profit-sharing movement or a withdrawal.
//!
//! | event type | resource |
//! | --- | --- |
//! | `TRANSACTION.SUCCESS` | `payments::PartnerTransaction` or `payments::CombineTransaction` |
//! | `REFUND.SUCCESS` / `REFUND.ABNORMAL` / `REFUND.CLOSED` | `refund::RefundNotification` |
//! | `PROFITSHARING.SUCCESS` / `PROFITSHARING.RETURN` | `profitsharing::ProfitSharingNotification` |
//! | `MCHWITHDRAW.CHANGE` | `withdraw::WithdrawNotification` |
//!
//! A partner and a combined `TRANSACTION.SUCCESS` share the event type; a combined one has
//! `combine_mchid` and `sub_orders`.

use serde::{Deserialize, Serialize};

use crate::aead::AeadAlgorithm;
use crate::time::DateTime;

open_enum! {
    /// The event a notification reports (通知类型).
    pub enum EventType {
        /// Payment succeeded, partner or combined order (支付成功).
        TransactionSuccess = "TRANSACTION.SUCCESS",
        /// Refund succeeded (退款成功).
        RefundSuccess = "REFUND.SUCCESS",
        /// Refund abnormal: the money could not reach the user (退款异常).
        RefundAbnormal = "REFUND.ABNORMAL",
        /// Refund closed (退款关闭).
        RefundClosed = "REFUND.CLOSED",
        /// Profit-sharing funds moved to a receiver (分账).
        ProfitSharingSuccess = "PROFITSHARING.SUCCESS",
        /// Profit sharing returned (分账回退).
        ProfitSharingReturn = "PROFITSHARING.RETURN",
        /// Withdrawal status changed (提现状态变更).
        MchWithdrawChange = "MCHWITHDRAW.CHANGE",
    }
}

open_enum! {
    /// The kind of `resource` an envelope carries (通知数据类型).
    pub enum ResourceType {
        /// An encrypted resource (加密资源).
        EncryptResource = "encrypt-resource",
    }
}

open_enum! {
    /// The type of the decrypted resource object (原始类型).
    pub enum OriginalType {
        /// A payment: partner or combined transaction (支付订单).
        Transaction = "transaction",
        /// A refund (退款单).
        Refund = "refund",
        /// A profit-sharing movement (分账).
        ProfitSharing = "profitsharing",
        /// A withdrawal (提现单).
        MchWithdraw = "mch_withdraw",
    }
}

/// The notification envelope, exactly as POSTed to `notify_url`.
///
/// Fields are declared in the order WeChat Pay writes them, so a serialized envelope
/// looks like a real one (member order carries no meaning in JSON).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    /// Notification id, UUID-like (通知ID).
    pub id: String,
    /// When the notification was created (通知创建时间).
    pub create_time: DateTime,
    /// Always `encrypt-resource` so far (通知数据类型).
    pub resource_type: ResourceType,
    /// The event reported (通知类型).
    pub event_type: EventType,
    /// Human summary, e.g. 支付成功 / 退款成功 (回调摘要).
    pub summary: String,
    /// The encrypted payload (通知数据).
    pub resource: EncryptedResource,
}

/// The encrypted `resource` of a [`Notification`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EncryptedResource {
    /// Type of the plaintext object (原始类型).
    pub original_type: OriginalType,
    /// Encryption algorithm (加密算法类型).
    pub algorithm: AeadAlgorithm,
    /// base64(AES-256-GCM ciphertext ‖ 16-byte tag) under the APIv3 key (数据密文).
    pub ciphertext: String,
    /// AEAD associated data, e.g. `transaction` / `refund`; may be empty or absent (附加数据).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub associated_data: Option<String>,
    /// The 12-byte GCM nonce as an ASCII string (随机串).
    pub nonce: String,
}

impl EncryptedResource {
    /// The associated data to feed the AEAD: absent means empty.
    pub fn associated_data_bytes(&self) -> &[u8] {
        self.associated_data.as_deref().unwrap_or_default().as_bytes()
    }
}

open_enum! {
    /// The outcome code in a reply to a notification.
    pub enum ReplyCode {
        /// Handled (成功). APIv3 also accepts an empty 200/204 body.
        Success = "SUCCESS",
        /// Not handled; WeChat Pay will retry (失败).
        Fail = "FAIL",
    }
}

/// The body a merchant answers a notification with: `{"code":"FAIL","message":"..."}`.
///
/// A failure reply goes with a 4xx/5xx status; WeChat Pay then retries on its schedule
/// (15 s, 15 s, 30 s, 3 min, … about 24 h in total). Success is HTTP 200/204 and needs no body.
///
/// ```
/// use wechatpay_models::notify::NotificationReply;
///
/// let reply = NotificationReply::fail("decryption failed");
/// assert_eq!(
///     serde_json::to_string(&reply)?,
///     r#"{"code":"FAIL","message":"decryption failed"}"#,
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationReply {
    /// `SUCCESS` or `FAIL`.
    pub code: ReplyCode,
    /// Why (or `成功`).
    pub message: String,
}

impl NotificationReply {
    /// A failure reply: WeChat Pay will deliver the notification again.
    pub fn fail(message: impl Into<String>) -> Self {
        Self { code: ReplyCode::Fail, message: message.into() }
    }

    /// A success reply, for receivers that want a body rather than an empty 200/204.
    pub fn success() -> Self {
        Self { code: ReplyCode::Success, message: "成功".to_owned() }
    }
}
