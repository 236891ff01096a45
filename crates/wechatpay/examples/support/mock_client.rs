//! A `wechatpay::Client` on the credentials of a mock server started in-process, shared by
//! the small examples (`#[path = "support/mock_client.rs"] mod mock_client;`).

use std::sync::Arc;

use wechatpay::{Client, KeyMode};
use wechatpay_mock::MockServer;

/// The client of the mock's built-in platform merchant, signing on the mock's virtual clock
/// (so moving that clock keeps timestamps within WeChat Pay's ±5 minutes).
pub(crate) fn client_for(mock: &MockServer) -> Result<Client, Box<dyn std::error::Error>> {
    let id = mock.identity();
    let key_pem = id.merchant_private_key_pem.as_deref().ok_or("the mock has no merchant key")?;
    Ok(Client::builder()
        .mchid(&id.mchid)
        .merchant_key_pem(key_pem, id.merchant_serial.as_str())
        .api_v3_key(id.api_v3_key()?)
        .key_mode(KeyMode::PlatformCertificates)
        .base_url(mock.base_url())
        .no_backup_base_url()
        .clock(Arc::new(mock.state().tenants().default_tenant().clock().clone()))
        .build()?)
}
