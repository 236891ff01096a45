//! Sensitive request fields: the members of a request body that travel RSA-OAEP encrypted.
//!
//! Personal data in some requests (names, ID numbers, phone numbers, e-mail addresses, bank
//! accounts) must be encrypted with the WeChat Pay platform certificate or public key
//! (RSA-OAEP, SHA-1, MGF1-SHA-1, base64), and the request then carries `Wechatpay-Serial`.
//! The model types hold these members as plain `String`s: a caller fills in plaintext, the
//! SDK encrypts in place before sending, and the mock server decrypts after receiving. Both
//! find the members through the list each request type declares with [`SensitiveFields`]
//! and walk them with [`visit_strings_mut`], so the list lives in one place.
//!
//! ```
//! use serde_json::json;
//! use wechatpay_models::sensitive::visit_strings_mut;
//!
//! let mut body = json!({
//!     "contact_info": {"contact_name": "张三", "contact_type": "65"},
//!     "ubo_info_list": [{"ubo_id_doc_name": "李四"}, {"ubo_id_doc_name": "王五"}],
//! });
//! let pointers = ["/contact_info/contact_name", "/ubo_info_list/*/ubo_id_doc_name", "/absent"];
//! let mut seen = Vec::new();
//! visit_strings_mut(&mut body, &pointers, |_pointer, text| {
//!     seen.push(text.clone());
//!     *text = format!("enc({text})");
//!     Ok::<(), std::convert::Infallible>(())
//! })?;
//! assert_eq!(seen, ["张三", "李四", "王五"]);
//! assert_eq!(body["ubo_info_list"][1]["ubo_id_doc_name"], "enc(王五)");
//! assert_eq!(body["contact_info"]["contact_type"], "65");
//! # Ok::<(), std::convert::Infallible>(())
//! ```
//!
//! # Debug output
//!
//! Because these members hold plaintext until the SDK encrypts them, `Debug` of every type
//! that holds one (the request type and each nested type on the way to the member) prints
//! them as `"[redacted]"` and everything else as JSON, through [`fmt_redacted`] and the same
//! list. The query response of `applyment` does the same for the members the SDK decrypts.
//!
//! ```
//! # #[cfg(feature = "refund")] {
//! use wechatpay_models::refund::{AbnormalRefundRequest, AbnormalRefundType};
//!
//! let request = AbnormalRefundRequest {
//!     sub_mchid: "1900000109".into(),
//!     out_refund_no: "R1".into(),
//!     r#type: AbnormalRefundType::UserBankCard,
//!     bank_type: None,
//!     bank_account: Some("6214831234567890".into()),
//!     real_name: Some("张三".into()),
//! };
//! let shown = format!("{request:?}");
//! assert!(shown.starts_with("AbnormalRefundRequest {"), "{shown}");
//! assert!(shown.contains(r#""out_refund_no":"R1""#), "{shown}");
//! assert!(!shown.contains("6214831234567890") && !shown.contains("张三"), "{shown}");
//! # }
//! ```

use std::convert::Infallible;
use std::fmt;

use serde::Serialize;
use serde_json::Value;

/// What `Debug` shows in place of a sensitive string.
pub const REDACTED: &str = "[redacted]";

/// A request body type and the members of it that must be encrypted.
///
/// Every request body type in this crate implements it; most lists are empty.
pub trait SensitiveFields {
    /// JSON pointers (RFC 6901) of the members that travel RSA-OAEP encrypted, in the order
    /// the reference lists them. A `*` segment stands for every element of an array, e.g.
    /// `/ubo_info_list/*/ubo_id_doc_name`.
    const SENSITIVE_FIELDS: &'static [&'static str];
}

/// Calls `f` on every string member of `value` that one of `pointers` names, with the
/// member's concrete JSON pointer (`*` replaced by the element's index, e.g.
/// `/ubo_info_list/1/ubo_id_doc_name`) so an error can name exactly which member failed.
///
/// Pointers use the [`SensitiveFields`] syntax (`*` for every array element; `~1` and `~0`
/// escape `/` and `~`). Members that are absent, `null` or not strings are skipped: optional
/// sensitive members are often left out. The first error from `f` stops the walk and is
/// returned; members visited before it keep whatever `f` wrote.
///
/// # Errors
/// Whatever `f` returns.
pub fn visit_strings_mut<E>(
    value: &mut Value,
    pointers: &[&str],
    mut f: impl FnMut(&str, &mut String) -> Result<(), E>,
) -> Result<(), E> {
    for pointer in pointers {
        let segments: Vec<&str> = pointer.split('/').skip(1).collect();
        let mut at = String::new();
        visit(value, &segments, &mut at, &mut f)?;
    }
    Ok(())
}

