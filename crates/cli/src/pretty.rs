//! Pretty-printing JSON text without parsing it into a map: members keep WeChat Pay's order
//! and numbers keep their exact spelling (a `serde_json::Value` would sort keys and could
//! reformat numbers).

/// Re-indents valid JSON `text` with two spaces. Only whitespace outside strings changes;
/// the caller has checked that `text` is JSON.
pub(crate) fn reindent(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 4);
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                let close = if c == '{' { '}' } else { ']' };
                skip_whitespace(&mut chars);
                if chars.peek() == Some(&close) {
                    // An empty object or array stays on one line: `{}`, `[]`.
                    chars.next();
                    out.push(close);
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

fn skip_whitespace(chars: &mut std::iter::Peekable<std::str::Chars<'_>>) {
    while chars.peek().is_some_and(|c| c.is_whitespace()) {
        chars.next();
    }
}

fn newline(out: &mut String, depth: usize) {
    out.push('\n');
    for _ in 0..depth {
        out.push_str("  ");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Proves member order, number spelling and string contents survive, and the result is
    // the same JSON value.
    #[test]
    fn keeps_order_and_values() {
        let text = r#"{"z":1.50,"a":[1, {"k":"v: , {\"}"}],"e":{},"l":[ ]}"#;
        let pretty = reindent(text);
        assert_eq!(
            pretty,
            "{\n  \"z\": 1.50,\n  \"a\": [\n    1,\n    {\n      \"k\": \"v: , {\\\"}\"\n    }\n  ],\n  \"e\": {},\n  \"l\": []\n}"
        );
        let a: serde_json::Value = serde_json::from_str(text).unwrap();
        let b: serde_json::Value = serde_json::from_str(&pretty).unwrap();
        assert_eq!(a, b);
    }

    // Proves scalars and already-pretty input come out unchanged or normalised.
    #[test]
    fn scalars_and_pretty_input() {
        assert_eq!(reindent("null"), "null");
        assert_eq!(reindent("\"支付成功\""), "\"支付成功\"");
        assert_eq!(reindent("{\n    \"a\" :  1\n}"), "{\n  \"a\": 1\n}");
    }
}
