//! Media uploads: a `multipart/form-data` body with a `meta` JSON part and a `file` part,
//! whose signature covers only the meta JSON string.

use std::fmt;

use bytes::{BufMut, Bytes, BytesMut};
use wechatpay_crypto::MediaMeta;

use crate::error::BuildError;

/// The largest file accepted, in bytes: WeChat Pay's media upload limit (5 MB for images
/// and videos in the e-commerce documentation).
pub const MAX_MEDIA_BYTES: usize = 5 * 1024 * 1024;

/// The longest file name accepted (WeChat Pay allows 128 characters).
const MAX_FILENAME_CHARS: usize = 128;

/// A media upload body: the file, its name and the `meta` JSON that gets signed.
#[derive(Clone)]
pub struct Multipart {
    meta_json: String,
    filename: String,
    content_type: String,
    file: Bytes,
}

impl fmt::Debug for Multipart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Multipart")
            .field("filename", &self.filename)
            .field("content_type", &self.content_type)
            .field("file_len", &self.file.len())
            .finish_non_exhaustive()
    }
}

impl Multipart {
    /// An upload of `file` named `filename`: the meta is `{"filename":…,"sha256":…}`
    /// ([`MediaMeta`]) and the part's content type is guessed from the extension
    /// (jpg/jpeg/png/bmp/gif/mp4/avi/wmv/mpeg/mov/mkv/flv/f4v/m4v/rmvb, else
    /// `application/octet-stream`).
    ///
    /// # Errors
    /// [`BuildError::BodyTooLarge`] above [`MAX_MEDIA_BYTES`]; [`BuildError::Invalid`] for an
    /// empty file or a file name that is empty, too long, or holds a quote, backslash or control character.
    pub fn new(filename: impl Into<String>, file: impl Into<Bytes>) -> Result<Self, BuildError> {
        let filename = filename.into();
        let file = file.into();
        check_filename(&filename)?;
        if file.is_empty() {
            return Err(BuildError::invalid("file", "is empty"));
        }
        if file.len() > MAX_MEDIA_BYTES {
            return Err(BuildError::BodyTooLarge { len: file.len(), limit: MAX_MEDIA_BYTES });
        }
        let meta = MediaMeta::new(filename.clone(), &file);
        let content_type = guess_content_type(&filename).to_owned();
        Ok(Self { meta_json: meta.to_json(), filename, content_type, file })
    }

    /// Overrides the `file` part's content type.
    ///
    /// # Errors
    /// [`BuildError::Invalid`] if it holds a control character.
    pub fn with_content_type(
        mut self,
        content_type: impl Into<String>,
    ) -> Result<Self, BuildError> {
        let content_type = content_type.into();
        if content_type.is_empty() || content_type.chars().any(char::is_control) {
            return Err(BuildError::invalid(
                "content_type",
                "is empty or holds a control character",
            ));
        }
        self.content_type = content_type;
        Ok(self)
    }

    /// The meta JSON exactly as sent in the `meta` part and signed.
    pub fn meta_json(&self) -> &str {
        &self.meta_json
    }

    /// The file name.
    pub fn filename(&self) -> &str {
        &self.filename
    }

    /// The file's content type.
    pub fn content_type(&self) -> &str {
        &self.content_type
    }

    /// The file content.
    pub fn file(&self) -> &Bytes {
        &self.file
    }

    /// Whether `boundary` can delimit this body (it must not occur inside it).
    pub(crate) fn accepts_boundary(&self, boundary: &str) -> bool {
        let b = boundary.as_bytes();
        !self.file.windows(b.len()).any(|w| w == b) && !self.meta_json.contains(boundary)
    }