fn visit<E>(
    value: &mut Value,
    segments: &[&str],
    at: &mut String,
    f: &mut impl FnMut(&str, &mut String) -> Result<(), E>,
) -> Result<(), E> {
    let Some((&head, rest)) = segments.split_first() else {
        return match value {
            Value::String(text) => f(at, text),
            _ => Ok(()),
        };
    };
    // `at` grows by one segment on the way down and is cut back on the way up, so a walk
    // allocates one string however many members it visits.
    let len = at.len();
    let result = match value {
        Value::Object(members) => {
            let key = head.replace("~1", "/").replace("~0", "~");
            match members.get_mut(key.as_str()) {
                Some(member) => {
                    at.push('/');
                    at.push_str(head);
                    visit(member, rest, at, f)
                }
                None => Ok(()),
            }
        }
        Value::Array(items) if head == "*" => {
            let mut result = Ok(());
            for (i, item) in items.iter_mut().enumerate() {
                at.truncate(len);
                at.push('/');
                at.push_str(&i.to_string());
                result = visit(item, rest, at, f);
                if result.is_err() {
                    break;
                }
            }
            result
        }
        Value::Array(items) => match array_index(head).and_then(|i| items.get_mut(i)) {
            Some(item) => {
                at.push('/');
                at.push_str(head);
                visit(item, rest, at, f)
            }
            None => Ok(()),
        },
        _ => Ok(()),
    };
    at.truncate(len);
    result
}

/// Writes `value` for `Debug` as `name {json}` (pretty JSON with `{:#?}`), with every string
/// member that one of `pointers` names replaced by [`REDACTED`].
///
/// `pointers` is a [`SensitiveFields`] list; `prefix` is where `value` sits in the type that
/// declares it (`""` for that type itself, e.g. `"/id_card_info"` or `"/ubo_info_list/*"`
/// for a nested type), so a nested type redacts exactly the members the list names below it
/// and the list stays in one place. Pointers outside `prefix` are ignored. If `value` does not
/// serialize, nothing of it is shown: `name { .. }`.
///
/// # Errors
/// Whatever writing to `f` returns.
pub fn fmt_redacted<T: Serialize + ?Sized>(
    value: &T,
    name: &str,
    pointers: &[&str],
    prefix: &str,
    f: &mut fmt::Formatter<'_>,
) -> fmt::Result {
    let Ok(mut json) = serde_json::to_value(value) else {
        return write!(f, "{name} {{ .. }}");
    };
    let relative: Vec<&str> = pointers
        .iter()
        .filter_map(|pointer| pointer.strip_prefix(prefix))
        .filter(|pointer| pointer.starts_with('/'))
        .collect();
    let redacted = visit_strings_mut(&mut json, &relative, |_pointer, text| {
        REDACTED.clone_into(text);
        Ok::<(), Infallible>(())
    });
    if let Err(never) = redacted {
        match never {}
    }
    if f.alternate() {
        write!(f, "{name} {json:#}")
    } else {
        write!(f, "{name} {json}")
    }
}

/// Implements `Debug` through [`fmt_redacted`]: `redacted_debug!(Type, LIST)` for the type
/// that declares `LIST`, `redacted_debug!(Type, LIST, "/prefix")` for a type nested at
/// `/prefix` in it.
macro_rules! redacted_debug {
    ($ty:ident, $pointers:expr) => {
        redacted_debug!($ty, $pointers, "");
    };
    ($ty:ident, $pointers:expr, $prefix:literal) => {
        impl ::std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                $crate::sensitive::fmt_redacted(self, stringify!($ty), $pointers, $prefix, f)
            }
        }
    };
}

/// An RFC 6901 array index: `0` or digits without a leading zero. `str::parse` alone would
/// also take `00`, `01` or `+1`, which `serde_json::Value::pointer` (and RFC 6901) refuse,
/// so the concrete pointer handed to the callback would not name the member it visited.
fn array_index(token: &str) -> Option<usize> {
    let digits = !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit());
    if digits && (token == "0" || !token.starts_with('0')) {
        token.parse().ok()
    } else {
        None
    }
}

/// Test support: proves a sample value and the types nested in it print none of the strings
/// a pointer list names.
#[cfg(test)]
pub(crate) mod check {
    use std::fmt::Debug;

