//! HTML building blocks: the one escape function every piece of text goes through, tables
//! with captions and header scopes, and the small forms behind each dashboard button.
//!
//! Everything here returns `String`s of finished HTML. Text from the mock's state (paths,
//! bodies, memos, rule specs …) only ever reaches the page through [`esc`].

use std::fmt::Write as _;

use serde_json::Value;

/// Escapes text for HTML element content and quoted attribute values alike.
pub(crate) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Percent-encodes a query value or path segment (everything but RFC 3986 unreserved bytes).
pub(crate) fn pct(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            // Writing to a String cannot fail.
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// A JSON member as display text: strings as they are, `null`/absent as empty, anything
/// else as compact JSON.
pub(crate) fn text(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// `text` of a member, escaped.
pub(crate) fn cell(v: &Value, key: &str) -> String {
    esc(&text(v.get(key)))
}

/// A unix time as Beijing time (the mock's virtual clocks are shown the way WeChat Pay
/// writes times), or empty.
pub(crate) fn time(v: Option<&Value>) -> String {
    match v.and_then(Value::as_i64) {
        Some(secs) => match wechatpay_models::DateTime::from_unix(secs) {
            Ok(d) => format!("<time datetime=\"{0}\">{0}</time>", esc(&d.to_string())),
            Err(_) => secs.to_string(),
        },
        None => String::new(),
    }
}

/// An amount in fen as `12.34` CNY.
pub(crate) fn fen(v: Option<&Value>) -> String {
    match v.and_then(Value::as_i64) {
        Some(f) => {
            let sign = if f < 0 { "-" } else { "" };
            let a = f.unsigned_abs();
            format!("{sign}{}.{:02}", a / 100, a % 100)
        }
        None => String::new(),
    }
}

/// A semantic table: `<caption>`, `<th scope="col">` headers, and each row's first cell as
/// its `<th scope="row">`. Cells are HTML already. `empty` is said in one row when there
/// are no rows.
pub(crate) fn table(caption: &str, headers: &[&str], rows: &[Vec<String>], empty: &str) -> String {
    let mut out = format!("<table><caption>{}</caption><thead><tr>", esc(caption));
    for h in headers {
        let _ = write!(out, "<th scope=\"col\">{}</th>", esc(h));
    }
    out.push_str("</tr></thead><tbody>");
    if rows.is_empty() {
        let _ = write!(out, "<tr><td colspan=\"{}\">{}</td></tr>", headers.len(), esc(empty));
    }
    for row in rows {
        out.push_str("<tr>");
        for (i, c) in row.iter().enumerate() {
            if i == 0 {
                let _ = write!(out, "<th scope=\"row\">{c}</th>");
            } else {
                let _ = write!(out, "<td>{c}</td>");
            }
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    out
}

/// What every action form carries besides its own fields: where to come back to, and the
/// admin token when the page was opened with one.
#[derive(Clone, Debug, Default)]
pub(crate) struct FormContext {
    /// The page (path and query) to return to after a form post without JavaScript.
    pub(crate) back: String,
    /// The admin token from the page's `token` query parameter.
    pub(crate) token: Option<String>,
}

impl FormContext {
    fn hidden(&self) -> String {
        let mut out =
            format!("<input type=\"hidden\" name=\"_back\" value=\"{}\">", esc(&self.back));
        if let Some(t) = &self.token {
            let _ = write!(out, "<input type=\"hidden\" name=\"_token\" value=\"{}\">", esc(t));
        }
        out
    }

    /// Opens an action form calling `method path` of the admin API (see `form.rs` for how
    /// the fields become the call). `body` is the JSON base of the request body.
    pub(crate) fn open(
        &self,
        method: &str,
        path: &str,
        body: Option<&Value>,
        class: &str,
    ) -> String {
        let mut out = format!(
            "<form class=\"act {}\" method=\"post\" action=\"{}/act\" enctype=\"multipart/form-data\">\
             <input type=\"hidden\" name=\"_method\" value=\"{}\">\
             <input type=\"hidden\" name=\"_path\" value=\"{}\">",
            esc(class),
            super::PREFIX,
            esc(method),
            esc(path)
        );
        if let Some(b) = body {
            let _ = write!(
                out,
                "<input type=\"hidden\" name=\"_body\" value=\"{}\">",
                esc(&b.to_string())
            );
        }
        out.push_str(&self.hidden());
        out
    }

    /// A one-button form: `label` is the visible text, `aria` the full name read out
    /// (e.g. "Pay order wx…").
    pub(crate) fn button(
        &self,
        label: &str,
        aria: &str,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> String {
        format!(
            "{}<button type=\"submit\" aria-label=\"{}\">{}</button></form>",
            self.open(method, path, body, "inline"),
            esc(aria),
            esc(label)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Proves every character that can open markup or close an attribute is escaped.
    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            esc(r#"<script>alert("x&'y")</script>"#),
            "&lt;script&gt;alert(&quot;x&amp;&#39;y&quot;)&lt;/script&gt;"
        );
        assert_eq!(esc("平台收付通"), "平台收付通");
    }

    // Proves percent-encoding keeps unreserved bytes and encodes the rest, UTF-8 included.
    #[test]
    fn percent_encodes() {
        assert_eq!(pct("a-b_c.d~1"), "a-b_c.d~1");
        assert_eq!(pct("a b/&?=é"), "a%20b%2F%26%3F%3D%C3%A9");
    }

    // Proves amounts render in yuan with two decimals, negatives included.
    #[test]
    fn amounts_in_yuan() {
        assert_eq!(fen(Some(&Value::from(102))), "1.02");
        assert_eq!(fen(Some(&Value::from(-5))), "-0.05");
        assert_eq!(fen(None), "");
    }

    // Proves a table without rows says so in one full-width cell, and rows get a row header.
    #[test]
    fn tables_are_semantic() {
        let empty = table("Cap", &["a", "b"], &[], "nothing <yet>");
        assert!(empty.contains("<caption>Cap</caption>"));
        assert!(empty.contains("<td colspan=\"2\">nothing &lt;yet&gt;</td>"));
        let one = table("Cap", &["a", "b"], &[vec!["1".into(), "2".into()]], "");
        assert!(one.contains("<th scope=\"col\">a</th>"));
        assert!(one.contains("<th scope=\"row\">1</th><td>2</td>"));
    }
}