    /// The wire body for `boundary`: meta part, then file part (the order WeChat Pay's
    /// documentation and SDKs use).
    pub(crate) fn encode(&self, boundary: &str) -> Bytes {
        let mut out = BytesMut::with_capacity(
            self.file.len() + self.meta_json.len() + 4 * boundary.len() + 256,
        );
        out.put_slice(b"--");
        out.put_slice(boundary.as_bytes());
        out.put_slice(b"\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n");
        out.put_slice(self.meta_json.as_bytes());
        out.put_slice(b"\r\n--");
        out.put_slice(boundary.as_bytes());
        out.put_slice(b"\r\nContent-Disposition: form-data; name=\"file\"; filename=\"");
        out.put_slice(self.filename.as_bytes());
        out.put_slice(b"\"\r\nContent-Type: ");
        out.put_slice(self.content_type.as_bytes());
        out.put_slice(b"\r\n\r\n");
        out.put_slice(&self.file);
        out.put_slice(b"\r\n--");
        out.put_slice(boundary.as_bytes());
        out.put_slice(b"--\r\n");
        out.freeze()
    }
}

fn check_filename(name: &str) -> Result<(), BuildError> {
    if name.is_empty() || name.chars().count() > MAX_FILENAME_CHARS {
        return Err(BuildError::invalid("filename", "must be 1 to 128 characters"));
    }
    // The name is written inside a quoted header parameter; these would break out of it.
    if name.chars().any(|c| c == '"' || c == '\\' || c.is_control()) {
        return Err(BuildError::invalid(
            "filename",
            "must not hold quotes, backslashes or control characters",
        ));
    }
    Ok(())
}

fn guess_content_type(filename: &str) -> &'static str {
    let ext = filename.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "bmp" => "image/bmp",
        "gif" => "image/gif",
        "mp4" | "m4v" => "video/mp4",
        "avi" => "video/x-msvideo",
        "wmv" => "video/x-ms-wmv",
        "mpeg" => "video/mpeg",
        "mov" => "video/quicktime",
        "mkv" => "video/x-matroska",
        "flv" | "f4v" => "video/x-flv",
        "rmvb" => "application/vnd.rn-realmedia-vbr",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &[u8] = include_bytes!("../../../fixtures/vectors/media/sample.png");
    const VECTOR: &str = include_str!("../../../fixtures/vectors/media_upload_vector.json");

    // Proves the meta JSON is byte for byte the vector's meta_json (what gets signed).
    #[test]
    fn meta_matches_vector() {
        let v: serde_json::Value = serde_json::from_str(VECTOR).unwrap();
        let m = Multipart::new("sample.png", Bytes::from_static(SAMPLE)).unwrap();
        assert_eq!(m.meta_json(), v["meta_json"].as_str().unwrap());
        assert_eq!(m.content_type(), "image/png");
    }

    // Proves the body has the meta part then the file part, delimited by the boundary.
    #[test]
    fn body_shape() {
        let m = Multipart::new("a.jpg", Bytes::from_static(b"JPEGDATA")).unwrap();
        let body = m.encode("BOUNDARY");
        let expected = format!(
            "--BOUNDARY\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n{}\r\n\
             --BOUNDARY\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n\
             JPEGDATA\r\n--BOUNDARY--\r\n",
            m.meta_json()
        );
        assert_eq!(body, Bytes::from(expected));
        assert!(!m.accepts_boundary("PEGD"));
        assert!(m.accepts_boundary("BOUNDARY"));
    }

    // Proves names that would break the header and oversized files are refused.
    #[test]
    fn rejects_bad_input() {
        assert!(Multipart::new("a\".png", Bytes::from_static(b"x")).is_err());
        assert!(Multipart::new("a\r\n.png", Bytes::from_static(b"x")).is_err());
        assert!(Multipart::new("", Bytes::from_static(b"x")).is_err());
        assert!(Multipart::new("a.png", Bytes::new()).is_err());
        let big = Bytes::from(vec![0u8; MAX_MEDIA_BYTES + 1]);
        assert!(matches!(Multipart::new("a.png", big), Err(BuildError::BodyTooLarge { .. })));
    }
}
