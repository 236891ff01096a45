//! The typed 平台收付通 events a callback can carry.

use serde::de::IgnoredAny;
use serde::Deserialize;
use wechatpay_models::notify::EventType;
use wechatpay_models::payments::{CombineTransaction, PartnerTransaction};
use wechatpay_models::profitsharing::ProfitSharingNotification;
use wechatpay_models::refund::RefundNotification;
use wechatpay_models::withdraw::WithdrawNotification;

/// A decrypted callback resource, typed by the envelope's `event_type`.
///
/// Obtained only inside a [`Verified`](crate::Verified), from
/// [`NotifyParser::parse`](crate::NotifyParser::parse).
///
/// | `event_type` | variant |
/// | --- | --- |
/// | `TRANSACTION.SUCCESS`, partner order | [`Event::PartnerTransactionSuccess`] |
/// | `TRANSACTION.SUCCESS`, combined order | [`Event::CombineTransactionSuccess`] |
/// | `REFUND.SUCCESS` / `REFUND.ABNORMAL` / `REFUND.CLOSED` | [`Event::RefundSuccess`] / [`Event::RefundAbnormal`] / [`Event::RefundClosed`] |
/// | `PROFITSHARING.SUCCESS` / `PROFITSHARING.RETURN` | [`Event::ProfitSharingSuccess`] / [`Event::ProfitSharingReturn`] |
/// | `MCHWITHDRAW.CHANGE` | [`Event::WithdrawChange`] |
/// | anything else | [`Event::Unknown`] |
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// A partner-mode (普通支付) order was paid.
    PartnerTransactionSuccess(PartnerTransaction),
    /// A combined (合单支付) order was paid: one notification for all its sub-orders.
    CombineTransactionSuccess(CombineTransaction),
    /// A refund succeeded (退款成功).
    RefundSuccess(RefundNotification),
    /// A refund could not reach the user (退款异常).
    RefundAbnormal(RefundNotification),
    /// A refund was closed (退款关闭).
    RefundClosed(RefundNotification),
    /// Profit-sharing funds moved to a receiver (分账).
    ProfitSharingSuccess(ProfitSharingNotification),
    /// A profit-sharing return was executed (分账回退).
    ProfitSharingReturn(ProfitSharingNotification),
    /// A withdrawal changed state (提现状态变更).
    WithdrawChange(WithdrawNotification),
    /// An event type this crate does not know, with its resource as decrypted. It has been
    /// verified and decrypted like any other.
    Unknown {
        /// The envelope's `event_type`, verbatim.
        event_type: String,
        /// The decrypted resource.
        resource: serde_json::Value,
    },
}

impl Event {
    /// The event type this variant stands for (for [`Event::Unknown`], the one received).
    pub fn event_type(&self) -> EventType {
        match self {
            Self::PartnerTransactionSuccess(_) | Self::CombineTransactionSuccess(_) => {
                EventType::TransactionSuccess
            }
            Self::RefundSuccess(_) => EventType::RefundSuccess,
            Self::RefundAbnormal(_) => EventType::RefundAbnormal,
            Self::RefundClosed(_) => EventType::RefundClosed,
            Self::ProfitSharingSuccess(_) => EventType::ProfitSharingSuccess,
            Self::ProfitSharingReturn(_) => EventType::ProfitSharingReturn,
            Self::WithdrawChange(_) => EventType::MchWithdrawChange,
            Self::Unknown { event_type, .. } => EventType::from(event_type.as_str()),
        }
    }

    /// Decodes a decrypted resource according to the envelope's event type.
    pub(crate) fn decode(
        event_type: &EventType,
        plaintext: &[u8],
    ) -> Result<Self, serde_json::Error> {
        Ok(match event_type {
            EventType::TransactionSuccess => {
                if is_combine(plaintext)? {
                    Self::CombineTransactionSuccess(serde_json::from_slice(plaintext)?)
                } else {
                    Self::PartnerTransactionSuccess(serde_json::from_slice(plaintext)?)
                }
            }
            EventType::RefundSuccess => Self::RefundSuccess(serde_json::from_slice(plaintext)?),
            EventType::RefundAbnormal => Self::RefundAbnormal(serde_json::from_slice(plaintext)?),
            EventType::RefundClosed => Self::RefundClosed(serde_json::from_slice(plaintext)?),
            EventType::ProfitSharingSuccess => {
                Self::ProfitSharingSuccess(serde_json::from_slice(plaintext)?)
            }
            EventType::ProfitSharingReturn => {
                Self::ProfitSharingReturn(serde_json::from_slice(plaintext)?)
            }
            EventType::MchWithdrawChange => {
                Self::WithdrawChange(serde_json::from_slice(plaintext)?)
            }
            EventType::Unknown(raw) => Self::Unknown {
                event_type: raw.clone(),
                resource: serde_json::from_slice(plaintext)?,
            },
        })
    }
}

/// Partner and combined payments share `TRANSACTION.SUCCESS` and `original_type`
/// `transaction`; only the resource tells them apart. A combined order has
/// `combine_out_trade_no` and `sub_orders`, which a partner order never has.
fn is_combine(plaintext: &[u8]) -> Result<bool, serde_json::Error> {
    // Only the two members are looked at; the rest is skipped without being stored.
    #[derive(Deserialize)]
    struct Shape {
        combine_out_trade_no: Option<IgnoredAny>,
        sub_orders: Option<IgnoredAny>,
    }
    let shape: Shape = serde_json::from_slice(plaintext)?;
    Ok(shape.combine_out_trade_no.is_some() || shape.sub_orders.is_some())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PARTNER: &str = r#"{"sp_appid":"wx1","sp_mchid":"1900000100","sub_mchid":"1900000109",
        "out_trade_no":"T1","trade_state":"SUCCESS","trade_state_desc":"ok","amount":{"total":1}}"#;

    // Proves a resource without combine members decodes as a partner payment.
    #[test]
    fn partner_payment_is_recognised() {
        let event = Event::decode(&EventType::TransactionSuccess, PARTNER.as_bytes()).unwrap();
        assert!(matches!(event, Event::PartnerTransactionSuccess(ref t) if t.out_trade_no == "T1"));
        assert_eq!(event.event_type(), EventType::TransactionSuccess);
    }

    // Proves a resource with `combine_out_trade_no` is taken for a combined payment, and that
    // missing combine members are then reported rather than silently read as a partner order.
    #[test]
    fn combine_member_selects_combine_type() {
        let err =
            Event::decode(&EventType::TransactionSuccess, br#"{"combine_out_trade_no":"P1"}"#)
                .unwrap_err();
        assert!(err.to_string().contains("missing field"), "{err}");
    }

    // Proves an unknown event type keeps its name and the resource as JSON.
    #[test]
    fn unknown_event_keeps_json() {
        let event = Event::decode(&EventType::from("FOO.BAR"), br#"{"a":1}"#).unwrap();
        assert_eq!(
            event,
            Event::Unknown { event_type: "FOO.BAR".into(), resource: serde_json::json!({"a":1}) }
        );
        assert_eq!(event.event_type(), EventType::Unknown("FOO.BAR".into()));
    }

    // Proves a resource that is not a JSON object is an error for every known event type.
    #[test]
    fn non_object_resource_is_rejected() {
        for raw in EventType::KNOWN {
            assert!(Event::decode(&EventType::from(*raw), b"[1,2]").is_err(), "{raw}");
        }
    }
}