    use serde::de::DeserializeOwned;
    use serde::Serialize;
    use serde_json::Value;

    use super::{visit_strings_mut, REDACTED};

    /// A sample, its sensitive plaintext and the nested prefixes checked so far.
    pub(crate) struct Redaction {
        pointers: Vec<String>,
        body: Value,
        plaintext: Vec<String>,
        checked: Vec<String>,
    }

    fn assert_hidden(what: &str, rendered: &str, plaintext: &[String]) {
        for text in plaintext {
            assert!(!rendered.contains(text.as_str()), "{what} shows {text:?}: {rendered}");
        }
        assert!(rendered.contains(REDACTED), "{what} redacts nothing: {rendered}");
    }

    fn render<T: Debug>(value: &T) -> String {
        format!("{value:?}\n{value:#?}")
    }

    /// Checks `sample`'s own `Debug`. Every pointer must reach a string in `sample` (so a
    /// pointer added to the list needs a sample value, and then must be redacted).
    pub(crate) fn redaction<T: Serialize + Debug>(sample: &T, pointers: &[&str]) -> Redaction {
        let body = serde_json::to_value(sample).unwrap();
        let mut plaintext = Vec::new();
        for pointer in pointers {
            let mut found = Vec::new();
            visit_strings_mut(&mut body.clone(), &[pointer], |_, text| {
                found.push(text.clone());
                Ok::<(), ()>(())
            })
            .unwrap();
            assert!(!found.is_empty(), "the sample has no string at {pointer}");
            assert!(found.iter().all(|t| t.len() >= 4), "{pointer}: use longer sample text");
            plaintext.extend(found);
        }
        let name = std::any::type_name::<T>();
        assert_hidden(name, &render(sample), &plaintext);
        let pointers = pointers.iter().map(|p| (*p).to_owned()).collect();
        Redaction { pointers, body, plaintext, checked: Vec::new() }
    }

    impl Redaction {
        /// Checks the `Debug` of the `N` at `prefix` (`*` takes the first element).
        pub(crate) fn nested<N: DeserializeOwned + Debug>(&mut self, prefix: &str) -> &mut Self {
            let at = prefix.replace("/*", "/0");
            let value = self.body.pointer(&at).unwrap_or_else(|| panic!("no {at} in the sample"));
            let nested: N = serde_json::from_value(value.clone()).unwrap();
            assert_hidden(std::any::type_name::<N>(), &render(&nested), &self.plaintext);
            self.checked.push(prefix.to_owned());
            self
        }

