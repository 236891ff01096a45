//! Showing signed messages and error text on one terminal line: `\n` appears as the two
//! characters `\n`, so the line structure of a canonical message is visible.

/// Escapes `bytes` for display: backslash, `\n`, `\r`, `\t` and other control characters
/// are written as escapes, bytes that are not UTF-8 as `\xNN`; everything else (Chinese
/// included) is shown as is.
pub(crate) fn escape(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 8);
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02x}"));
        }
    }
    out
}

/// Text from elsewhere (an error body, a file name) made safe for a one-line report.
pub(crate) fn one_line(text: &str) -> String {
    if text.chars().any(char::is_control) {
        escape(text.as_bytes())
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Proves newlines become visible escapes and the rest is left readable.
    #[test]
    fn escapes_what_would_break_the_line() {
        assert_eq!(escape(b"GET\n/v3/x\n1\nn\n\n"), "GET\\n/v3/x\\n1\\nn\\n\\n");
        assert_eq!(escape("支付\r\t\\".as_bytes()), "支付\\r\\t\\\\");
        assert_eq!(escape(b"a\x00b\xffc"), "a\\u{0}b\\xffc");
        assert_eq!(one_line("plain"), "plain");
        assert_eq!(one_line("two\nlines"), "two\\nlines");
    }
}
