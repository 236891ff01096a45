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

use serde_json::Value;

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
