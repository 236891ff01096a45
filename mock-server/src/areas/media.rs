//! 图片上传 / 视频上传: `POST /v3/merchant/media/upload` and
//! `POST /v3/merchant/media/video_upload`.
//!
//! The protocol layer has already verified the signature over the `meta` part. Here the
//! upload is checked as WeChat Pay does: a `meta` JSON `{"filename","sha256"}` and a `file`
//! part; the extension must be one the endpoint takes (`PARAM_ERROR`), the SHA-256 must be
//! the file's (`PARAM_ERROR`), the file must not be empty or larger than 5 MB and an image
//! must really be the JPEG, PNG or BMP its extension says (`INVALID_REQUEST`). Accepted files
//! are recorded per tenant (name, digest, size; not the bytes): their MediaIDs are what
//! applications may refer to.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::routing::post;
use axum::Router;
use serde::{Deserialize, Serialize};
use wechatpay_crypto::digest::sha256_hex;
use wechatpay_models::media::MediaUploadResponse;

use crate::error::{ApiError, Location};
use crate::extract::WxJson;
use crate::protocol::{multipart, Caller};
use crate::state::MockState;

/// The largest image or video accepted, bytes (5 MB, the current 平台收付通 page).
pub(crate) const MAX_MEDIA_BYTES: usize = 5 * 1024 * 1024;
/// Most files one tenant keeps (a limit on everything; only metadata is kept).
pub(crate) const MAX_FILES: usize = 100_000;

const IMAGE_EXTENSIONS: &[&str] = &["jpg", "jpeg", "bmp", "png"];
const VIDEO_EXTENSIONS: &[&str] =
    &["avi", "wmv", "mpeg", "mp4", "mov", "mkv", "flv", "f4v", "m4v", "rmvb"];

/// Which endpoint a file came through.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum MediaKind {
    Image,
    Video,
}

/// What the mock keeps of an upload.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub(crate) struct MediaFile {
    pub(crate) media_id: String,
    pub(crate) kind: MediaKind,
    pub(crate) filename: String,
    pub(crate) sha256: String,
    pub(crate) size_bytes: usize,
    pub(crate) uploaded_unix: i64,
}

/// The uploads of one tenant, by MediaID.
#[derive(Clone, Debug, Default)]
pub(crate) struct MediaLibrary {
    files: imbl::OrdMap<String, MediaFile>,
}

impl MediaLibrary {
    /// The upload with `media_id`, if this tenant made it.
    pub(crate) fn get(&self, media_id: &str) -> Option<&MediaFile> {
        self.files.get(media_id)
    }

    /// Every upload, by MediaID.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &MediaFile> {
        self.files.values()
    }
}

pub(crate) fn routes() -> Router<MockState> {
    Router::new()
        .route("/v3/merchant/media/upload", post(upload_image))
        .route("/v3/merchant/media/video_upload", post(upload_video))
}

