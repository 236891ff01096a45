//! Media upload (图片/视频上传): the MediaIDs that applyment members carry.
//!
//! | endpoint id | method and path | request | response |
//! | --- | --- | --- | --- |
//! | `media.image_upload` | `POST /v3/merchant/media/upload` | multipart: `meta` + `file` | [`MediaUploadResponse`] |
//! | `media.video_upload` | `POST /v3/merchant/media/video_upload` | multipart: `meta` + `file` | [`MediaUploadResponse`] |
//!
//! The request is `multipart/form-data` with a JSON part `meta`, `{"filename","sha256"}`, and
//! the file bytes. The `meta` JSON is `wechatpay_crypto::MediaMeta` (the crypto crate owns it,
//! because that exact string is what gets signed), so there is no request type here.
//!
//! Limits: images are JPG, BMP or PNG, at most 5 MB on the current e-commerce page (2 MB on
//! older and other pages); videos are avi, wmv, mpeg, mp4, mov, mkv, flv, f4v, m4v or rmvb, at
//! most 5 MB (not re-verified).

use serde::{Deserialize, Serialize};

/// The response of both media uploads: the MediaID to put in applyment members (媒体文件标识).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MediaUploadResponse {
    /// Media id (媒体文件标识Id).
    ///
    /// Uncertain: only listed by the openapi repo.
    pub media_id: String,
}
