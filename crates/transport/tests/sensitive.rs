//! `BuildContext::encrypt_sensitive`: the members a request type lists as sensitive, and only
//! those, travel RSA-OAEP encrypted.

use serde::Serialize;
use serde_json::Value;
use wechatpay_crypto::{PrivateKey, Verifier, WechatPayPublicKey};
use wechatpay_models::SensitiveFields;
use wechatpay_transport::{BuildContext, BuildError};

const PUB_KEY: &str = include_str!("../../../fixtures/vectors/keys/pub_key.pem");
const PUB_PRIV: &str = include_str!("../../../fixtures/vectors/keys/pub_key_private.pem");
const PUB_ID: &str = "PUB_KEY_ID_0119000001002025010100000001";

#[derive(Serialize)]
struct Sample {
    name: String,
    note: String,
    owners: Vec<Owner>,
    phone: Option<String>,
}

#[derive(Serialize)]
struct Owner {
    owner_name: String,
}

impl SensitiveFields for Sample {
    const SENSITIVE_FIELDS: &'static [&'static str] = &["/name", "/owners/*/owner_name", "/phone"];
}

fn verifier() -> Verifier {
    let mut v = Verifier::new();
    v.add_public_key(WechatPayPublicKey::from_pem(PUB_ID, PUB_KEY).unwrap());
    v
}

// Proves exactly the listed members are encrypted (array elements included, absent
// optionals skipped), they decrypt back, and the key's serial is recorded.
#[test]
fn listed_members_are_encrypted() {
    let sample = Sample {
        name: "张三".into(),
        note: "plain".into(),
        owners: vec![Owner { owner_name: "李四".into() }, Owner { owner_name: "王五".into() }],
        phone: None,
    };
    let verifier = verifier();
    let mut ctx = BuildContext::new(&verifier, 1_735_700_000);
    let body = ctx.encrypt_sensitive(&sample).unwrap();
    assert_eq!(ctx.encryption_serial().unwrap().as_str(), PUB_ID);
    assert_eq!(body["note"], "plain");
    assert!(body["phone"].is_null());
    let key = PrivateKey::from_pem(PUB_PRIV).unwrap();
    let plain = |v: &Value| key.decrypt_field(v.as_str().unwrap()).unwrap().to_string();
    assert_eq!(plain(&body["name"]), "张三");
    assert_eq!(plain(&body["owners"][0]["owner_name"]), "李四");
    assert_eq!(plain(&body["owners"][1]["owner_name"]), "王五");
}

// Proves a value too long for RSA-OAEP is refused before encryption, naming its index.
#[test]
fn overlong_value_names_its_member() {
    let sample = Sample {
        name: "n".into(),
        note: String::new(),
        owners: vec![Owner { owner_name: "a".into() }, Owner { owner_name: "x".repeat(215) }],
        phone: Some("13800000000".into()),
    };
    let verifier = verifier();
    let mut ctx = BuildContext::new(&verifier, 0);
    match ctx.encrypt_sensitive(&sample) {
        Err(BuildError::Invalid { field, .. }) => assert_eq!(field, "/owners/1/owner_name"),
        other => panic!("expected Invalid, got {other:?}"),
    }
}
