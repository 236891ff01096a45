//! Payments as WeChat Pay shows them: the query answers, which are also the decrypted
//! `TRANSACTION.SUCCESS` resources (so the callback and a query can never disagree), and
//! the ids and links a prepay hands out.

use wechatpay_models::amount::Currency;
use wechatpay_models::payments::{
    CombinePayerInfo, CombineTransaction, PartnerTransaction, Payer, PrepayChannel, SceneInfo,
    SubOrder, SubOrderAmount, TransactionAmount,
};
use wechatpay_models::DateTime;

use super::{Kind, Payment, PaymentId, Status, TradeRef};
use crate::error::ApiError;

fn paid(payment: &Payment) -> Option<(i64, &str, &str)> {
    match &payment.status {
        Status::Success { success_unix, bank_type, openid } => {
            Some((*success_unix, bank_type, openid))
        }
        _ => None,
    }
}

/// A partner order as `GET /v3/pay/partner/transactions/…` answers it.
pub(crate) fn partner(payment: &Payment) -> Option<PartnerTransaction> {
    let Kind::Partner { sp_appid, sub_appid, sp_openid, sub_openid, device_id } = &payment.kind
    else {
        return None;
    };
    let trade = payment.trades.first()?;
    let paid = paid(payment);
    let payer = match (paid, sp_openid) {
        (Some((_, _, openid)), _) => {
            Some(Payer { sp_openid: openid.to_owned(), sub_openid: sub_openid.clone() })
        }
        (None, Some(openid)) => {
            Some(Payer { sp_openid: openid.clone(), sub_openid: sub_openid.clone() })
        }
        (None, None) => None,
    };
    Some(PartnerTransaction {
        sp_appid: sp_appid.clone(),
        sp_mchid: trade.mchid.clone(),
        sub_appid: sub_appid.clone(),
        sub_mchid: trade.sub_mchid.clone(),
        out_trade_no: trade.out_trade_no.clone(),
        transaction_id: trade.transaction_id.clone(),
        trade_type: paid.map(|_| payment.trade_type()),
        trade_state: payment.trade_state(trade),
        trade_state_desc: if trade.refund_started {
            "转入退款".to_owned()
        } else {
            payment.status.desc().to_owned()
        },
        bank_type: paid.map(|(_, bank, _)| bank.to_owned()),
        attach: trade.attach.clone(),
        success_time: paid.and_then(|(at, _, _)| DateTime::from_unix(at).ok()),
        payer,
        amount: TransactionAmount {
            total: trade.amount_fen,
            payer_total: paid.map(|_| trade.amount_fen),
            currency: Some(Currency::Cny),
            payer_currency: paid.map(|_| Currency::Cny),
        },
        scene_info: device_id.clone().map(|d| SceneInfo { device_id: Some(d) }),
        promotion_detail: None,
    })
}

/// A combined order as `GET /v3/combine-transactions/out-trade-no/…` answers it.
pub(crate) fn combine(payment: &Payment) -> Option<CombineTransaction> {
    let Kind::Combine { combine_appid, combine_out_trade_no, openid, sub_openid, device_id } =
        &payment.kind
    else {
        return None;
    };
    let paid = paid(payment);
    let sub_orders = payment
        .trades
        .iter()
        .map(|t| SubOrder {
            mchid: t.mchid.clone(),
            trade_type: paid.map(|_| payment.trade_type()),
            trade_state: payment.trade_state(t),
            bank_type: paid.map(|(_, bank, _)| bank.to_owned()),
            attach: t.attach.clone(),
            success_time: paid.and_then(|(at, _, _)| DateTime::from_unix(at).ok()),
            transaction_id: t.transaction_id.clone(),
            out_trade_no: t.out_trade_no.clone(),
            sub_mchid: t.sub_mchid.clone(),
            amount: SubOrderAmount {
                total_amount: t.amount_fen,
                payer_amount: paid.map(|_| t.amount_fen),
                currency: Currency::Cny,
                payer_currency: paid.map(|_| Currency::Cny),
            },
            sub_appid: t.sub_appid.clone(),
            sub_openid: sub_openid.clone().filter(|_| t.sub_appid.is_some()),
            promotion_detail: None,
        })
        .collect();
    let payer = paid.map(|(_, _, o)| o.to_owned()).or_else(|| openid.clone());
    Some(CombineTransaction {
        combine_appid: combine_appid.clone(),
        combine_mchid: payment.trades.first().map(|t| t.mchid.clone()).unwrap_or_default(),
        combine_out_trade_no: combine_out_trade_no.clone(),
        combine_transaction_id: None,
        scene_info: device_id.clone().map(|d| SceneInfo { device_id: Some(d) }),
        sub_orders,
        combine_payer_info: payer.map(|openid| CombinePayerInfo { openid }),
    })
}

