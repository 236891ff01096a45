//! Streaming downloads of bill files from absolute URLs.

mod support;

use futures_util::StreamExt;
use support::*;
use tokio::io::AsyncReadExt;
use wechatpay_crypto::digest::Hasher;
use wechatpay_transport::{BuildError, DispatchErrorKind, Error};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn bill(len: usize) -> Vec<u8> {
    (0..len).map(|i| b"0123456789,\n"[i % 12]).collect()
}

// Proves a download URL on the configured host is fetched signed over its exact path and
// query, streamed chunk by chunk, and accepted without a response signature.
#[tokio::test]
async fn download_streams_the_file() {
    let server = MockServer::start().await;
    let file = bill(200_000);
    let check = CheckRequest::new(ResponseSigner::public_key(), 200, "");
    Mock::given(method("GET"))
        .and(path("/v3/billdownload/file"))
        .and(query_param("token", "abc+/="))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(file.clone(), "application/octet-stream"),
        )
        .mount(&server)
        .await;
    // Records the request separately to check its signature.
    Mock::given(method("GET"))
        .and(path("/v3/signed-check"))
        .respond_with(check.clone())
        .mount(&server)
        .await;
    let transport = builder(&server.uri()).build().unwrap();

    let url = format!("{}/v3/billdownload/file?token=abc%2B%2F%3D", server.uri());
    let download = transport.download(&url, 1_000_000).await.unwrap();
    assert_eq!(download.status(), 200);
    let mut stream = download.into_stream();
    let mut hasher = Hasher::new(wechatpay_crypto::backend::DigestAlgorithm::Sha1);
    let mut total = 0;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.unwrap();
        total += chunk.len();
        hasher.update(&chunk);
    }
    assert_eq!(total, file.len());
    assert_eq!(hasher.finish_hex(), wechatpay_crypto::digest::sha1_hex(&file));

    let signed_url = format!("{}/v3/signed-check?token=abc%2B%2F%3D", server.uri());
    transport
        .download(&signed_url, 1_000)
        .await
        .unwrap()
        .into_stream()
        .collect_bytes()
        .await
        .unwrap();
    let seen = check.seen();
    assert_eq!(seen[0].target, "/v3/signed-check?token=abc%2B%2F%3D");
    assert!(seen[0].signature_valid);
}

// Proves a file larger than max_bytes ends the stream with a BodyTooLarge error.
#[tokio::test]
async fn download_over_the_limit_fails() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(bill(100_000), "application/octet-stream"),
        )
        .mount(&server)
        .await;
    let transport = builder(&server.uri()).build().unwrap();
    let download = transport
        .download(&format!("{}/v3/billdownload/file?token=t", server.uri()), 10_000)
        .await
        .unwrap();
    let err = download.into_stream().collect_bytes().await.unwrap_err();
    assert!(
        matches!(&err, Error::Dispatch(d) if d.kind() == DispatchErrorKind::BodyTooLarge { limit: 10_000 }),
        "{err:?}"
    );

    let download = transport
        .download(&format!("{}/v3/billdownload/file?token=t", server.uri()), 10_000)
        .await
        .unwrap();
    let mut out = Vec::new();
    assert!(download.into_stream().into_reader().read_to_end(&mut out).await.is_err());
    assert!(out.len() <= 10_000);
}

// Proves URLs on other hosts (or schemes) are refused before anything is sent.
#[tokio::test]
async fn foreign_download_urls_are_refused() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200))
        .expect(0)
        .mount(&server)
        .await;
    let transport = builder(&server.uri()).build().unwrap();
    let port = server.address().port();
    for url in [
        "https://evil.example/v3/billdownload/file?token=t".to_owned(),
        format!("http://localhost:{port}/v3/billdownload/file"),
        format!("https://127.0.0.1:{port}/v3/billdownload/file"),
        format!("http://127.0.0.1:{}/v3/billdownload/file", port.wrapping_add(1)),
        "/v3/billdownload/file".to_owned(),
    ] {
        let err = transport.download(&url, 10).await.unwrap_err();
        assert!(matches!(err, Error::Build(BuildError::ForeignUrl { .. })), "{url}: {err:?}");
    }
}

// Proves a download URL on the backup host is followed, and an error answer to a download
// is an Api error with the body.
#[tokio::test]
async fn backup_host_urls_and_errors() {
    let primary = MockServer::start().await;
    let backup = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v3/billdownload/file"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("x", "text/plain"))
        .expect(1)
        .mount(&backup)
        .await;
    Mock::given(method("GET"))
        .and(path("/v3/billdownload/expired"))
        .respond_with(ResponseTemplate::new(400).set_body_raw(
            r#"{"code":"INVALID_REQUEST","message":"token expired"}"#,
            "application/json",
        ))
        .mount(&primary)
        .await;
    let transport = builder(&primary.uri()).backup_base_url(backup.uri()).build().unwrap();
    let body =
        transport.download(&format!("{}/v3/billdownload/file", backup.uri()), 10).await.unwrap();
    assert_eq!(body.into_stream().collect_bytes().await.unwrap().as_ref(), b"x");
    let err = transport
        .download(&format!("{}/v3/billdownload/expired?token=t", primary.uri()), 10)
        .await
        .unwrap_err();
    assert!(err.is_code("INVALID_REQUEST"), "{err:?}");
}
