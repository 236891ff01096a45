//! Client-side checks of profit-sharing and subsidy requests, run before anything is sent.
//! Each names the member it rejects as a JSON pointer (`/receivers/2/amount`).

use wechatpay_models::profitsharing::{
    AddReceiverRequest, CreateOrderRequest, CreateReturnOrderRequest, DeleteReceiverRequest,
    FinishOrderRequest, ReceiverType,
};
use wechatpay_models::subsidy::{CancelSubsidyRequest, CreateSubsidyRequest, ReturnSubsidyRequest};
use wechatpay_transport::BuildError;

/// Most receivers in one split request.
pub const MAX_RECEIVERS: usize = 50;
/// Longest description (split, return, finish, subsidy), characters.
pub const MAX_DESCRIPTION_CHARS: usize = 80;
/// Longest merchant number (`out_order_no`, `out_return_no`), characters.
pub const MAX_OUT_NO_CHARS: usize = 64;
/// Longest plaintext a sensitive field can hold (RSA-OAEP with a 2048-bit key), bytes.
pub const MAX_SENSITIVE_BYTES: usize = 214;

/// Checks a split: ids present, `out_order_no`, 1–50 receivers each with a positive amount,
/// an account, a description of 1–80 characters and a name of at most 214 bytes, and `appid`
/// when a receiver is a personal openid.
///
/// # Errors
/// [`BuildError::Invalid`] naming the member.
pub fn create_order(req: &CreateOrderRequest) -> Result<(), BuildError> {
    text("/sub_mchid", &req.sub_mchid, 32)?;
    text("/transaction_id", &req.transaction_id, 32)?;
    out_no("/out_order_no", &req.out_order_no)?;
    if req.receivers.is_empty() || req.receivers.len() > MAX_RECEIVERS {
        return Err(BuildError::invalid(
            "/receivers",
            format!("must hold 1 to {MAX_RECEIVERS} receivers, holds {}", req.receivers.len()),
        ));
    }
    for (i, r) in req.receivers.iter().enumerate() {
        text(&format!("/receivers/{i}/receiver_account"), &r.receiver_account, 64)?;
        positive(&format!("/receivers/{i}/amount"), r.amount)?;
        text(&format!("/receivers/{i}/description"), &r.description, MAX_DESCRIPTION_CHARS)?;
        if let Some(name) = &r.receiver_name {
            sensitive(&format!("/receivers/{i}/receiver_name"), name)?;
        }
        if r.r#type == ReceiverType::PersonalOpenid && req.appid.is_none() {
            return Err(BuildError::invalid(
                "/appid",
                "required when a receiver is PERSONAL_OPENID",
            ));
        }
    }
    if let Some(url) = &req.notify_url {
        notify_url(url)?;
    }
    Ok(())
}

/// Checks a return: one of `order_id` / `out_order_no`, `out_return_no`, `return_mchid`, a
/// positive amount, a description of 1–80 characters.
///
/// # Errors
/// [`BuildError::Invalid`] naming the member.
pub fn create_return(req: &CreateReturnOrderRequest) -> Result<(), BuildError> {
    text("/sub_mchid", &req.sub_mchid, 32)?;
    match (&req.order_id, &req.out_order_no) {
        (None, None) => {
            return Err(BuildError::invalid("/order_id", "give order_id or out_order_no"))
        }
        (Some(id), _) => text("/order_id", id, 64)?,
        (None, Some(no)) => out_no("/out_order_no", no)?,
    }
    out_no("/out_return_no", &req.out_return_no)?;
    text("/return_mchid", &req.return_mchid, 32)?;
    positive("/amount", req.amount)?;
    text("/description", &req.description, MAX_DESCRIPTION_CHARS)
}

/// Checks a finish: ids, `out_order_no`, a description of 1–80 characters.
///
/// # Errors
/// [`BuildError::Invalid`] naming the member.
pub fn finish_order(req: &FinishOrderRequest) -> Result<(), BuildError> {
    text("/sub_mchid", &req.sub_mchid, 32)?;
    text("/transaction_id", &req.transaction_id, 32)?;
    out_no("/out_order_no", &req.out_order_no)?;
    text("/description", &req.description, MAX_DESCRIPTION_CHARS)?;
    if let Some(url) = &req.notify_url {
        notify_url(url)?;
    }
    Ok(())
}

