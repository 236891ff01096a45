//! The request detail page (`/mock/dashboard/requests/{id}`), rendered from
//! `GET /mock/admin/journal/{id}`: the entry, the headers and bodies as the journal kept them,
//! and for a signature failure the canonical message the mock expected beside the
//! `Authorization` parameters it received.

use std::fmt::Write as _;

use serde_json::Value;

use super::html::{cell, esc, table, text, time};

/// The page's `<main>` content for one journal record (the admin API's JSON).
pub(crate) fn render(record: &Value, back: &str) -> String {
    let id = text(record.get("id"));
    let mut out = format!(
        "<p><a href=\"{}\">Back to all requests</a></p><h2 id=\"h-summary\">Request {} · {} <code>{}</code></h2>",
        esc(back),
        esc(&id),
        cell(record, "method"),
        cell(record, "path")
    );
    out.push_str(&summary(record));
    let detail = record.get("detail").filter(|d| !d.is_null());
    let Some(detail) = detail else {
        out.push_str(
            "<p class=\"note\">The headers and bodies of this request are no longer kept: the \
             journal holds at most 16 MiB of them and drops the oldest first.</p>",
        );
        return out;
    };
    if let Some(check) = detail.get("signature_check").filter(|c| !c.is_null()) {
        out.push_str(&signature_check(check));
    }
    out.push_str("<section aria-labelledby=\"h-request\"><h2 id=\"h-request\">Request</h2>");
    out.push_str(&headers("Request headers", detail.get("request_headers")));
    out.push_str(&body("Request body", detail.get("request_body")));
    out.push_str(
        "</section><section aria-labelledby=\"h-response\"><h2 id=\"h-response\">Response</h2>",
    );
    out.push_str(&headers("Response headers", detail.get("response_headers")));
    out.push_str(&body("Response body", detail.get("response_body")));
    out.push_str("</section>");
    out
}

fn summary(e: &Value) -> String {
    let v = e.get("verification").cloned().unwrap_or(Value::Null);
    let result = text(v.get("result"));
    let latency = e.get("latency_us").and_then(Value::as_u64).unwrap_or(0);
    let status = text(e.get("status"));
    let mut out = format!(
        "<dl class=\"summary\"><dt>Request-ID</dt><dd><code>{}</code></dd>\
         <dt>Merchant</dt><dd>{}</dd><dt>Virtual time</dt><dd>{}</dd>\
         <dt>Status</dt><dd><span class=\"{}\">{}</span> {}</dd><dt>Latency</dt><dd>{}.{:03} ms</dd>\
         <dt>Signature check</dt><dd><span class=\"v-{result}\">{result}</span></dd>",
        cell(e, "request_id"),
        cell(e, "mchid"),
        time(e.get("virtual_time_unix")),
        if status.starts_with('2') { "ok" } else { "bad" },
        esc(&status),
        cell(e, "code"),
        latency / 1000,
        latency % 1000,
        result = esc(&result)
    );
    let reason = text(v.get("reason"));
    if !reason.is_empty() {
        let _ = write!(out, "<dt>Why it failed</dt><dd><pre>{}</pre></dd>", esc(&reason));
    }
    if e.get("fault").is_some_and(|f| !f.is_null()) {
        let _ = write!(out, "<dt>Fault rules fired</dt><dd>{}</dd>", cell(e, "fault"));
    }
    out.push_str("</dl>");
    out
}

/// The canonical message, one line per part, each line end shown as `\n`.
fn message(m: &str) -> String {
    let mut out = String::new();
    let mut lines: Vec<&str> = m.split('\n').collect();
    // The message ends with "\n": the split leaves an empty last piece.
    if lines.last() == Some(&"") {
        lines.pop();
    }
    for line in lines {
        let _ = writeln!(out, "{}<span class=\"nl\" aria-hidden=\"true\">\\n</span>", esc(line));
    }
    out
}

