//! Request paths and queries, percent-encoded once: the string built here is both the
//! request-target sent on the wire and the URL line of the signed message.

use std::borrow::Cow;
use std::fmt;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Everything but RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`) is escaped, in
/// path segments and in query keys and values alike. `/`, `?`, `&`, `=`, `+` and space
/// inside a value can therefore never change the structure of the URL, and a base64 value's
/// `+ / =` become `%2B %2F %3D`, the form WeChat Pay's own SDKs send and sign.
const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// The longest request-target accepted, in bytes.
const MAX_TARGET_LEN: usize = 8192;

/// A request path such as `/v3/combine-transactions/out-trade-no/P2026%2F01`.
///
/// Build one with [`path!`](crate::path!) or [`PathBuilder`], which escape every variable
/// segment; a `&'static str` converts as is (a literal written in the source).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ApiPath {
    path: Cow<'static, str>,
    /// Set when a variable segment was empty: the path would name another endpoint
    /// (`/v3/ecommerce/applyments/` instead of `/v3/ecommerce/applyments/{id}`).
    error: Option<&'static str>,
}

impl ApiPath {
    /// A path from a literal, used verbatim (it is validated when the request is built).
    pub const fn from_static(path: &'static str) -> Self {
        Self { path: Cow::Borrowed(path), error: None }
    }

    /// A path taken verbatim from a runtime string (the low-level builder's).
    pub(crate) fn from_owned(path: String) -> Self {
        Self { path: Cow::Owned(path), error: None }
    }

    /// The encoded path.
    pub fn as_str(&self) -> &str {
        &self.path
    }

    /// Why this path cannot be sent, if a segment was empty.
    pub(crate) fn error(&self) -> Option<&'static str> {
        self.error
    }
}

impl fmt::Debug for ApiPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.path, f)
    }
}

impl fmt::Display for ApiPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path)
    }
}

impl From<&'static str> for ApiPath {
    fn from(path: &'static str) -> Self {
        Self::from_static(path)
    }
}

impl From<ApiPath> for String {
    fn from(p: ApiPath) -> Self {
        p.path.into_owned()
    }
}

impl From<PathBuilder> for ApiPath {
    fn from(b: PathBuilder) -> Self {
        b.build()
    }
}

/// Builds an [`ApiPath`] one segment at a time.
///
/// ```
/// use wechatpay_transport::PathBuilder;
/// let path = PathBuilder::new()
///     .literal("v3/combine-transactions/out-trade-no")
///     .segment("P2026/01 ?")
///     .build();
/// assert_eq!(path.as_str(), "/v3/combine-transactions/out-trade-no/P2026%2F01%20%3F");
/// ```
#[derive(Clone, Debug, Default)]
pub struct PathBuilder {
    path: String,
    empty_segment: bool,
}

impl PathBuilder {
    /// An empty path.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends fixed text from the source code, unescaped; it may hold several segments
    /// (`"v3/ecommerce/applyments"`) and may end with `/` where the API path does
    /// (`"v3/ecommerce/applyments/"`). A leading `/` is optional.
    #[must_use]
    pub fn literal(mut self, text: &str) -> Self {
        let text = text.trim_start_matches('/');
        if !text.is_empty() {
            self.separator();
            self.path.push_str(text);
        }
        self
    }

    fn separator(&mut self) {
        if !self.path.ends_with('/') {
            self.path.push('/');
        }
    }

    /// Appends one segment, percent-encoded: a `/` in the value becomes `%2F`, and the
    /// segments `.` and `..` are encoded so they cannot walk up the path. An empty value
    /// makes the request fail to build (it would address another endpoint).
    #[must_use]
    pub fn segment(mut self, value: impl AsRef<str>) -> Self {
        self.separator();
        let value = value.as_ref();
        self.empty_segment |= value.is_empty();
        match value {
            "." => self.path.push_str("%2E"),
            ".." => self.path.push_str("%2E%2E"),
            _ => self.path.extend(utf8_percent_encode(value, COMPONENT)),
        }
        self
    }

    /// The path (`/` if nothing was appended).
    pub fn build(self) -> ApiPath {
        if self.path.is_empty() {
            return ApiPath::from_static("/");
        }
        ApiPath {
            path: Cow::Owned(self.path),
            error: self.empty_segment.then_some("has an empty variable segment"),
        }
    }
}

/// Builds an [`ApiPath`]: string literals are taken verbatim, every other expression is one
/// percent-encoded segment.
///
/// ```
/// use wechatpay_transport::path;
/// let id = "P2026/01";
/// let p = path!["v3", "combine-transactions/out-trade-no", id];
/// assert_eq!(p.as_str(), "/v3/combine-transactions/out-trade-no/P2026%2F01");
/// ```
#[macro_export]
macro_rules! path {
    ($($rest:tt)*) => {{
        #[allow(unused_mut)]
        let mut builder = $crate::PathBuilder::new();
        $crate::__path_parts!(builder; $($rest)*);
        builder.build()
    }};
}

/// Implementation detail of [`path!`]: a literal is appended verbatim, anything else escaped.
#[doc(hidden)]
#[macro_export]
macro_rules! __path_parts {
    ($b:ident;) => {};
    ($b:ident; $lit:literal $(, $($rest:tt)*)?) => {
        $b = $b.literal($lit);
        $crate::__path_parts!($b; $($($rest)*)?);
    };
    ($b:ident; $e:expr $(, $($rest:tt)*)?) => {
        $b = $b.segment($e);
        $crate::__path_parts!($b; $($($rest)*)?);
    };
}

