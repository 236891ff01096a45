//! Integers that some sources write as JSON strings.
//!
//! A few members are integers in one source and strings in another (`pay_amount` is
//! string(32) in WxJava, `settlement_id` a string in the openapi repo). This crate writes the
//! integer form and reads both, so whichever WeChat Pay sends never breaks a whole response.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};

struct IntegerVisitor;

impl Visitor<'_> for IntegerVisitor {
    type Value = i64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an integer or a string holding one")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<i64, E> {
        Ok(v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<i64, E> {
        i64::try_from(v).map_err(|_| E::custom("integer out of range for i64"))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<i64, E> {
        v.trim().parse().map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
    }
}

/// Reads an `i64` written either as a JSON number or as a string of digits.
pub(crate) fn i64_or_string<'de, D: Deserializer<'de>>(deserializer: D) -> Result<i64, D::Error> {
    deserializer.deserialize_any(IntegerVisitor)
}

/// Like [`i64_or_string`] for an optional member; `null` reads as absent.
pub(crate) fn option_i64_or_string<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<i64>, D::Error> {
    struct OptionVisitor;

    impl<'de> Visitor<'de> for OptionVisitor {
        type Value = Option<i64>;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an integer, a string holding one, or null")
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            i64_or_string(d).map(Some)
        }
    }

    deserializer.deserialize_option(OptionVisitor)
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Probe {
        #[serde(deserialize_with = "super::i64_or_string")]
        required: i64,
        #[serde(deserialize_with = "super::option_i64_or_string", default)]
        optional: Option<i64>,
    }

    fn parse(text: &str) -> Result<Probe, serde_json::Error> {
        serde_json::from_str(text)
    }

    // Proves numbers and numeric strings read the same, and absent/null optionals are None.
    #[test]
    fn numbers_and_strings_agree() {
        let want = Probe { required: 123, optional: Some(-7) };
        assert_eq!(parse(r#"{"required":123,"optional":-7}"#).unwrap(), want);
        assert_eq!(parse(r#"{"required":"123","optional":"-7"}"#).unwrap(), want);
        let absent = parse(r#"{"required":1}"#).unwrap();
        assert_eq!(absent.optional, None);
        let null = parse(r#"{"required":1,"optional":null}"#).unwrap();
        assert_eq!(null.optional, None);
    }

    // Proves what is not an integer is an error, never a guess.
    #[test]
    fn garbage_is_rejected() {
        for text in [
            r#"{"required":"12a"}"#,
            r#"{"required":1.5}"#,
            r#"{"required":true}"#,
            r#"{"required":18446744073709551615}"#,
            r#"{"required":1,"optional":"x"}"#,
            r#"{}"#,
        ] {
            assert!(parse(text).is_err(), "{text}");
        }
    }
}
