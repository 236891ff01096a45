//! The upload operations and the [`Media`] handle that runs them.

use bytes::Bytes;
use wechatpay_models::media::MediaUploadResponse;
use wechatpay_transport::{
    BuildContext, BuildError, Error, Multipart, Operation, RequestSpec, Transport,
};

use crate::format::MediaKind;

/// `POST /v3/merchant/media/upload` or `/v3/merchant/media/video_upload` (图片/视频上传):
/// a `multipart/form-data` body whose `meta` part (`{"filename","sha256"}`) is what the
/// transport signs.
///
/// The file is checked when the operation is made ([`MediaKind::check`]), so an unusable
/// file never gets as far as a request.
#[derive(Clone, Debug)]
pub struct UploadMedia {
    kind: MediaKind,
    upload: Multipart,
}

impl UploadMedia {
    /// An image upload (JPG, BMP or PNG, at most 5 MB).
    ///
    /// # Errors
    /// As [`MediaKind::check`], plus [`BuildError::Invalid`] for a file name the multipart
    /// header cannot carry (quotes, backslashes, control characters, over 128 characters).
    pub fn image(
        filename: impl Into<String>,
        content: impl Into<Bytes>,
    ) -> Result<Self, BuildError> {
        Self::new(MediaKind::Image, filename.into(), content.into())
    }

    /// A video upload (avi, wmv, mpeg, mp4, mov, mkv, flv, f4v, m4v or rmvb, at most 5 MB).
    ///
    /// # Errors
    /// As [`image`](Self::image).
    pub fn video(
        filename: impl Into<String>,
        content: impl Into<Bytes>,
    ) -> Result<Self, BuildError> {
        Self::new(MediaKind::Video, filename.into(), content.into())
    }

    fn new(kind: MediaKind, filename: String, content: Bytes) -> Result<Self, BuildError> {
        kind.check(&filename, &content)?;
        Ok(Self { kind, upload: Multipart::new(filename, content)? })
    }

    /// What is uploaded.
    pub fn kind(&self) -> MediaKind {
        self.kind
    }

    /// The multipart body (its `meta_json` is what gets signed).
    pub fn multipart(&self) -> &Multipart {
        &self.upload
    }
}

impl Operation for UploadMedia {
    type Output = MediaUploadResponse;

    fn build(&self, _ctx: &mut BuildContext<'_>) -> Result<RequestSpec, BuildError> {
        // Retrying an upload at worst stores the same file twice under two MediaIDs, which
        // nothing refers to; losing the upload to a dropped connection is worse.
        Ok(RequestSpec::post(self.kind.path()).multipart(self.upload.clone()).idempotent())
    }
}

/// Image and video uploads through one [`Transport`]. Cheap to clone.
///
/// ```no_run
/// # async fn run(transport: wechatpay_transport::Transport) -> Result<(), Box<dyn std::error::Error>> {
/// use wechatpay_media::Media;
///
/// let media = Media::new(transport);
/// let front = media.upload_image("id_card_front.jpg", std::fs::read("id_card_front.jpg")?).await?;
/// // `front` is the MediaID to put in `id_card_info.id_card_copy`.
/// # let _ = front; Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Media {
    transport: Transport,
}

impl Media {
    /// Uploads sent through `transport` (signed as the platform; the MediaIDs belong to it).
    pub fn new(transport: Transport) -> Self {
        Self { transport }
    }

    /// Uploads an image and returns its MediaID.
    ///
    /// # Errors
    /// [`Error::Build`] when the file is refused locally (extension, content, size: see
    /// [`MediaKind::check`]); [`Error::Api`] with `PARAM_ERROR` / `INVALID_REQUEST` when
    /// WeChat Pay refuses it; others as [`Transport::execute`].
    pub async fn upload_image(
        &self,
        filename: impl Into<String>,
        content: impl Into<Bytes>,
    ) -> Result<String, Error> {
        self.upload(&UploadMedia::image(filename, content)?).await
    }

    /// Uploads a video and returns its MediaID.
    ///
    /// # Errors
    /// As [`upload_image`](Self::upload_image).
    pub async fn upload_video(
        &self,
        filename: impl Into<String>,
        content: impl Into<Bytes>,
    ) -> Result<String, Error> {
        self.upload(&UploadMedia::video(filename, content)?).await
    }

    /// Runs a prepared upload and returns its MediaID.
    ///
    /// # Errors
    /// As [`upload_image`](Self::upload_image), without the local checks (done already).
    pub async fn upload(&self, upload: &UploadMedia) -> Result<String, Error> {
        Ok(self.transport.execute(upload).await?.media_id)
    }

    /// The transport used.
    pub fn transport(&self) -> &Transport {
        &self.transport
    }
}

#[cfg(test)]
mod tests {
    use wechatpay_crypto::Verifier;
    use wechatpay_transport::RequestBody;

    use super::*;

    const PNG: &[u8] = include_bytes!("../../../../fixtures/vectors/media/sample.png");
    const VECTOR: &str = include_str!("../../../../fixtures/vectors/media_upload_vector.json");

    // Proves an image upload posts the vector's meta JSON to the image endpoint, retryably.
    #[test]
    fn image_upload_request() {
        let op = UploadMedia::image("sample.png", Bytes::from_static(PNG)).unwrap();
        let verifier = Verifier::new();
        let spec = op.build(&mut BuildContext::new(&verifier, 0)).unwrap();
        assert_eq!(spec.path().as_str(), "/v3/merchant/media/upload");
        assert!(spec.is_idempotent());
        let RequestBody::Multipart(m) = spec.body() else { panic!("multipart expected") };
        let vector: serde_json::Value = serde_json::from_str(VECTOR).unwrap();
        assert_eq!(m.meta_json(), vector["meta_json"].as_str().unwrap());
        assert_eq!(op.kind(), MediaKind::Image);
    }

    // Proves a video goes to the video endpoint and an image name is refused for it.
    #[test]
    fn video_upload_request() {
        let op = UploadMedia::video("clip.mp4", Bytes::from_static(b"\0\0\0\x18ftypmp42")).unwrap();
        let verifier = Verifier::new();
        let spec = op.build(&mut BuildContext::new(&verifier, 0)).unwrap();
        assert_eq!(spec.path().as_str(), "/v3/merchant/media/video_upload");
        assert_eq!(op.multipart().content_type(), "video/mp4");
        assert!(UploadMedia::video("clip.png", Bytes::from_static(PNG)).is_err());
        assert!(UploadMedia::image("a\".png", Bytes::from_static(PNG)).is_err());
    }
}
