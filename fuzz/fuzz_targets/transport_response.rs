//! What the SDK does with a WeChat Pay response: `wechatpay_transport::Transport` over an
//! in-memory `HttpClient` that answers with attacker responses. Covers the reading of
//! `Wechatpay-Timestamp/Nonce/Serial/Signature(-Type)` and `Request-ID` from the headers,
//! the signature check, the key store's fetch of unknown platform certificates (the
//! `/v3/certificates` body: JSON, AES-256-GCM with the APIv3 key, PEM), error bodies,
//! JSON decoding, `Retry-After`, the response size limit, and unsigned streamed downloads.
//!
//! Input: responses in the seed format (start line = status code), separated by
//! `--NEXT--\n`; they answer the transport's requests in order (then: connection refused).
//! Mixed key mode: the public key is trusted, platform certificates are fetched when a
//! response names one. The first byte of the first start line chooses the call when it is
//! a letter: `d` a bill download, otherwise a signed JSON GET.
//!
//! Holds: no panic; a response accepted as verified passes `Verifier::verify` with the keys
//! the transport ended up trusting; a download never yields more than its limit.
#![no_main]

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use libfuzzer_sys::fuzz_target;
use wechatpay_crypto::{ApiV3Key, SignatureHeaders};
use wechatpay_fuzz::{header_map, split_message, split_on, API_V3_KEY, MCHID, MERCHANT_SERIAL};
use wechatpay_transport::http::{Method, Response};
use wechatpay_transport::{
    BoxFuture, HttpClient, HttpError, KeyMode, ResponseBody, RetryPolicy, Transport,
};

/// Answers with the queued responses, then refuses to connect.
#[derive(Debug, Clone, Default)]
struct Canned(Arc<Mutex<VecDeque<Response<Bytes>>>>);

impl HttpClient for Canned {
    fn send(
        &self,
        _request: wechatpay_transport::http::Request<Bytes>,
    ) -> BoxFuture<'_, Result<Response<ResponseBody>, HttpError>> {
        let next = self.0.lock().unwrap().pop_front();
        Box::pin(async move {
            let Some(response) = next else {
                return Err(HttpError::connect("no more canned responses"));
            };
            let (parts, body) = response.into_parts();
            // Chunks of 7 bytes: the limits are checked across chunk boundaries.
            let chunks: Vec<Result<Bytes, HttpError>> =
                body.chunks(7).map(|c| Ok(Bytes::copy_from_slice(c))).collect();
            Ok(Response::from_parts(
                parts,
                ResponseBody::from_stream(futures_util::stream::iter(chunks)),
            ))
        })
    }
}

const LIMIT: u64 = 4096;

fuzz_target!(|data: &[u8]| {
    let client = Canned::default();
    let mut download = false;
    for (i, raw) in split_on(data, b"--NEXT--\n").into_iter().take(4).enumerate() {
        let msg = split_message(raw);
        if i == 0 && msg.start.first() == Some(&b'd') {
            download = true;
        }
        let status = std::str::from_utf8(msg.start)
            .ok()
            .and_then(|s| {
                s.trim_start_matches(|c: char| c.is_ascii_alphabetic()).trim().parse::<u16>().ok()
            })
            .unwrap_or(200);
        let mut builder = Response::builder().status(status);
        if let Some(h) = builder.headers_mut() {
            *h = header_map(&msg.headers);
        }
        let Ok(response) = builder.body(Bytes::copy_from_slice(msg.body)) else { continue };
        client.0.lock().unwrap().push_back(response);
    }
    let transport = Transport::builder()
        .mchid(MCHID)
        .merchant_key(wechatpay_fuzz::merchant_key().clone(), MERCHANT_SERIAL)
        .api_v3_key(ApiV3Key::new(API_V3_KEY).unwrap())
        .key_mode(KeyMode::Mixed(wechatpay_fuzz::wechatpay_public_key().clone()))
        .base_url("https://api.mch.weixin.qq.com")
        .no_backup_base_url()
        .retry(RetryPolicy::none())
        .timeout(Duration::from_secs(30))
        .clock(wechatpay_fuzz::clock())
        .max_response_bytes(LIMIT)
        .http_client(client)
        .build()
        .expect("transport");

    wechatpay_fuzz::runtime().block_on(async {
        if download {
            let url = "https://api.mch.weixin.qq.com/v3/billdownload/file?token=fuzz";
            match transport.download(url, LIMIT).await {
                Ok(d) => {
                    let _ = d.headers();
                    let mut stream = d.into_stream();
                    let mut total = 0u64;
                    while let Some(chunk) = stream.next().await {
                        match chunk {
                            Ok(c) => total += c.len() as u64,
                            Err(e) => {
                                let _ = e.to_string();
                                break;
                            }
                        }
                    }
                    assert!(total <= LIMIT, "download passed its limit: {total}");
                }
                Err(e) => {
                    let _ = e.to_string();
                }
            }
            return;
        }
        let result = transport
            .request(Method::GET, "/v3/pay/partner/transactions/id/4200000985202103031441826014")
            .query("sp_mchid", MCHID)
            .send()
            .await;
        match result {
            Ok(raw) => {
                assert!(raw.body.len() as u64 <= LIMIT);
                let _ = raw.json::<serde_json::Value>();
                // Accepted means signed by a key the transport now trusts.
                let h = |n: &str| raw.headers.get(n).and_then(|v| v.to_str().ok());
                let headers = SignatureHeaders {
                    timestamp: h("wechatpay-timestamp").expect("accepted without timestamp"),
                    nonce: h("wechatpay-nonce").expect("accepted without nonce"),
                    serial: h("wechatpay-serial").expect("accepted without serial"),
                    signature: h("wechatpay-signature").expect("accepted without signature"),
                    signature_type: h("wechatpay-signature-type"),
                };
                transport
                    .key_store()
                    .snapshot()
                    .verify(&headers, &raw.body, wechatpay_fuzz::NOW)
                    .expect("an accepted response verifies");
            }
            Err(e) => {
                let _ = (e.to_string(), format!("{e:?}"));
            }
        }
    });
});