/// Checks a new receiver: `appid`, `account`, a `name` for a merchant receiver (at most 256
/// characters), an `encrypted_name` (plaintext here) of at most 214 bytes.
///
/// # Errors
/// [`BuildError::Invalid`] naming the member.
pub fn add_receiver(req: &AddReceiverRequest) -> Result<(), BuildError> {
    text("/appid", &req.appid, 32)?;
    text("/account", &req.account, 64)?;
    match (&req.r#type, &req.name) {
        (ReceiverType::MerchantId, None) => {
            return Err(BuildError::invalid("/name", "required for a MERCHANT_ID receiver"))
        }
        (_, Some(name)) => text("/name", name, 256)?,
        (_, None) => {}
    }
    if let Some(name) = &req.encrypted_name {
        sensitive("/encrypted_name", name)?;
    }
    Ok(())
}

/// Checks a receiver removal: `appid` and `account`.
///
/// # Errors
/// [`BuildError::Invalid`] naming the member.
pub fn delete_receiver(req: &DeleteReceiverRequest) -> Result<(), BuildError> {
    text("/appid", &req.appid, 32)?;
    text("/account", &req.account, 64)
}

/// Checks a subsidy: ids, a positive amount, a description of 1–80 characters.
///
/// # Errors
/// [`BuildError::Invalid`] naming the member.
pub fn create_subsidy(req: &CreateSubsidyRequest) -> Result<(), BuildError> {
    text("/sub_mchid", &req.sub_mchid, 32)?;
    text("/transaction_id", &req.transaction_id, 32)?;
    positive("/amount", req.amount)?;
    text("/description", &req.description, MAX_DESCRIPTION_CHARS)?;
    if let Some(no) = &req.out_subsidy_no {
        out_no("/out_subsidy_no", no)?;
    }
    Ok(())
}

/// Checks a subsidy return: ids, `out_order_no`, a positive amount, a description.
///
/// # Errors
/// [`BuildError::Invalid`] naming the member.
pub fn return_subsidy(req: &ReturnSubsidyRequest) -> Result<(), BuildError> {
    text("/sub_mchid", &req.sub_mchid, 32)?;
    out_no("/out_order_no", &req.out_order_no)?;
    text("/transaction_id", &req.transaction_id, 32)?;
    positive("/amount", req.amount)?;
    text("/description", &req.description, MAX_DESCRIPTION_CHARS)
}

/// Checks a subsidy cancellation: ids and a description.
///
/// # Errors
/// [`BuildError::Invalid`] naming the member.
pub fn cancel_subsidy(req: &CancelSubsidyRequest) -> Result<(), BuildError> {
    text("/sub_mchid", &req.sub_mchid, 32)?;
    text("/transaction_id", &req.transaction_id, 32)?;
    text("/description", &req.description, MAX_DESCRIPTION_CHARS)
}

pub(crate) fn text(field: &str, value: &str, max_chars: usize) -> Result<(), BuildError> {
    let n = value.chars().count();
    if n == 0 || n > max_chars {
        return Err(BuildError::invalid(field, format!("must be 1 to {max_chars} characters")));
    }
    Ok(())
}

pub(crate) fn out_no(field: &str, value: &str) -> Result<(), BuildError> {
    let ok = !value.is_empty()
        && value.len() <= MAX_OUT_NO_CHARS
        && value.bytes().all(|b| b.is_ascii_alphanumeric() || b"_-|*@".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(BuildError::invalid(
            field,
            format!("must be 1 to {MAX_OUT_NO_CHARS} of A-Z a-z 0-9 _ - | * @"),
        ))
    }
}

fn positive(field: &str, fen: i64) -> Result<(), BuildError> {
    if fen < 1 {
        return Err(BuildError::invalid(field, format!("must be at least 1 fen, is {fen}")));
    }
    Ok(())
}