async fn upload_image(
    caller: Caller,
    State(state): State<MockState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<WxJson<MediaUploadResponse>, ApiError> {
    upload(MediaKind::Image, &caller, &state, &headers, body).await
}

async fn upload_video(
    caller: Caller,
    State(state): State<MockState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<WxJson<MediaUploadResponse>, ApiError> {
    upload(MediaKind::Video, &caller, &state, &headers, body).await
}

/// The `meta` part of an upload.
#[derive(Debug, Deserialize)]
struct Meta {
    filename: String,
    sha256: String,
}

async fn upload(
    kind: MediaKind,
    caller: &Caller,
    state: &MockState,
    headers: &HeaderMap,
    body: Bytes,
) -> Result<WxJson<MediaUploadResponse>, ApiError> {
    if !multipart::is_multipart(headers) {
        return Err(ApiError::invalid_request("媒体文件上传须为 multipart/form-data").with_detail(
            wechatpay_models::error::ErrorDetail {
                field: Some("Content-Type".into()),
                issue: Some(
                    "a media upload is multipart/form-data with `meta` and `file` parts".into(),
                ),
                location: Some(Location::Header.as_str().to_owned()),
                ..Default::default()
            },
        ));
    }
    let parts = multipart::parts(headers, body).await?;
    let meta = parts.iter().find(|p| p.name == "meta").ok_or_else(|| {
        ApiError::param_error("meta", Location::Body, "a media upload needs a `meta` part")
    })?;
    let meta: Meta = serde_json::from_slice(&meta.data).map_err(|e| {
        ApiError::param_error(
            "meta",
            Location::Body,
            format!("`meta` is not {{\"filename\",\"sha256\"}} JSON: {e}"),
        )
    })?;
    let file = parts.iter().find(|p| p.name == "file").ok_or_else(|| {
        ApiError::param_error("file", Location::Body, "a media upload needs a `file` part")
    })?;
    check(kind, &meta, &file.data)?;

    let media_id = format!("MOCK_{}", hex::encode(rand::random::<[u8; 24]>()));
    let record = MediaFile {
        media_id: media_id.clone(),
        kind,
        filename: meta.filename,
        sha256: meta.sha256.to_ascii_lowercase(),
        size_bytes: file.data.len(),
        uploaded_unix: caller.now_unix(),
    };
    state.store().transact(caller.tenant(), |tx| {
        let library = tx.area_mut::<MediaLibrary>();
        if library.files.len() >= MAX_FILES {
            return Err(ApiError::invalid_request(format!(
                "this mock keeps at most {MAX_FILES} uploads per merchant; reset it (POST /mock/admin/reset)"
            )));
        }
        let before = library.files.len();
        library.files.insert(media_id.clone(), record);
        assert_eq!(library.files.len(), before + 1, "a fresh MediaID never replaces an upload");
        Ok(())
    })?;
    Ok(WxJson(MediaUploadResponse { media_id }))
}

/// The upload rules: extension, digest, size, and for images the content's signature.
fn check(kind: MediaKind, meta: &Meta, content: &[u8]) -> Result<(), ApiError> {
    let extensions = match kind {
        MediaKind::Image => IMAGE_EXTENSIONS,
        MediaKind::Video => VIDEO_EXTENSIONS,
    };
    let ext =
        meta.filename.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    if !extensions.contains(&ext.as_str()) {
        return Err(ApiError::param_error(
            "/meta/filename",
            Location::Body,
            format!("`{}` must end with .{}", meta.filename, extensions.join(", .")),
        )
        .with_value(meta.filename.clone()));
    }
    if content.is_empty() {
        return Err(ApiError::invalid_request("文件为空"));
    }
    if content.len() > MAX_MEDIA_BYTES {
        return Err(ApiError::invalid_request("文件大小不符合要求").with_detail(
            wechatpay_models::error::ErrorDetail {
                field: Some("file".into()),
                issue: Some(format!(
                    "the file is {} bytes; at most {MAX_MEDIA_BYTES} (5 MB)",
                    content.len()
                )),
                location: Some(Location::Body.as_str().to_owned()),
                ..Default::default()
            },
        ));
    }
    let actual = sha256_hex(content);
    if !actual.eq_ignore_ascii_case(&meta.sha256) {
        return Err(ApiError::param_error(
            "/meta/sha256",
            Location::Body,
            format!("is not the SHA-256 of the file (the file's is {actual})"),
        )
        .with_value(meta.sha256.clone()));
    }
    if kind == MediaKind::Image && !content_matches(&ext, content) {
        return Err(ApiError::invalid_request("文件格式不符合要求").with_detail(
            wechatpay_models::error::ErrorDetail {
                field: Some("file".into()),
                issue: Some(format!("the content is not a {} image", ext.to_ascii_uppercase())),
                location: Some(Location::Body.as_str().to_owned()),
                ..Default::default()
            },
        ));
    }
    Ok(())
}

fn content_matches(ext: &str, content: &[u8]) -> bool {
    match ext {
        "jpg" | "jpeg" => content.starts_with(&[0xFF, 0xD8, 0xFF]),
        "png" => content.starts_with(b"\x89PNG\r\n\x1a\n"),
        "bmp" => content.starts_with(b"BM"),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use axum::http::Request;

    use super::*;
    use crate::config::KeyMode;
    use crate::test_support::{send, signer, state};

    const PNG: &[u8] = include_bytes!("../../../fixtures/vectors/media/sample.png");

    fn multipart_request(
        s: &wechatpay_crypto::MerchantSigner,
        path: &str,
        filename: &str,
        sha256: &str,
        file: &[u8],
    ) -> Request<Body> {
        let meta = format!(r#"{{"filename":"{filename}","sha256":"{sha256}"}}"#);
        let auth = s.authorize("POST", path, meta.as_bytes()).unwrap();
        let mut body = Vec::new();
        body.extend_from_slice(b"--B0UNDARY\r\nContent-Disposition: form-data; name=\"meta\"\r\nContent-Type: application/json\r\n\r\n");
        body.extend_from_slice(meta.as_bytes());
        body.extend_from_slice(format!("\r\n--B0UNDARY\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
        body.extend_from_slice(file);
        body.extend_from_slice(b"\r\n--B0UNDARY--\r\n");
        Request::builder()
            .method("POST")
            .uri(path)
            .header("user-agent", "t/1")
            .header("accept", "application/json")
            .header("content-type", "multipart/form-data; boundary=B0UNDARY")
            .header("authorization", auth.to_header_value())
            .body(Body::from(body))
            .unwrap()
    }

    fn library_len(state: &MockState) -> usize {
        state.store().read(state.tenants().default_tenant(), |l: &MediaLibrary| l.iter().count())
    }

    // Proves a real PNG is accepted, recorded for the tenant, and answered with its MediaID.
    #[tokio::test]
    async fn accepts_and_records_an_image() {
        let (state, clock) = state(KeyMode::Certificate);
        let s = signer(&state, &clock);
        let req =
            multipart_request(&s, "/v3/merchant/media/upload", "sample.png", &sha256_hex(PNG), PNG);
        let answer = send(&state, req).await;
        assert_eq!(answer.status, 200, "{:?}", answer.body);
        let id = answer.json()["media_id"].as_str().unwrap().to_owned();
        let file = state
            .store()
            .read(state.tenants().default_tenant(), |l: &MediaLibrary| l.get(&id).cloned())
            .unwrap();
        assert_eq!((file.kind, file.size_bytes), (MediaKind::Image, PNG.len()));
    }

    // Proves each rule answers its documented code and nothing is recorded.
    #[tokio::test]
    async fn refusals_change_nothing() {
        let (state, clock) = state(KeyMode::Certificate);
        let s = signer(&state, &clock);
        let big = [&[0xFF, 0xD8, 0xFF][..], &vec![0; MAX_MEDIA_BYTES]].concat();
        let cases: [(&str, &str, String, &[u8], &str); 5] = [
            ("/v3/merchant/media/upload", "a.gif", sha256_hex(b"GIF89a"), b"GIF89a", "PARAM_ERROR"),
            ("/v3/merchant/media/upload", "a.png", "00".repeat(32), PNG, "PARAM_ERROR"),
            ("/v3/merchant/media/upload", "a.jpg", sha256_hex(PNG), PNG, "INVALID_REQUEST"),
            ("/v3/merchant/media/upload", "big.jpg", sha256_hex(&big), &big, "INVALID_REQUEST"),
            ("/v3/merchant/media/video_upload", "a.png", sha256_hex(PNG), PNG, "PARAM_ERROR"),
        ];
        for (path, name, digest, file, code) in cases {
            let answer = send(&state, multipart_request(&s, path, name, &digest, file)).await;
            assert_eq!(answer.json()["code"], code, "{name}");
            assert_eq!(answer.status, 400);
        }
        assert_eq!(library_len(&state), 0);
    }
}
