//! `wxpay sign`: the request signature from its parts, with the canonical message shown so
//! that it can be compared, line by line, with what another client or the server built.

use wechatpay_crypto::clock::{Clock, SystemClock};
use wechatpay_crypto::message::request_message;
use wechatpay_crypto::nonce::{random_alphanumeric, NONCE_LEN};

use crate::body::read_body;
use crate::cli::SignArgs;
use crate::config::Settings;
use crate::error::CliError;
use crate::escape::escape;

/// Prints `message: …`, `signature: …` and `Authorization: …`.
pub(crate) fn run(args: &SignArgs, settings: &Settings) -> Result<(), CliError> {
    let signer = settings.signer()?;
    let body = match &args.body {
        Some(arg) => read_body(arg, "request body")?,
        None => Vec::new(),
    };
    let timestamp = args.timestamp.unwrap_or_else(|| SystemClock.now_unix());
    let nonce = match &args.nonce {
        Some(n) => n.clone(),
        None => random_alphanumeric(signer.key().backend(), NONCE_LEN)
            .map_err(|source| CliError::Crypto { what: "nonce", source })?,
    };
    let auth = signer
        .authorize_at(&args.method, &args.url, &body, timestamp, &nonce)
        .map_err(|source| CliError::Crypto { what: "request to sign", source })?;
    let message = request_message(&args.method, &args.url, &auth.timestamp, &auth.nonce_str, &body);
    println!("message: {}", escape(&message));
    println!("signature: {}", auth.signature);
    println!("Authorization: {}", auth.to_header_value());
    Ok(())
}