fn sensitive(field: &str, value: &str) -> Result<(), BuildError> {
    if value.is_empty() || value.len() > MAX_SENSITIVE_BYTES {
        return Err(BuildError::invalid(
            field,
            format!("must be 1 to {MAX_SENSITIVE_BYTES} bytes of UTF-8 to be encrypted"),
        ));
    }
    Ok(())
}

fn notify_url(url: &str) -> Result<(), BuildError> {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    match rest {
        Some(host) if !host.is_empty() && url.len() <= 256 => Ok(()),
        _ => Err(BuildError::invalid(
            "/notify_url",
            "must be an absolute http(s) URL of at most 256 bytes",
        )),
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use wechatpay_models::profitsharing::CreateOrderReceiver;

    pub(crate) fn split() -> CreateOrderRequest {
        CreateOrderRequest {
            appid: Some("wx8888888888888888".into()),
            sub_mchid: "1900000109".into(),
            transaction_id: "4200000000000000000000000001".into(),
            out_order_no: "P1".into(),
            receivers: vec![
                CreateOrderReceiver {
                    r#type: ReceiverType::MerchantId,
                    receiver_account: "1900000100".into(),
                    receiver_mchid: None,
                    amount: 10,
                    description: "佣金".into(),
                    receiver_name: None,
                },
                CreateOrderReceiver {
                    r#type: ReceiverType::PersonalOpenid,
                    receiver_account: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o".into(),
                    receiver_mchid: None,
                    amount: 5,
                    description: "分润".into(),
                    receiver_name: Some("张三".into()),
                },
            ],
            finish: false,
            notify_url: None,
        }
    }

    fn field(r: Result<(), BuildError>) -> String {
        match r {
            Err(BuildError::Invalid { field, .. }) => field,
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

    // Proves a split passes and each rule names the member it rejects.
    #[test]
    fn split_rules() {
        create_order(&split()).unwrap();
        let mut s = split();
        s.receivers[1].amount = 0;
        assert_eq!(field(create_order(&s)), "/receivers/1/amount");
        let mut s = split();
        s.appid = None;
        assert_eq!(field(create_order(&s)), "/appid");
        let mut s = split();
        let one = s.receivers[0].clone();
        s.receivers = vec![one; 51];
        assert_eq!(field(create_order(&s)), "/receivers");
        let mut s = split();
        s.receivers[0].description = "x".repeat(81);
        assert_eq!(field(create_order(&s)), "/receivers/0/description");
        let mut s = split();
        s.receivers[1].receiver_name = Some("名".repeat(72));
        assert_eq!(field(create_order(&s)), "/receivers/1/receiver_name");
        let mut s = split();
        s.out_order_no = "P 1".into();
        assert_eq!(field(create_order(&s)), "/out_order_no");
    }

    // Proves return, finish, receiver and subsidy checks reject what WeChat Pay would.
    #[test]
    fn other_rules() {
        let ret = CreateReturnOrderRequest {
            sub_mchid: "1900000109".into(),
            order_id: None,
            out_order_no: None,
            out_return_no: "RT1".into(),
            return_mchid: "1900000100".into(),
            amount: 1,
            description: "退货".into(),
        };
        assert_eq!(field(create_return(&ret)), "/order_id");
        create_return(&CreateReturnOrderRequest { out_order_no: Some("P1".into()), ..ret.clone() })
            .unwrap();
        let add = AddReceiverRequest {
            appid: "wx8888888888888888".into(),
            r#type: ReceiverType::MerchantId,
            account: "1900000100".into(),
            name: None,
            relation_type: wechatpay_models::profitsharing::RelationType::Platform,
            encrypted_name: None,
        };
        assert_eq!(field(add_receiver(&add)), "/name");
        let sub = CreateSubsidyRequest {
            sub_mchid: "1900000109".into(),
            transaction_id: "4200000000000000000000000001".into(),
            amount: -1,
            description: "补差".into(),
            out_subsidy_no: None,
        };
        assert_eq!(field(create_subsidy(&sub)), "/amount");
        let fin = FinishOrderRequest {
            sub_mchid: "1900000109".into(),
            transaction_id: "4200000000000000000000000001".into(),
            out_order_no: "F1".into(),
            description: String::new(),
            notify_url: None,
        };
        assert_eq!(field(finish_order(&fin)), "/description");
    }
}