/// Percent-encodes query pairs as `k=v&k2=v2` (see [`COMPONENT`]).
pub(crate) fn encode_query(pairs: &[(String, String)]) -> String {
    let mut out = String::new();
    for (k, v) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        out.extend(utf8_percent_encode(k, COMPONENT));
        out.push('=');
        out.extend(utf8_percent_encode(v, COMPONENT));
    }
    out
}

/// Checks that a path (and an optional already-encoded query) can be sent and signed as is:
/// absolute, visible ASCII only, well-formed `%XX` escapes, no fragment, no empty or
/// dot segments (a trailing `/` is allowed: some WeChat Pay paths end with one).
pub(crate) fn validate_target(target: &str) -> Result<(), &'static str> {
    if target.len() > MAX_TARGET_LEN {
        return Err("longer than 8192 bytes");
    }
    let (path, query) = match target.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (target, None),
    };
    if !path.starts_with('/') {
        return Err("must start with `/`");
    }
    check_chars(path)?;
    if path.contains('?') {
        return Err("contains `?` in a segment");
    }
    let inner = path.strip_suffix('/').unwrap_or(path);
    if !inner.is_empty()
        && inner.split('/').skip(1).any(|seg| seg.is_empty() || seg == "." || seg == "..")
    {
        return Err("has an empty, `.` or `..` segment");
    }
    if let Some(q) = query {
        check_chars(q)?;
    }
    Ok(())
}

fn check_chars(s: &str) -> Result<(), &'static str> {
    let bytes = s.as_bytes();
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        match b {
            b'%' => {
                let hex = bytes.get(i + 1..i + 3).ok_or("has a truncated `%` escape")?;
                if !hex.iter().all(u8::is_ascii_hexdigit) {
                    return Err("has a malformed `%` escape");
                }
                i += 3;
                continue;
            }
            b'#' => return Err("contains `#`"),
            b'"' | b'<' | b'>' | b'\\' | b'^' | b'`' | b'{' | b'|' | b'}' => {
                return Err("contains a character that must be percent-encoded")
            }
            0x21..=0x7e => {}
            _ => return Err("contains a space, a control or a non-ASCII character"),
        }
        i += 1;
    }
    Ok(())
}

pub(crate) fn truncate(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    // Proves the macro escapes expressions but keeps literals, and dot segments cannot escape.
    #[test]
    fn path_macro_escapes_variables_only() {
        let id = String::from("a/b c");
        assert_eq!(path!["v3", "x", &id].as_str(), "/v3/x/a%2Fb%20c");
        assert_eq!(path!["/v3/certificates"].as_str(), "/v3/certificates");
        assert_eq!(path!["v3", ".."].as_str(), "/v3/..", "a literal is the author's text");
        let dots = "..";
        assert_eq!(path!["v3", dots].as_str(), "/v3/%2E%2E");
        assert_eq!(path![].as_str(), "/");
        assert_eq!(path!["v3/ecommerce/applyments/"].as_str(), "/v3/ecommerce/applyments/");
        assert_eq!(path!["/v3/", "x/", &id].as_str(), "/v3/x/a%2Fb%20c");
        let empty = String::new();
        assert_eq!(path!["v3", &empty].error(), Some("has an empty variable segment"));
        assert_eq!(path!["v3", &id].error(), None);
    }

    // Proves queries match the canonical encoding of the signature vectors (S17, S18).
    #[test]
    fn query_encoding_matches_vectors() {
        let q =
            encode_query(&[("city".into(), "深圳".into()), ("name".into(), "张三 李四".into())]);
        assert_eq!(q, "city=%E6%B7%B1%E5%9C%B3&name=%E5%BC%A0%E4%B8%89%20%E6%9D%8E%E5%9B%9B");
        let q = encode_query(&[("account_number".into(), "ab+c/d==".into())]);
        assert_eq!(q, "account_number=ab%2Bc%2Fd%3D%3D");
    }

    // Proves the validator rejects what cannot be signed and sent as is.
    #[test]
    fn validate_target_rejects_bad_paths() {
        assert!(validate_target("/v3/certificates").is_ok());
        assert!(validate_target("/v3/ecommerce/applyments/").is_ok());
        assert!(validate_target("/").is_ok());
        assert!(validate_target("/v3/bill?token=a%2Bb&x=1").is_ok());
        for bad in [
            "v3/x",
            "/v3/a b",
            "/v3/深圳",
            "/v3//x",
            "/v3/../x",
            "/v3/x#f",
            "/v3/%zz",
            "/v3/%4",
            "/v3//",
        ] {
            assert!(validate_target(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        // Proves any segment value becomes exactly one valid, decodable segment.
        #[test]
        fn any_segment_round_trips(value in "\\PC*") {
            let p = PathBuilder::new().literal("v3").segment(&value).build();
            let s = p.as_str();
            let seg = s.strip_prefix("/v3/").unwrap();
            prop_assert!(!seg.contains('/'));
            let decoded = percent_encoding::percent_decode_str(seg).decode_utf8().unwrap();
            prop_assert_eq!(decoded, value.as_str());
            if !value.is_empty() {
                prop_assert!(validate_target(s).is_ok(), "{}", s);
            }
        }

        // Proves any query pairs encode to a string the validator accepts and that decodes back.
        #[test]
        fn any_query_round_trips(k in "\\PC{1,8}", v in "\\PC*") {
            let q = encode_query(&[(k.clone(), v.clone())]);
            let target = format!("/x?{q}");
            prop_assert!(validate_target(&target).is_ok());
            let (ek, ev) = q.split_once('=').unwrap();
            prop_assert_eq!(percent_encoding::percent_decode_str(ek).decode_utf8().unwrap(), k.as_str());
            prop_assert_eq!(percent_encoding::percent_decode_str(ev).decode_utf8().unwrap(), v.as_str());
        }
    }
}
