//! `wxpay verify`: a response or callback signature from its parts, against the configured
//! platform certificates and / or WeChat Pay public key, with the exact failure.

use http::HeaderMap;
use wechatpay_crypto::clock::{Clock, SystemClock};
use wechatpay_crypto::message::response_message;
use wechatpay_crypto::SignatureHeaders;

use crate::body::read_body;
use crate::cli::VerifyArgs;
use crate::config::Settings;
use crate::error::CliError;
use crate::escape::escape;

/// Prints `message: …`, then `OK`; or fails with the reason.
pub(crate) fn run(args: &VerifyArgs, settings: &Settings) -> Result<(), CliError> {
    let saved = match &args.headers {
        Some(path) => crate::headers_file::read(path)?,
        None => HeaderMap::new(),
    };
    let part = |flag: &Option<String>, header: &'static str| -> Result<String, CliError> {
        match flag {
            Some(v) => Ok(v.clone()),
            None => saved.get(header).and_then(|v| v.to_str().ok()).map(str::to_owned).ok_or_else(
                || {
                    CliError::Usage(format!(
                        "no {header}: pass --{} or a --headers file that has it",
                        header.trim_start_matches("Wechatpay-").to_ascii_lowercase()
                    ))
                },
            ),
        }
    };
    let timestamp = part(&args.timestamp, "Wechatpay-Timestamp")?;
    let nonce = part(&args.nonce, "Wechatpay-Nonce")?;
    let serial = part(&args.serial, "Wechatpay-Serial")?;
    let signature = part(&args.signature, "Wechatpay-Signature")?;
    let signature_type = match &args.signature_type {
        Some(t) => Some(t.clone()),
        None => {
            saved.get("Wechatpay-Signature-Type").and_then(|v| v.to_str().ok()).map(str::to_owned)
        }
    };
    let body = match &args.body {
        Some(arg) => read_body(arg, "body")?,
        None => Vec::new(),
    };
    let verifier = settings.local_verifier()?;
    let headers = SignatureHeaders {
        timestamp: &timestamp,
        nonce: &nonce,
        serial: &serial,
        signature: &signature,
        signature_type: signature_type.as_deref(),
    };
    println!("message: {}", escape(&response_message(&timestamp, &nonce, &body)));
    let now = args.now.unwrap_or_else(|| SystemClock.now_unix());
    verifier.verify(&headers, &body, now).map_err(|source| CliError::Signature {
        trusted: verifier.keys().map(|k| k.serial().to_string()).collect(),
        body_ends_with_newline: body.ends_with(b"\n"),
        source,
    })?;
    println!("OK");
    Ok(())
}
