//! What WeChat Pay accepts for each kind of upload: file extensions, content signatures of
//! images, and the size limit. Checked before sending, so a refused file costs no round trip.

use wechatpay_transport::BuildError;

/// The largest image accepted, in bytes: 5 MB on the current 平台收付通 page (older and other
/// product pages say 2 MB).
pub const MAX_IMAGE_BYTES: usize = 5 * 1024 * 1024;

/// The largest video accepted, in bytes (5 MB).
pub const MAX_VIDEO_BYTES: usize = 5 * 1024 * 1024;

/// Image extensions accepted (JPG, BMP, PNG), lower case.
pub const IMAGE_EXTENSIONS: &[&str] = &["jpg", "jpeg", "bmp", "png"];

/// Video extensions accepted, lower case.
pub const VIDEO_EXTENSIONS: &[&str] =
    &["avi", "wmv", "mpeg", "mp4", "mov", "mkv", "flv", "f4v", "m4v", "rmvb"];

/// The kind of an upload: it picks the endpoint and the limits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MediaKind {
    /// An image (`POST /v3/merchant/media/upload`): JPG, BMP or PNG, at most [`MAX_IMAGE_BYTES`].
    Image,
    /// A video (`POST /v3/merchant/media/video_upload`): one of [`VIDEO_EXTENSIONS`], at most
    /// [`MAX_VIDEO_BYTES`].
    Video,
}

impl MediaKind {
    /// The upload endpoint's path.
    pub fn path(self) -> &'static str {
        match self {
            Self::Image => "/v3/merchant/media/upload",
            Self::Video => "/v3/merchant/media/video_upload",
        }
    }

    /// The extensions accepted.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            Self::Image => IMAGE_EXTENSIONS,
            Self::Video => VIDEO_EXTENSIONS,
        }
    }

    /// The size limit in bytes.
    pub fn max_bytes(self) -> usize {
        match self {
            Self::Image => MAX_IMAGE_BYTES,
            Self::Video => MAX_VIDEO_BYTES,
        }
    }

    /// Checks `filename` and `content` against this kind's limits: the extension, the size,
    /// and for images that the bytes really are a JPEG, BMP or PNG of that extension.
    ///
    /// # Errors
    /// [`BuildError::Invalid`] (`filename` or `file`) saying what is wrong;
    /// [`BuildError::BodyTooLarge`] above the size limit.
    pub fn check(self, filename: &str, content: &[u8]) -> Result<(), BuildError> {
        let ext = extension(filename).unwrap_or_default();
        if !self.extensions().contains(&ext.as_str()) {
            return Err(BuildError::invalid(
                "filename",
                format!(
                    "`{filename}` must end with one of .{} for {} uploads",
                    self.extensions().join(", ."),
                    self.name()
                ),
            ));
        }
        if content.is_empty() {
            return Err(BuildError::invalid("file", "is empty"));
        }
        if content.len() > self.max_bytes() {
            return Err(BuildError::BodyTooLarge { len: content.len(), limit: self.max_bytes() });
        }
        if self == Self::Image && image_format(content) != image_format_of_extension(&ext) {
            return Err(BuildError::invalid(
                "file",
                format!("the content of `{filename}` is not a {} image", ext.to_ascii_uppercase()),
            ));
        }
        Ok(())
    }

    fn name(self) -> &'static str {
        match self {
            Self::Image => "image",
            Self::Video => "video",
        }
    }
}

/// The lower-case extension of `filename`, if it has one.
pub(crate) fn extension(filename: &str) -> Option<String> {
    filename.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ImageFormat {
    Jpeg,
    Png,
    Bmp,
}

/// The image format the content's leading bytes announce.
fn image_format(content: &[u8]) -> Option<ImageFormat> {
    if content.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(ImageFormat::Jpeg)
    } else if content.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(ImageFormat::Png)
    } else if content.starts_with(b"BM") {
        Some(ImageFormat::Bmp)
    } else {
        None
    }
}

fn image_format_of_extension(ext: &str) -> Option<ImageFormat> {
    match ext {
        "jpg" | "jpeg" => Some(ImageFormat::Jpeg),
        "png" => Some(ImageFormat::Png),
        "bmp" => Some(ImageFormat::Bmp),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = include_bytes!("../../../../fixtures/vectors/media/sample.png");

    // Proves images are accepted by extension and content, in any case of the extension.
    #[test]
    fn accepts_real_images() {
        MediaKind::Image.check("sample.png", PNG).unwrap();
        MediaKind::Image.check("SAMPLE.PNG", PNG).unwrap();
        MediaKind::Image.check("a.jpeg", b"\xFF\xD8\xFF\xE0rest").unwrap();
        MediaKind::Image.check("a.bmp", b"BM\x36\x00").unwrap();
        MediaKind::Video.check("clip.mp4", b"\0\0\0\x18ftypmp42").unwrap();
    }

    // Proves wrong extensions, mismatched content, empty and oversized files are refused.
    #[test]
    fn refuses_what_wechat_refuses() {
        let field = |r: Result<(), BuildError>| match r {
            Err(BuildError::Invalid { field, .. }) => field,
            other => panic!("expected Invalid, got {other:?}"),
        };
        assert_eq!(field(MediaKind::Image.check("a.gif", b"GIF89a")), "filename");
        assert_eq!(field(MediaKind::Image.check("noext", PNG)), "filename");
        assert_eq!(field(MediaKind::Image.check("a.jpg", PNG)), "file");
        assert_eq!(field(MediaKind::Image.check("a.png", b"")), "file");
        assert_eq!(field(MediaKind::Video.check("a.png", PNG)), "filename");
        let big = vec![0xFF; MAX_IMAGE_BYTES + 1];
        assert!(matches!(
            MediaKind::Image.check("big.jpg", &big),
            Err(BuildError::BodyTooLarge { limit: MAX_IMAGE_BYTES, .. })
        ));
    }
}
