//! Onboarding a seller as a 小微商户 (no business licence) against the mock, in-process:
//! upload the ID card, submit, and show the seller what to do next.
//!
//! ```sh
//! cargo run --example onboard_seller
//! ```

#[path = "support/mock_client.rs"]
mod mock_client;

use wechatpay::applyment::{
    next_steps, ApplymentAccountInfo, BankAccountType, ContactInfo, IdCardInfo, NextStep,
    OrganizationType, SalesSceneInfo, SubmitApplymentRequest,
};

/// Enough of a JPEG for the format check (a real upload is the photo of the card).
const ID_PHOTO: &[u8] =
    b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00example";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mock = wechatpay_mock::MockServer::start().await;
    let client = mock_client::client_for(&mock)?;

    let front = client.media().upload_image("id_front.jpg", ID_PHOTO).await?;
    let back = client.media().upload_image("id_back.jpg", ID_PHOTO).await?;

    // Names, ID numbers, phone, e-mail and the account go in plaintext: the SDK encrypts them.
    let request = SubmitApplymentRequest {
        id_card_info: Some(IdCardInfo {
            id_card_copy: front,
            id_card_national: back,
            id_card_name: "张三".into(),
            id_card_number: "11010519491231002X".into(),
            id_card_address: None,
            id_card_valid_time_begin: "2019-01-01".parse()?,
            id_card_valid_time: "长期".into(),
        }),
        ..SubmitApplymentRequest::new(
            "APPLY-2401-0001",
            OrganizationType::MicroMerchant,
            ApplymentAccountInfo {
                bank_account_type: BankAccountType::Personal,
                account_bank: "招商银行".into(),
                account_name: "张三".into(),
                bank_address_code: "110000".into(),
                bank_branch_id: None,
                bank_name: None,
                account_number: "6214830000000001".into(),
                account_cert_info: None,
            },
            ContactInfo {
                contact_name: "张三".into(),
                mobile_phone: "13800138000".into(),
                contact_email: "zhangsan@example.com".into(),
                ..ContactInfo::default()
            },
            SalesSceneInfo {
                store_name: "张三的小店".into(),
                store_url: Some("https://shop.example.com/zhangsan".into()),
                ..SalesSceneInfo::default()
            },
            "张三的小店",
        )
    };
    let submitted = client.applyments().submit(&request).await?;
    println!("submitted: applyment {}", submitted.applyment_id);

    let applyment = client.applyments().query_by_id(submitted.applyment_id).await?;
    println!("state: {:?}", applyment.applyment_state);
    for step in next_steps(&applyment) {
        match step {
            NextStep::Sign { url } => println!("  show the signing QR code: {url}"),
            NextStep::AwaitReview => println!("  WeChat Pay is reviewing (3–7 working days)"),
            NextStep::Done { sub_mchid } => println!("  onboarded: {sub_mchid}"),
            other => println!("  {other:?}"),
        }
    }
    Ok(())
}
