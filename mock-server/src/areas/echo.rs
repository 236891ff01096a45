//! `POST /v3/security/echo` (mock only; WeChat Pay has no such endpoint): answers the
//! request JSON, after decrypting the sensitive fields it lists.
//!
//! The body is a JSON object. If it has a `sensitive` member, an array of JSON pointers
//! (`["/id_card_name", "/contact/mobile"]`), each pointed-to string is decrypted with the
//! private key of the `Wechatpay-Serial` the request names and replaced by its plaintext.
//! A client thus checks, end to end, its signing and its sensitive-field encryption.

use axum::routing::post;
use axum::Router;
use serde_json::Value;

use crate::error::{ApiError, Location};
use crate::extract::WxJson;
use crate::protocol::Caller;
use crate::state::MockState;

/// The most pointers one echo decrypts (a limit on everything).
const MAX_SENSITIVE: usize = 32;

pub(crate) fn routes() -> Router<MockState> {
    Router::new().route("/v3/security/echo", post(echo))
}

async fn echo(caller: Caller, WxJson(mut body): WxJson<Value>) -> Result<WxJson<Value>, ApiError> {
    if !body.is_object() {
        return Err(ApiError::param_error(
            "/",
            Location::Body,
            "the echo body must be a JSON object",
        ));
    }
    let pointers: Vec<String> = match body.get("sensitive") {
        None => Vec::new(),
        Some(Value::Array(items)) => {
            if items.len() > MAX_SENSITIVE {
                return Err(ApiError::param_error(
                    "/sensitive",
                    Location::Body,
                    format!("at most {MAX_SENSITIVE} pointers"),
                ));
            }
            items
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    v.as_str().filter(|p| p.starts_with('/')).map(str::to_owned).ok_or_else(|| {
                        ApiError::param_error(
                            format!("/sensitive/{i}"),
                            Location::Body,
                            "must be a JSON pointer string such as /id_card_name",
                        )
                    })
                })
                .collect::<Result<_, _>>()?
        }
        Some(_) => {
            return Err(ApiError::param_error(
                "/sensitive",
                Location::Body,
                "must be an array of JSON pointers",
            ))
        }
    };
    for pointer in &pointers {
        let Some(Value::String(ciphertext)) = body.pointer(pointer) else {
            return Err(ApiError::param_error(
                pointer.clone(),
                Location::Body,
                "names no string member of the body",
            ));
        };
        let plain = caller.decrypt_field(pointer, ciphertext)?;
        if let Some(slot) = body.pointer_mut(pointer) {
            *slot = Value::String(plain.to_string());
        }
    }
    Ok(WxJson(body))
}
