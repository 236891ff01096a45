//! Standard base64 (with padding), as every WeChat Pay field uses it.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use crate::error::{Error, Result};

/// Encodes bytes as standard padded base64.
pub fn encode(data: impl AsRef<[u8]>) -> String {
    STANDARD.encode(data)
}

/// Decodes standard padded base64; `what` names the field in the error.
///
/// # Errors
/// [`Error::Base64`] if `input` is not valid base64.
pub fn decode(input: &str, what: &'static str) -> Result<Vec<u8>> {
    STANDARD.decode(input.as_bytes()).map_err(|_| Error::Base64 { what })
}
