//! The exact byte strings WeChat Pay signs.

/// The request message: `METHOD\nURL\nTIMESTAMP\nNONCE\nBODY\n`.
///
/// `url` is the request-target exactly as sent (path plus `?query`); `body` is empty for GET
/// and, for media upload, the `meta` JSON string.
pub fn request_message(
    method: &str,
    url: &str,
    timestamp: &str,
    nonce: &str,
    body: &[u8],
) -> Vec<u8> {
    let mut m = Vec::with_capacity(
        method.len() + url.len() + timestamp.len() + nonce.len() + body.len() + 5,
    );
    for part in [method.as_bytes(), url.as_bytes(), timestamp.as_bytes(), nonce.as_bytes(), body] {
        m.extend_from_slice(part);
        m.push(b'\n');
    }
    m
}

/// The response / callback message: `TIMESTAMP\nNONCE\nBODY\n` over the raw body bytes.
pub fn response_message(timestamp: &str, nonce: &str, body: &[u8]) -> Vec<u8> {
    let mut m = Vec::with_capacity(timestamp.len() + nonce.len() + body.len() + 3);
    for part in [timestamp.as_bytes(), nonce.as_bytes(), body] {
        m.extend_from_slice(part);
        m.push(b'\n');
    }
    m
}

/// Lines joined with `\n`, each followed by `\n` (the front-end `paySign` / `sign` message).
pub fn lines_message(lines: &[&str]) -> Vec<u8> {
    let mut m = Vec::with_capacity(lines.iter().map(|l| l.len() + 1).sum());
    for line in lines {
        m.extend_from_slice(line.as_bytes());
        m.push(b'\n');
    }
    m
}
