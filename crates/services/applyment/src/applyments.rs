//! Submitting an application and querying its state: the typed operations and the
//! [`Applyments`] handle that runs them.

use wechatpay_models::applyment::{Applyment, SubmitApplymentRequest, SubmitApplymentResponse};
use wechatpay_transport::{
    path, BuildContext, BuildError, Error, Operation, RequestSpec, Transport,
};

use crate::validate::{out_request_no, validate_submission};

/// `POST /v3/ecommerce/applyments/` (提交二级商户进件申请单): checks the application
/// ([`validate_submission`]), encrypts every sensitive member the model lists, and sends it
/// with `Wechatpay-Serial`.
///
/// Safe to retry: WeChat Pay deduplicates on `out_request_no`, so the transport retries it
/// on `5xx`, `429` and connection failures like a GET.
#[derive(Clone, Copy, Debug)]
pub struct SubmitApplyment<'a> {
    request: &'a SubmitApplymentRequest,
}

impl<'a> SubmitApplyment<'a> {
    /// The operation for `request`, whose sensitive members hold plaintext.
    pub fn new(request: &'a SubmitApplymentRequest) -> Self {
        Self { request }
    }
}

impl Operation for SubmitApplyment<'_> {
    type Output = SubmitApplymentResponse;

    fn build(&self, ctx: &mut BuildContext<'_>) -> Result<RequestSpec, BuildError> {
        validate_submission(self.request)?;
        let body = ctx.encrypt_sensitive(self.request)?;
        Ok(RequestSpec::post("/v3/ecommerce/applyments/").json(&body)?.idempotent())
    }
}

/// `GET /v3/ecommerce/applyments/{applyment_id}` (通过申请单ID查询申请状态). The answer is
/// as WeChat Pay sent it: `account_validation` names are still encrypted (see
/// [`decrypt_account_validation`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueryApplymentById {
    applyment_id: u64,
}

impl QueryApplymentById {
    /// The query for `applyment_id`.
    pub fn new(applyment_id: u64) -> Self {
        Self { applyment_id }
    }
}

impl Operation for QueryApplymentById {
    type Output = Applyment;

    fn build(&self, _ctx: &mut BuildContext<'_>) -> Result<RequestSpec, BuildError> {
        Ok(RequestSpec::get(path!["v3/ecommerce/applyments", self.applyment_id.to_string()]))
    }
}

/// `GET /v3/ecommerce/applyments/out-request-no/{out_request_no}` (通过业务申请编号查询申请状态).
/// The answer is as WeChat Pay sent it (see [`QueryApplymentById`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueryApplymentByOutRequestNo<'a> {
    out_request_no: &'a str,
}

impl<'a> QueryApplymentByOutRequestNo<'a> {
    /// The query for the platform's `out_request_no`.
    pub fn new(out_request_no: &'a str) -> Self {
        Self { out_request_no }
    }
}

impl Operation for QueryApplymentByOutRequestNo<'_> {
    type Output = Applyment;

    fn build(&self, _ctx: &mut BuildContext<'_>) -> Result<RequestSpec, BuildError> {
        out_request_no(self.out_request_no)?;
        Ok(RequestSpec::get(path!["v3/ecommerce/applyments/out-request-no", self.out_request_no]))
    }
}

/// Decrypts, in place, the members of `account_validation` that WeChat Pay encrypts to the
/// platform's API key (`account_name`, `account_no`), so the remittance instructions can be
/// shown to the seller.
///
/// # Errors
/// [`Error::Decode`] when a member does not decrypt with the transport's merchant key.
pub fn decrypt_account_validation(
    transport: &Transport,
    applyment: &mut Applyment,
) -> Result<(), Error> {
    if let Some(validation) = applyment.account_validation.as_mut() {
        validation.account_name = transport.decrypt_field(&validation.account_name)?.to_string();
        if let Some(no) = validation.account_no.as_mut() {
            *no = transport.decrypt_field(no)?.to_string();
        }
    }
    Ok(())
}

/// Sub-merchant applications (二级商户进件) through one [`Transport`]. Cheap to clone.
///
/// ```no_run
/// # async fn run(transport: wechatpay_transport::Transport, request: wechatpay_applyment::SubmitApplymentRequest)
/// # -> Result<(), wechatpay_transport::Error> {
/// use wechatpay_applyment::{next_steps, Applyments};
///
/// let applyments = Applyments::new(transport);
/// let submitted = applyments.submit(&request).await?;
/// // About 3 s later: the signing link and account verification are known.
/// let applyment = applyments.query_by_id(submitted.applyment_id).await?;
/// for step in next_steps(&applyment) {
///     println!("{step:?}");
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Applyments {
    transport: Transport,
}

impl Applyments {
    /// Applications sent through `transport` (signed as the platform).
    pub fn new(transport: Transport) -> Self {
        Self { transport }
    }

    /// Submits an application, or resubmits a rejected one with the same `out_request_no`.
    /// Fill sensitive members with plaintext: they are encrypted for you.
    ///
    /// # Errors
    /// [`Error::Build`] with [`BuildError::Invalid`] naming the member when the application
    /// is incomplete or malformed (nothing is sent); [`Error::Api`] with `PARAM_ERROR`
    /// (a member WeChat Pay refuses, `detail.field` names it) or `INVALID_REQUEST` (a
    /// business rule: a MediaID that was not uploaded, a different application under the
    /// same `out_request_no`, a subject already onboarded …); others as
    /// [`Transport::execute`].
    pub async fn submit(
        &self,
        request: &SubmitApplymentRequest,
    ) -> Result<SubmitApplymentResponse, Error> {
        self.transport.execute(&SubmitApplyment::new(request)).await
    }