fn signature_check(c: &Value) -> String {
    let mut out = String::from(
        "<section aria-labelledby=\"h-sign\"><h2 id=\"h-sign\">Signature check</h2>\
         <p>The mock verified the signature against the message on the left (method, path with \
         query as sent, timestamp, nonce and body, each followed by <code>\\n</code>). Sign \
         exactly that; the right side is what the <code>Authorization</code> header carried.</p>\
         <div class=\"compare\"><div><h3 id=\"h-expected\">Canonical message the mock expected</h3>",
    );
    let _ = write!(
        out,
        "<pre class=\"message\" aria-labelledby=\"h-expected\">{}</pre>",
        message(&text(c.get("expected_message")))
    );
    if let Some(n) = c.get("expected_length").and_then(Value::as_u64) {
        let _ = write!(
            out,
            "<p class=\"note\">{n} bytes in full (a long body is shortened above).</p>"
        );
    }
    out.push_str("</div><div><h3>What the request carried</h3>");
    match c.get("received").filter(|r| !r.is_null()) {
        Some(r) => {
            out.push_str("<dl>");
            for (name, key) in [
                ("mchid", "mchid"),
                ("serial_no", "serial_no"),
                ("timestamp", "timestamp"),
                ("nonce_str", "nonce_str"),
                ("signature", "signature"),
            ] {
                let _ = write!(out, "<dt>{name}</dt><dd><code>{}</code></dd>", cell(r, key));
            }
            out.push_str("</dl>");
        }
        None => out.push_str(
            "<p>No <code>Authorization</code> header that parses as \
             <code>WECHATPAY2-SHA256-RSA2048 mchid=\"…\",nonce_str=\"…\",signature=\"…\",timestamp=\"…\",serial_no=\"…\"</code>.</p>",
        ),
    }
    out.push_str("</div></div></section>");
    out
}

fn headers(caption: &str, list: Option<&Value>) -> String {
    let rows: Vec<Vec<String>> = list
        .and_then(Value::as_array)
        .map(|a| a.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|h| {
            let redacted = h.get("redacted").and_then(Value::as_bool).unwrap_or(false);
            let value = if redacted {
                format!(
                    "<code>{}</code> <span class=\"note\">(hidden: may be a secret)</span>",
                    cell(h, "value")
                )
            } else {
                format!("<code>{}</code>", cell(h, "value"))
            };
            vec![format!("<code>{}</code>", cell(h, "name")), value]
        })
        .collect();
    table(caption, &["Name", "Value"], &rows, "No headers.")
}

fn body(heading: &str, b: Option<&Value>) -> String {
    let mut out = format!("<h3>{}</h3>", esc(heading));
    let Some(b) = b.filter(|b| !b.is_null()) else {
        out.push_str(
            "<p class=\"note\">Not read by the mock (a path outside <code>/v3/</code>).</p>",
        );
        return out;
    };
    let size = b.get("size").and_then(Value::as_u64).unwrap_or(0);
    let truncated = b.get("truncated").and_then(Value::as_bool).unwrap_or(false);
    let binary = b.get("binary").and_then(Value::as_bool).unwrap_or(false);
    if size == 0 {
        out.push_str("<p class=\"note\">Empty.</p>");
        return out;
    }
    let mut note = format!("{size} bytes");
    if truncated {
        note.push_str("; truncated: only the first 16 KiB are kept");
    }
    if binary {
        note.push_str("; not UTF-8 (bytes that are not text show as �)");
    }
    let _ =
        write!(out, "<p class=\"note\">{}</p><pre class=\"body\">{}", esc(&note), cell(b, "text"));
    if truncated {
        out.push_str("<span class=\"nl\">…(truncated)</span>");
    }
    out.push_str("</pre>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // Proves the expected message shows one line per part with visible line ends, escaped.
    #[test]
    fn message_lines_are_visible() {
        let m = message("POST\n/v3/x?a=<b>\n1\nn\n{}\n");
        assert_eq!(m.matches("\\n</span>").count(), 5);
        assert!(m.contains("/v3/x?a=&lt;b&gt;<span"));
    }

    // Proves a record without detail says why, and one with a body says its size and cut.
    #[test]
    fn detail_kept_or_not() {
        let none =
            render(&json!({"id": 3, "method": "GET", "path": "/v3/a", "detail": null}), "/b");
        assert!(none.contains("no longer kept"));
        let some = render(
            &json!({"id": 3, "method": "GET", "path": "/v3/a", "detail": {
                "request_headers": [{"name": "authorization", "value": "Bearer [redacted]", "redacted": true}],
                "request_body": {"size": 20000, "text": "<x>", "truncated": true},
                "response_headers": [], "response_body": {"size": 0, "text": "", "truncated": false}
            }}),
            "/b",
        );
        assert!(some.contains("20000 bytes; truncated"));
        assert!(some
            .contains("<pre class=\"body\">&lt;x&gt;<span class=\"nl\">…(truncated)</span></pre>"));
        assert!(some.contains("(hidden: may be a secret)"));
        assert!(!some.contains("Signature check</h2>"));
    }
}
