//! Multipart bodies of media uploads. The request signature covers only the `meta` part's
//! JSON, so verification needs it; the media area needs the file part.
//!
//! Some clients (Python `wechatpayv3`) send `Content-Type: multipart/form-data` without a
//! `boundary` parameter; the boundary is then read from the body's first line.

use axum::body::Bytes;
use axum::http::{header, HeaderMap};

use crate::error::{ApiError, Location};

/// One part of a multipart body.
#[derive(Clone, Debug)]
pub struct Part {
    /// The form field name (`meta`, `file`).
    pub name: String,
    /// The file name, if the part is a file.
    pub file_name: Option<String>,
    /// The part's content type.
    pub content_type: Option<String>,
    /// The part's bytes.
    pub data: Bytes,
}

/// Whether the request declares a multipart body.
pub fn is_multipart(headers: &HeaderMap) -> bool {
    content_type(headers).is_some_and(|ct| {
        ct.split(';').next().is_some_and(|m| m.trim().eq_ignore_ascii_case("multipart/form-data"))
    })
}

fn content_type(headers: &HeaderMap) -> Option<&str> {
    headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok())
}

/// The boundary from `Content-Type`, or else from the body's first line (`--BOUNDARY`).
pub fn boundary(headers: &HeaderMap, body: &[u8]) -> Option<String> {
    if let Some(ct) = content_type(headers) {
        if let Ok(b) = multer::parse_boundary(ct) {
            return Some(b);
        }
    }
    let first_line = body.split(|&b| b == b'\n').next()?;
    let first_line = first_line.strip_suffix(b"\r").unwrap_or(first_line);
    let b = first_line.strip_prefix(b"--")?;
    (!b.is_empty() && b.len() <= 200).then(|| String::from_utf8_lossy(b).into_owned())
}

/// Splits a buffered multipart body into its parts.
///
/// # Errors
/// `400 INVALID_REQUEST` when there is no boundary or the body is not valid multipart.
pub async fn parts(headers: &HeaderMap, body: Bytes) -> Result<Vec<Part>, ApiError> {
    let boundary = boundary(headers, &body).ok_or_else(|| {
        ApiError::invalid_request("multipart 请求缺少 boundary").with_detail(
            wechatpay_models::error::ErrorDetail {
                field: Some("Content-Type".into()),
                issue: Some(
                    "multipart/form-data without a boundary parameter or a `--boundary` first line"
                        .into(),
                ),
                location: Some(Location::Header.as_str().to_owned()),
                ..Default::default()
            },
        )
    })?;
    let stream =
        futures_util::stream::once(async move { Ok::<Bytes, std::convert::Infallible>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut out = Vec::new();
    let bad =
        |e: multer::Error| ApiError::invalid_request(format!("multipart 请求体无法解析: {e}"));
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let content_type = field.content_type().map(|m| m.to_string());
        let data = field.bytes().await.map_err(bad)?;
        out.push(Part { name, file_name, content_type, data });
    }
    Ok(out)
}

/// The `meta` part's bytes: what a media upload signs.
///
/// # Errors
/// As [`parts`], plus `400 PARAM_ERROR` (field `meta`) when there is no `meta` part.
pub async fn meta(headers: &HeaderMap, body: Bytes) -> Result<Bytes, ApiError> {
    parts(headers, body).await?.into_iter().find(|p| p.name == "meta").map(|p| p.data).ok_or_else(
        || {
            ApiError::param_error(
                "meta",
                Location::Body,
                "a media upload needs a `meta` part with the signed JSON",
            )
        },
    )
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn body(boundary: &str) -> Bytes {
        Bytes::from(format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n{{\"filename\":\"a.png\",\"sha256\":\"00\"}}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\nPNG\r\n--{boundary}--\r\n"
        ))
    }

    // Proves meta is found with a proper boundary and with none in Content-Type (wechatpayv3).
    #[tokio::test]
    async fn meta_with_and_without_boundary_parameter() {
        let mut h = HeaderMap::new();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("multipart/form-data; boundary=XyZ"),
        );
        assert!(is_multipart(&h));
        assert_eq!(
            meta(&h, body("XyZ")).await.unwrap(),
            Bytes::from_static(br#"{"filename":"a.png","sha256":"00"}"#)
        );
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static("multipart/form-data"));
        let all = parts(&h, body("abc123")).await.unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[1].file_name.as_deref(), Some("a.png"));
        assert_eq!(&all[1].data[..], b"PNG");
    }

    // Proves a body with no meta part or no boundary is refused the WeChat way.
    #[tokio::test]
    async fn missing_meta_or_boundary() {
        let mut h = HeaderMap::new();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static("multipart/form-data; boundary=B"));
        let only_file = Bytes::from_static(
            b"--B\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nx\r\n--B--\r\n",
        );
        assert_eq!(meta(&h, only_file).await.unwrap_err().code(), "PARAM_ERROR");
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static("multipart/form-data"));
        assert_eq!(
            parts(&h, Bytes::from_static(b"no boundary here")).await.unwrap_err().code(),
            "INVALID_REQUEST"
        );
    }
}