    /// The state of an application by WeChat Pay's `applyment_id`, with
    /// `account_validation`'s names decrypted.
    ///
    /// # Errors
    /// [`Error::Api`] with `RESOURCE_NOT_EXISTS` for an unknown id; [`Error::Decode`] if an
    /// encrypted member does not decrypt; others as [`Transport::execute`].
    pub async fn query_by_id(&self, applyment_id: u64) -> Result<Applyment, Error> {
        let mut applyment = self.transport.execute(&QueryApplymentById::new(applyment_id)).await?;
        decrypt_account_validation(&self.transport, &mut applyment)?;
        Ok(applyment)
    }

    /// The state of an application by the platform's `out_request_no`, with
    /// `account_validation`'s names decrypted.
    ///
    /// # Errors
    /// As [`query_by_id`](Self::query_by_id); [`Error::Build`] for an empty or malformed number.
    pub async fn query_by_out_request_no(&self, out_request_no: &str) -> Result<Applyment, Error> {
        let op = QueryApplymentByOutRequestNo::new(out_request_no);
        let mut applyment = self.transport.execute(&op).await?;
        decrypt_account_validation(&self.transport, &mut applyment)?;
        Ok(applyment)
    }

    /// The transport used.
    pub fn transport(&self) -> &Transport {
        &self.transport
    }
}

#[cfg(test)]
mod tests {
    use wechatpay_crypto::{PrivateKey, Verifier, WechatPayPublicKey};
    use wechatpay_models::applyment::OrganizationType;
    use wechatpay_transport::RequestBody;

    use super::*;
    use crate::validate::tests::sample;

    const PUB_KEY: &str = include_str!("../../../../fixtures/vectors/keys/pub_key.pem");
    const PUB_PRIV: &str = include_str!("../../../../fixtures/vectors/keys/pub_key_private.pem");
    const PUB_ID: &str = "PUB_KEY_ID_0119000001002025010100000001";

    fn verifier() -> Verifier {
        let mut v = Verifier::new();
        v.add_public_key(WechatPayPublicKey::from_pem(PUB_ID, PUB_KEY).unwrap());
        v
    }

    fn json_body(spec: &RequestSpec) -> serde_json::Value {
        match spec.body() {
            RequestBody::Json(bytes) => serde_json::from_slice(bytes).unwrap(),
            other => panic!("expected JSON, got {other:?}"),
        }
    }

    // Proves submit posts to the documented path, is retryable, and sends every listed
    // sensitive member as ciphertext of the plaintext the caller gave, other members as is.
    #[test]
    fn submit_encrypts_listed_members() {
        let request = sample(OrganizationType::Enterprise);
        let verifier = verifier();
        let mut ctx = BuildContext::new(&verifier, 1_735_700_000);
        let spec = SubmitApplyment::new(&request).build(&mut ctx).unwrap();
        assert_eq!(spec.method(), "POST");
        assert_eq!(spec.path().as_str(), "/v3/ecommerce/applyments/");
        assert!(spec.is_idempotent());
        assert_eq!(ctx.encryption_serial().unwrap().as_str(), PUB_ID);
        let body = json_body(&spec);
        let key = PrivateKey::from_pem(PUB_PRIV).unwrap();
        let plain = |p: &str| {
            key.decrypt_field(body.pointer(p).unwrap().as_str().unwrap()).unwrap().to_string()
        };
        assert_eq!(plain("/id_card_info/id_card_number"), "11010519491231002X");
        assert_eq!(plain("/id_card_info/id_card_address"), "北京市");
        assert_eq!(plain("/account_info/account_number"), "6214830000000001");
        assert_eq!(plain("/contact_info/mobile_phone"), "13800138000");
        assert_eq!(plain("/contact_info/contact_email"), "zhangsan@example.com");
        assert_eq!(body["business_license_info"]["merchant_name"], "某某有限公司");
        assert_eq!(body["id_card_info"]["id_card_copy"], "M-FRONT");
    }

    // Proves an invalid application fails in build, before anything is encrypted.
    #[test]
    fn invalid_submission_fails_before_encryption() {
        let mut request = sample(OrganizationType::IndividualBusiness);
        request.business_license_info = None;
        let verifier = verifier();
        let mut ctx = BuildContext::new(&verifier, 0);
        let err = SubmitApplyment::new(&request).build(&mut ctx).unwrap_err();
        assert!(
            matches!(err, BuildError::Invalid { ref field, .. } if field == "/business_license_info")
        );
        assert!(ctx.encryption_serial().is_none(), "nothing was encrypted");
    }

    // Proves the queries build escaped paths and refuse an empty out_request_no.
    #[test]
    fn query_paths() {
        let verifier = Verifier::new();
        let mut ctx = BuildContext::new(&verifier, 0);
        let spec = QueryApplymentById::new(2_000_002_124_775_691).build(&mut ctx).unwrap();
        assert_eq!(spec.path().as_str(), "/v3/ecommerce/applyments/2000002124775691");
        let spec = QueryApplymentByOutRequestNo::new("A/1").build(&mut ctx).unwrap();
        assert_eq!(spec.path().as_str(), "/v3/ecommerce/applyments/out-request-no/A%2F1");
        assert!(QueryApplymentByOutRequestNo::new("").build(&mut ctx).is_err());
    }
}
