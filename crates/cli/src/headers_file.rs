//! Saved HTTP headers: `Name: value` lines (as copied from a log or `curl -v`, an optional
//! request or status line such as `POST /notify HTTP/1.1` first) or a JSON object of strings.

use std::path::Path;

use http::{HeaderMap, HeaderName, HeaderValue};

use crate::error::CliError;

/// Reads a headers file into a [`HeaderMap`] (names are case-insensitive there).
///
/// # Errors
/// [`CliError::Read`] or [`CliError::HeadersFile`] naming the line that is not a header.
pub(crate) fn read(path: &Path) -> Result<HeaderMap, CliError> {
    let bytes = crate::body::read_file(path, "headers file")?;
    parse(&bytes).map_err(|reason| CliError::HeadersFile { path: path.to_owned(), reason })
}

/// Parses the text of a headers file.
fn parse(bytes: &[u8]) -> Result<HeaderMap, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "is not UTF-8 text".to_owned())?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.trim_start().starts_with('{') {
        parse_json(text)
    } else {
        parse_lines(text)
    }
}

fn parse_json(text: &str) -> Result<HeaderMap, String> {
    let object: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(text).map_err(|e| format!("is not a JSON object of headers: {e}"))?;
    let mut headers = HeaderMap::new();
    for (name, value) in object {
        // A timestamp saved as a JSON number is still the header's text.
        let value = match value {
            serde_json::Value::String(s) => s,
            serde_json::Value::Number(n) => n.to_string(),
            _ => return Err(format!("header `{name}` is not a string")),
        };
        insert(&mut headers, &name, &value)?;
    }
    Ok(headers)
}

fn parse_lines(text: &str) -> Result<HeaderMap, String> {
    let mut headers = HeaderMap::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        // A request line (`POST /notify HTTP/1.1`) or status line (`HTTP/1.1 200 OK`).
        if i == 0 && (line.contains(" HTTP/") || line.starts_with("HTTP/")) {
            continue;
        }
        let (name, value) =
            line.split_once(':').ok_or_else(|| format!("line {} is not `Name: value`", i + 1))?;
        insert(&mut headers, name.trim(), value.trim())
            .map_err(|reason| format!("line {}: {reason}", i + 1))?;
    }
    Ok(headers)
}

fn insert(headers: &mut HeaderMap, name: &str, value: &str) -> Result<(), String> {
    let shown: String = name.chars().take(64).collect();
    let name = HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| format!("`{shown}` is not a header name"))?;
    let value = HeaderValue::from_str(value)
        .map_err(|_| format!("the value of `{shown}` is not a valid header value"))?;
    headers.append(name, value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    // Proves both formats give the same headers, with case-insensitive names.
    #[test]
    fn lines_and_json() {
        let lines = parse(
            b"POST /notify HTTP/1.1\r\nWechatpay-Timestamp: 1735699000\r\n\r\nwechatpay-nonce:  abc \r\n",
        )
        .unwrap();
        let json =
            parse(br#"{"Wechatpay-Timestamp": 1735699000, "Wechatpay-Nonce": "abc"}"#).unwrap();
        for h in [&lines, &json] {
            assert_eq!(h["wechatpay-timestamp"], "1735699000");
            assert_eq!(h["Wechatpay-Nonce"], "abc");
        }
    }

    // Proves a line that is not a header is reported with its number.
    #[test]
    fn bad_line_is_named() {
        let err = parse(b"Wechatpay-Nonce: a\n{\"id\":1}\n").unwrap_err();
        assert_eq!(err, "line 2: `{\"id\"` is not a header name");
        let err = parse(b"Wechatpay-Nonce a\n").unwrap_err();
        assert_eq!(err, "line 1 is not `Name: value`");
        assert!(parse(br#"{"a": [1]}"#).unwrap_err().contains("not a string"));
    }
}
