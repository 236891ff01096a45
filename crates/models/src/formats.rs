//! Formats of the values an application carries that can be checked without asking WeChat
//! Pay: ID card numbers (with their check digit), mobile numbers, e-mail addresses, licence
//! numbers, validity periods and MediaID lists.
//!
//! The SDK checks them before sending and the mock server checks them on receipt; both call
//! these functions, so the two cannot disagree on what a valid value is.

use crate::time::Date;

/// The literal WeChat Pay accepts instead of an end date: 长期 (no expiry).
pub const LONG_TERM: &str = "长期";

/// A mainland resident ID number: 17 digits and a check character (GB 11643, ISO 7064
/// MOD 11-2), `X` in either case.
pub fn is_mainland_id_number(text: &str) -> bool {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: &[u8; 11] = b"10X98765432";
    let bytes = text.as_bytes();
    let (Some(body), Some(&last)) = (bytes.get(..17), bytes.get(17)) else { return false };
    if bytes.len() != 18 || !body.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: u32 = body.iter().zip(WEIGHTS).map(|(d, w)| u32::from(d - b'0') * w).sum();
    // `sum % 11` is below 11, so the index is always in range.
    CHECK.get((sum % 11) as usize).is_some_and(|c| *c == last.to_ascii_uppercase())
}

/// A mainland mobile number: 11 digits starting with 1.
pub fn is_mobile_number(text: &str) -> bool {
    text.len() == 11 && text.starts_with('1') && text.bytes().all(|b| b.is_ascii_digit())
}

/// An e-mail address: one `@` between a non-empty local part and a dotted domain, no spaces.
pub fn is_email(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else { return false };
    !local.is_empty()
        && !domain.contains('@')
        && domain.split('.').count() >= 2
        && domain.split('.').all(|label| !label.is_empty())
        && !text.chars().any(|c| c.is_whitespace() || c.is_control())
        && text.len() <= 256
}

/// A business licence or registration number: the 15-digit registration number or the
/// 18-character unified social credit code (digits and capital letters).
pub fn is_licence_number(text: &str) -> bool {
    match text.len() {
        15 => text.bytes().all(|b| b.is_ascii_digit()),
        18 => text.bytes().all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()),
        _ => false,
    }
}

/// Digits only, between `min` and `max` of them.
pub fn is_digits(text: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit())
}

/// Why a validity end (`YYYY-MM-DD` or 长期) is unacceptable after `begin`, if it is.
pub fn period_end_problem(begin: Date, end: &str) -> Option<&'static str> {
    if end == LONG_TERM {
        return None;
    }
    match Date::parse(end) {
        Ok(end) if end > begin => None,
        Ok(_) => Some("must be later than the start of the validity period"),
        Err(_) => Some("must be a YYYY-MM-DD date or 长期"),
    }
}

/// Why a `business_time` value (a JSON array string `["YYYY-MM-DD","YYYY-MM-DD"|"长期"]`)
/// is unacceptable, if it is.
pub fn business_time_problem(text: &str) -> Option<&'static str> {
    const SHAPE: &str = r#"must be a JSON array string ["YYYY-MM-DD","YYYY-MM-DD" or "长期"]"#;
    let Ok(items) = serde_json::from_str::<Vec<String>>(text) else { return Some(SHAPE) };
    let [begin, end] = items.as_slice() else { return Some(SHAPE) };
    let Ok(begin) = Date::parse(begin) else { return Some(SHAPE) };
    period_end_problem(begin, end)
}

/// The MediaIDs in `qualifications` / `business_addition_pics`: a JSON array string of
/// MediaIDs, or a single MediaID (the sources disagree on the shape, both are accepted).
pub fn media_id_list(text: &str) -> Vec<String> {
    match serde_json::from_str::<Vec<String>>(text) {
        Ok(items) => items,
        Err(_) => vec![text.to_owned()],
    }
}

/// Whether a string is usable as a MediaID: non-empty, at most 256 visible ASCII characters.
pub fn is_media_id(text: &str) -> bool {
    !text.is_empty() && text.len() <= 256 && text.bytes().all(|b| b.is_ascii_graphic())
}

#[cfg(test)]
mod tests {
    use super::*;

    // Proves the check digit is computed as GB 11643 says, for digit and X check characters.
    #[test]
    fn mainland_id_check_digit() {
        assert!(is_mainland_id_number("11010519491231002X"));
        assert!(is_mainland_id_number("11010519491231002x"));
        assert!(is_mainland_id_number("440524188001010014"));
        assert!(!is_mainland_id_number("440524188001010015"), "wrong check digit");
        assert!(!is_mainland_id_number("44052418800101001"), "17 characters");
        assert!(!is_mainland_id_number("4405241880010100144"), "19 characters");
        assert!(!is_mainland_id_number("44052418800101A014"));
        assert!(!is_mainland_id_number("张三"));
    }

    // Proves the contact formats accept the usual shapes and refuse near misses.
    #[test]
    fn contact_formats() {
        assert!(is_mobile_number("13800138000"));
        assert!(!is_mobile_number("23800138000"));
        assert!(!is_mobile_number("1380013800"));
        assert!(is_email("seller@example.com"));
        assert!(!is_email("seller@localhost"));
        assert!(!is_email("a b@example.com"));
        assert!(!is_email("@example.com"));
        assert!(!is_email("a@@example.com"));
    }

    // Proves licence numbers, periods and business_time follow the documented shapes.
    #[test]
    fn licence_and_periods() {
        assert!(is_licence_number("91440300MA5EXAMPLE"));
        assert!(is_licence_number("440301000000001"));
        assert!(!is_licence_number("91440300ma5example"));
        assert!(!is_licence_number("4403010000000"));
        let begin = Date::parse("2020-01-01").unwrap();
        assert_eq!(period_end_problem(begin, "长期"), None);
        assert_eq!(period_end_problem(begin, "2030-01-01"), None);
        assert!(period_end_problem(begin, "2019-01-01").is_some());
        assert!(period_end_problem(begin, "2030/01/01").is_some());
        assert_eq!(business_time_problem(r#"["2015-01-01","长期"]"#), None);
        assert!(business_time_problem(r#"["2015-01-01"]"#).is_some());
        assert!(business_time_problem("2015-01-01").is_some());
        assert_eq!(media_id_list(r#"["a","b"]"#), ["a", "b"]);
        assert_eq!(media_id_list("single"), ["single"]);
        assert!(is_media_id("V1_abc-DEF"));
        assert!(!is_media_id("has space"));
    }
}