        /// Asserts every object on the way to a sensitive member was checked with
        /// [`Redaction::nested`] (arrays are covered by their elements, `/list/*`).
        pub(crate) fn finish(&self) {
            for pointer in &self.pointers {
                let segments: Vec<&str> = pointer.split('/').skip(1).collect();
                for k in 1..segments.len() {
                    if segments[k] == "*" {
                        continue;
                    }
                    let prefix = format!("/{}", segments[..k].join("/"));
                    assert!(
                        self.checked.contains(&prefix),
                        "{pointer}: the type at {prefix} was not checked"
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn collect(value: &mut Value, pointers: &[&str]) -> Vec<String> {
        let mut seen = Vec::new();
        visit_strings_mut(value, pointers, |_pointer, text| {
            seen.push(text.clone());
            Ok::<(), ()>(())
        })
        .unwrap();
        seen
    }

    // Proves nested members, wildcards, indexes and escapes reach exactly the named strings.
    #[test]
    fn pointers_reach_named_strings() {
        let mut body = json!({
            "a": {"b": "1", "c": 2, "d": null},
            "list": [{"x": "2"}, {"y": "no"}, {"x": "3"}],
            "odd/key": {"t~": "4"},
        });
        assert_eq!(collect(&mut body, &["/a/b"]), ["1"]);
        assert_eq!(collect(&mut body, &["/list/*/x"]), ["2", "3"]);
        assert_eq!(collect(&mut body, &["/list/2/x"]), ["3"]);
        assert_eq!(collect(&mut body, &["/odd~1key/t~0"]), ["4"]);
        // Non-strings, nulls, absent members and out-of-range indexes are skipped.
        assert!(
            collect(&mut body, &["/a/c", "/a/d", "/a/zz", "/list/9/x", "/a/b/deeper"]).is_empty()
        );
    }

    // Proves the callback gets each member's concrete pointer, wildcards replaced by indexes.
    #[test]
    fn reports_concrete_pointers() {
        let mut body =
            json!({"a": [{"b": "x"}, {"c": 1}, {"b": 2}, {"b": "y"}], "o/k": {"v": "z"}});
        let mut seen = Vec::new();
        visit_strings_mut(&mut body, &["/a/*/b", "/o~1k/v", "/zz/*/b"], |pointer, _| {
            seen.push(pointer.to_owned());
            Ok::<(), ()>(())
        })
        .unwrap();
        assert_eq!(seen, ["/a/0/b", "/a/3/b", "/o~1k/v"]);
    }

    // Proves array indexes follow RFC 6901 (found by the sensitive_decrypt fuzz target):
    // `00`, `01` and `+1` name no element, and every pointer reported resolves.
    #[test]
    fn array_indexes_are_canonical() {
        let mut body = json!({"a": ["x", "y"]});
        assert!(collect(&mut body, &["/a/00", "/a/01", "/a/+1", "/a/-0", "/a/"]).is_empty());
        let mut seen = Vec::new();
        visit_strings_mut(&mut body, &["/a/0", "/a/1"], |pointer, _| {
            seen.push(pointer.to_owned());
            Ok::<(), ()>(())
        })
        .unwrap();
        assert_eq!(seen, ["/a/0", "/a/1"]);
        assert!(seen.iter().all(|p| body.pointer(p).is_some()));
    }

    #[derive(Serialize)]
    struct Sample {
        name: &'static str,
        list: Vec<&'static str>,
        n: i64,
    }

    // Proves fmt_redacted hides exactly the named strings, relative to a prefix, in both forms.
    #[test]
    fn fmt_redacted_hides_named_strings() {
        struct Shown<'a>(Sample, &'a [&'a str], &'a str);
        impl fmt::Debug for Shown<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt_redacted(&self.0, "Sample", self.1, self.2, f)
            }
        }
        let sample = || Sample { name: "secret-name", list: vec!["a1", "secret-item"], n: 7 };
        let shown = Shown(sample(), &["/name", "/list/1", "/absent"], "");
        assert_eq!(
            format!("{shown:?}"),
            r#"Sample {"list":["a1","[redacted]"],"n":7,"name":"[redacted]"}"#
        );
        let pretty = format!("{shown:#?}");
        assert!(pretty.starts_with("Sample {\n") && pretty.contains(r#""n": 7"#), "{pretty}");
        assert!(!pretty.contains("secret"), "{pretty}");
        // Nested at /outer: only pointers below it count, `/outer_x` is not below it.
        let pointers = ["/outer/name", "/outer_x/n", "/other/list/0"];
        let shown = Shown(sample(), &pointers, "/outer");
        assert_eq!(
            format!("{shown:?}"),
            r#"Sample {"list":["a1","secret-item"],"n":7,"name":"[redacted]"}"#
        );
    }

    // Proves every non-empty SensitiveFields list in the crate is wired to redacted_debug!,
    // so a request type gaining sensitive members cannot keep a derived Debug.
    #[test]
    fn every_sensitive_list_is_redacted_in_debug() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        let sources: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            // This file names the impl in the test itself.
            .filter(|path| !path.ends_with("sensitive.rs"))
            .map(|path| std::fs::read_to_string(path).unwrap())
            .collect();
        let mut sensitive = 0;
        for source in &sources {
            for block in source.split("impl SensitiveFields for ").skip(1) {
                let ty = block.split_whitespace().next().unwrap();
                if block.split('}').next().unwrap().contains("&[]") {
                    continue;
                }
                sensitive += 1;
                assert!(
                    source.contains(&format!("redacted_debug!({ty}, {ty}::SENSITIVE_FIELDS)")),
                    "{ty} has sensitive members but no redacted Debug"
                );
            }
        }
        assert_eq!(sensitive, 5, "the request types with sensitive members");
    }

    // Proves the callback can rewrite values in place and its error stops the walk.
    #[test]
    fn rewrites_and_stops_on_error() {
        let mut body = json!({"n": ["a", "b", "c"]});
        visit_strings_mut(&mut body, &["/n/*"], |_pointer, text| {
            text.make_ascii_uppercase();
            Ok::<(), ()>(())
        })
        .unwrap();
        assert_eq!(body, json!({"n": ["A", "B", "C"]}));

        let mut calls = 0;
        let result = visit_strings_mut(&mut body, &["/n/*"], |_pointer, text| {
            calls += 1;
            if text == "B" {
                return Err("stop");
            }
            Ok(())
        });
        assert_eq!(result, Err("stop"));
        assert_eq!(calls, 2);
    }
}
