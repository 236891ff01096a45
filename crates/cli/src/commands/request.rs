//! `wxpay request`: any APIv3 call through the transport (signed, response verified), with
//! sensitive fields named by JSON pointer encrypted on the way.

use http::Method;
use serde_json::Value;
use wechatpay_transport::BuildError;

use super::transport_error;
use crate::body::read_body;
use crate::cli::RequestArgs;
use crate::config::Settings;
use crate::error::CliError;
use crate::pretty::reindent;

/// Sends the request; prints the verified body on stdout (pretty JSON when it is JSON) and
/// `HTTP <status>  Request-ID <id>` on stderr.
pub(crate) async fn run(args: &RequestArgs, settings: &Settings) -> Result<(), CliError> {
    let method = Method::from_bytes(args.method.to_ascii_uppercase().as_bytes())
        .map_err(|_| CliError::Usage(format!("`{}` is not an HTTP method", args.method)))?;
    let query = args.query.iter().map(|q| parse_query(q)).collect::<Result<Vec<_>, _>>()?;
    let body = match &args.json {
        Some(arg) => Some(read_body(arg, "JSON body")?),
        None => None,
    };
    let transport = settings.transport(true)?;
    let mut request = transport.request(method.clone(), args.path.clone());
    for (k, v) in query {
        request = request.query(k, v);
    }
    if args.unsigned {
        request = request.unsigned_response();
    }
    if let Some(body) = body {
        let value: Value = serde_json::from_slice(&body)
            .map_err(|e| CliError::Usage(format!("--json is not JSON: {e}")))?;
        if args.encrypt.is_empty() {
            // Sent byte for byte: the bytes in the file are the bytes signed.
            request = request.json_bytes(body);
        } else {
            for pointer in &args.encrypt {
                check_pointer(&value, pointer)?;
            }
            let pointers = args.encrypt.clone();
            request = request.json_with(move |ctx| {
                let mut value = value;
                for pointer in &pointers {
                    let slot = value
                        .pointer_mut(pointer)
                        .ok_or_else(|| BuildError::invalid(pointer.clone(), "names nothing"))?;
                    let Value::String(plain) = slot else {
                        return Err(BuildError::invalid(pointer.clone(), "is not a string"));
                    };
                    *slot = Value::String(ctx.encrypt(plain)?);
                }
                Ok(value)
            });
        }
    }
    let response = request.send().await.map_err(transport_error(method.as_str(), &args.path))?;
    eprintln!(
        "HTTP {}  Request-ID {}",
        response.status,
        response.request_id.as_deref().unwrap_or("-")
    );
    print_body(&response.body);
    Ok(())
}

/// `key=value`; the value may be empty and may contain `=`.
fn parse_query(arg: &str) -> Result<(String, String), CliError> {
    match arg.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_owned(), v.to_owned())),
        _ => Err(CliError::Usage(format!("--query `{arg}` is not KEY=VALUE"))),
    }
}

/// Checks before sending that a `--encrypt` pointer names a string of the body.
fn check_pointer(value: &Value, pointer: &str) -> Result<(), CliError> {
    match value.pointer(pointer) {
        Some(Value::String(_)) => Ok(()),
        Some(_) => Err(CliError::Usage(format!("--encrypt {pointer}: not a string in the body"))),
        None => Err(CliError::Usage(format!(
            "--encrypt {pointer}: names nothing in the body (JSON pointers look like /contact_info/mobile_phone)"
        ))),
    }
}

fn print_body(body: &[u8]) {
    if body.iter().all(u8::is_ascii_whitespace) {
        return;
    }
    match std::str::from_utf8(body) {
        Ok(text) if serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok() => {
            println!("{}", reindent(text));
        }
        _ => println!("{}", String::from_utf8_lossy(body)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Proves query arguments split at the first `=` and refuse a missing key.
    #[test]
    fn query_arguments() {
        assert_eq!(parse_query("a=b=c").unwrap(), ("a".into(), "b=c".into()));
        assert_eq!(parse_query("a=").unwrap(), ("a".into(), String::new()));
        assert!(parse_query("=b").is_err());
        assert!(parse_query("ab").is_err());
    }

    // Proves --encrypt pointers are checked against the body before anything is sent.
    #[test]
    fn pointers_are_checked() {
        let v: Value = serde_json::json!({"a": {"name": "张三", "n": 1}});
        check_pointer(&v, "/a/name").unwrap();
        assert!(check_pointer(&v, "/a/n").unwrap_err().to_string().contains("not a string"));
        assert!(check_pointer(&v, "a/name").unwrap_err().to_string().contains("names nothing"));
    }
}
