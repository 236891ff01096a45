//! Decrypting the sensitive members of a request, found through the request type's own list
//! ([`SensitiveFields::SENSITIVE_FIELDS`]), so the mock and the SDK read the same list.

use serde::de::DeserializeOwned;
use serde::Serialize;
use wechatpay_models::sensitive::{visit_strings_mut, SensitiveFields};

use crate::error::ApiError;
use crate::protocol::Caller;

/// Returns `request` with every listed sensitive member decrypted with the key the request's
/// `Wechatpay-Serial` names.
///
/// # Errors
/// `400 PARAM_ERROR` naming the member (a JSON pointer with array indexes) that does not
/// decrypt, or `Wechatpay-Serial` when it is missing or unknown (see
/// [`Caller::decrypt_field`]).
pub(crate) fn decrypt<T>(caller: &Caller, request: &T) -> Result<T, ApiError>
where
    T: Serialize + DeserializeOwned + SensitiveFields,
{
    let mut body = serde_json::to_value(request)
        .map_err(|e| ApiError::system_error(format!("a parsed request did not serialise: {e}")))?;
    visit_strings_mut(&mut body, T::SENSITIVE_FIELDS, |pointer, text| {
        *text = caller.decrypt_field(pointer, text)?.to_string();
        Ok::<(), ApiError>(())
    })?;
    serde_json::from_value(body)
        .map_err(|e| ApiError::system_error(format!("a decrypted request no longer parses: {e}")))
}