/// The `TRANSACTION.SUCCESS` resource of a payment: exactly its query answer.
///
/// # Errors
/// `500 SYSTEM_ERROR` if it does not serialize (a bug).
pub(crate) fn resource_json(payment: &Payment) -> Result<String, ApiError> {
    let json = match (partner(payment), combine(payment)) {
        (Some(p), _) => serde_json::to_string(&p),
        (None, Some(c)) => serde_json::to_string(&c),
        (None, None) => {
            return Err(ApiError::system_error("a payment is neither partner nor combined"))
        }
    };
    json.map_err(|e| ApiError::system_error(format!("resource does not serialize: {e}")))
}

fn digits(now_unix: i64, with_time: bool) -> String {
    let text = DateTime::from_unix(now_unix).map(|d| d.to_string()).unwrap_or_default();
    // `2025-01-01T11:00:00+08:00` → `20250101` or `20250101110000`.
    let wanted = if with_time { 19 } else { 10 };
    text.chars().take(wanted).filter(char::is_ascii_digit).collect()
}

/// A `prepay_id` like WeChat Pay's: `wx`, Beijing date and time, then the payment id in 20
/// digits (36 characters). Carrying the id saves an index of every prepay id.
pub(crate) fn prepay_id(now_unix: i64, payment: PaymentId) -> String {
    format!("wx{}{:020}", digits(now_unix, true), payment)
}

/// The payment a `prepay_id` of this mock names (to be checked against the stored id).
pub(crate) fn payment_in_prepay_id(prepay_id: &str) -> Option<PaymentId> {
    let digits = prepay_id.strip_prefix("wx")?.get(14..)?;
    (digits.len() == 20).then(|| digits.parse().ok()).flatten()
}

/// A `transaction_id` like WeChat Pay's: `4200`, Beijing date, then 16 digits holding the
/// payment id and the trade's index (`id * 100 + index`; 28 characters). Carrying both saves
/// an index of every transaction id.
pub(crate) fn transaction_id(now_unix: i64, r: TradeRef) -> String {
    let number = r.payment.saturating_mul(100).saturating_add(r.index as u64);
    format!("4200{}{:016}", digits(now_unix, false), number)
}

/// The trade a `transaction_id` of this mock names (to be checked against the stored id).
pub(crate) fn trade_in_transaction_id(transaction_id: &str) -> Option<TradeRef> {
    let digits = transaction_id.strip_prefix("4200")?.get(8..)?;
    let number: u64 = (digits.len() == 16).then(|| digits.parse().ok()).flatten()?;
    Some(TradeRef { payment: number / 100, index: usize::try_from(number % 100).ok()? })
}

/// The H5 page of a prepay (what `h5_url` points at).
pub(crate) fn h5_url(prepay_id: &str) -> String {
    format!("https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id={prepay_id}&package=2150917749")
}

/// The Native QR-code link of a prepay (what `code_url` holds).
pub(crate) fn code_url(prepay_id: &str) -> String {
    format!("weixin://wxpay/bizpayurl?pr={prepay_id}")
}

/// The `prepay_id` inside an `h5_url` or `code_url` of this mock.
pub(crate) fn prepay_id_in(url: &str) -> Option<&str> {
    let (_, rest) = url.split_once("prepay_id=").or_else(|| url.split_once("pr="))?;
    Some(rest.split('&').next().unwrap_or(rest)).filter(|id| !id.is_empty())
}

/// The answer JSON of a prepay for `channel`.
pub(crate) fn prepay_answer(channel: PrepayChannel, prepay_id: &str) -> serde_json::Value {
    match channel {
        PrepayChannel::Jsapi | PrepayChannel::App => serde_json::json!({ "prepay_id": prepay_id }),
        PrepayChannel::H5 => serde_json::json!({ "h5_url": h5_url(prepay_id) }),
        PrepayChannel::Native => serde_json::json!({ "code_url": code_url(prepay_id) }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Proves ids have WeChat Pay's shapes and links carry the prepay id back.
    #[test]
    fn ids_and_links() {
        let now = 1_735_700_400; // 2025-01-01T11:00:00+08:00
        assert_eq!(prepay_id(now, 7), "wx2025010111000000000000000000000007");
        assert_eq!(prepay_id(now, 7).len(), 36);
        let r = TradeRef { payment: 42, index: 7 };
        assert_eq!(transaction_id(now, r), "4200202501010000000000004207");
        assert_eq!(transaction_id(now, r).len(), 28);
        assert_eq!(trade_in_transaction_id(&transaction_id(now, r)), Some(r));
        assert_eq!(payment_in_prepay_id(&prepay_id(now, 7)), Some(7));
        for bad in [
            "",
            "4200",
            "42002025010100000000000042070",
            "wx1",
            "wx2025010111000000000000000000000x07",
        ] {
            assert_eq!(trade_in_transaction_id(bad), None, "{bad}");
            assert_eq!(payment_in_prepay_id(bad), None, "{bad}");
        }
        let id = prepay_id(now, 1);
        assert_eq!(prepay_id_in(&h5_url(&id)), Some(id.as_str()));
        assert_eq!(prepay_id_in(&code_url(&id)), Some(id.as_str()));
        assert_eq!(prepay_id_in("weixin://x"), None);
    }
}
