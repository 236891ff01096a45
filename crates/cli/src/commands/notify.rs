//! `wxpay notify decrypt`: a saved callback through the SDK's own parser (signature over the
//! raw body, ±300 s window, AES-256-GCM with the APIv3 key).

use std::sync::Arc;

use serde_json::value::RawValue;
use wechatpay_crypto::clock::{Clock, FixedClock, SystemClock};
use wechatpay_notify::NotifyParser;

use crate::cli::NotifyDecryptArgs;
use crate::config::Settings;
use crate::error::CliError;
use crate::pretty::reindent;

/// Prints the event type, id and summary on stderr and the decrypted resource, pretty JSON
/// in its own member order, on stdout.
pub(crate) fn decrypt(args: &NotifyDecryptArgs, settings: &Settings) -> Result<(), CliError> {
    let headers = crate::headers_file::read(&args.headers)?;
    let body = crate::body::read_file(&args.body, "callback body")?;
    let verifier = settings.local_verifier()?;
    let trusted = verifier.keys().map(|k| k.serial().to_string()).collect();
    let clock: Arc<dyn Clock> = match callback_timestamp(&headers) {
        // Checking at the callback's own time keeps the signature and certificate-validity
        // checks and drops only the freshness check.
        Some(ts) if args.no_verify_time => Arc::new(FixedClock::new(ts)),
        _ => Arc::new(SystemClock),
    };
    let parser = NotifyParser::new(verifier, settings.api_v3_key()?).with_clock(clock);
    let verified = parser.parse_as::<Box<RawValue>>(&headers, &body).map_err(|source| {
        CliError::Notify { trusted, body_ends_with_newline: body.ends_with(b"\n"), source }
    })?;
    eprintln!("event_type: {}", verified.event_type());
    eprintln!("summary: {}", verified.summary());
    eprintln!("id: {}", verified.id());
    eprintln!("create_time: {}", verified.create_time());
    println!("{}", reindent(verified.resource().get()));
    Ok(())
}

fn callback_timestamp(headers: &http::HeaderMap) -> Option<i64> {
    headers.get("wechatpay-timestamp")?.to_str().ok()?.trim().parse().ok()
}
