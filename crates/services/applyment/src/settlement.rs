//! A sub-merchant's settlement bank account (结算账户): query it, change it, follow the
//! change. The typed operations and the [`Settlement`] handle that runs them.

use wechatpay_models::settlement::{
    AccountNumberRule, ModifySettlementRequest, ModifySettlementResponse, SettlementAccount,
    SettlementApplication,
};
use wechatpay_transport::{
    path, BuildContext, BuildError, Error, Operation, RequestSpec, Transport,
};

use crate::validate::{sub_mchid, validate_settlement_change};

/// `GET /v3/apply4sub/sub_merchants/{sub_mchid}/settlement` (查询结算账户).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuerySettlement<'a> {
    sub_mchid: &'a str,
}

impl<'a> QuerySettlement<'a> {
    /// The query for `sub_mchid`.
    pub fn new(sub_mchid: &'a str) -> Self {
        Self { sub_mchid }
    }
}

impl Operation for QuerySettlement<'_> {
    type Output = SettlementAccount;

    fn build(&self, _ctx: &mut BuildContext<'_>) -> Result<RequestSpec, BuildError> {
        sub_mchid(self.sub_mchid)?;
        Ok(RequestSpec::get(path!["v3/apply4sub/sub_merchants", self.sub_mchid, "settlement"]))
    }
}

/// `POST /v3/apply4sub/sub_merchants/{sub_mchid}/modify-settlement` (修改结算账户):
/// `account_number` and `account_name` are encrypted for you.
///
/// The output is `None` when WeChat Pay answers with an empty body (older behaviour).
#[derive(Clone, Copy, Debug)]
pub struct ModifySettlement<'a> {
    sub_mchid: &'a str,
    request: &'a ModifySettlementRequest,
}

impl<'a> ModifySettlement<'a> {
    /// The change of `sub_mchid`'s account to `request` (plaintext account number and name).
    pub fn new(sub_mchid: &'a str, request: &'a ModifySettlementRequest) -> Self {
        Self { sub_mchid, request }
    }
}

impl Operation for ModifySettlement<'_> {
    type Output = Option<ModifySettlementResponse>;

    fn build(&self, ctx: &mut BuildContext<'_>) -> Result<RequestSpec, BuildError> {
        sub_mchid(self.sub_mchid)?;
        validate_settlement_change(self.request)?;
        let body = ctx.encrypt_sensitive(self.request)?;
        RequestSpec::post(path!["v3/apply4sub/sub_merchants", self.sub_mchid, "modify-settlement"])
            .json(&body)
    }
}

/// `GET /v3/apply4sub/sub_merchants/{sub_mchid}/application/{application_no}`
/// (查询结算账户修改申请状态).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuerySettlementApplication<'a> {
    sub_mchid: &'a str,
    application_no: &'a str,
    account_number_rule: Option<&'a AccountNumberRule>,
}

impl<'a> QuerySettlementApplication<'a> {
    /// The query for `application_no` of `sub_mchid`.
    pub fn new(sub_mchid: &'a str, application_no: &'a str) -> Self {
        Self { sub_mchid, application_no, account_number_rule: None }
    }

    /// Asks for `account_number` masked by `rule`.
    #[must_use]
    pub fn account_number_rule(mut self, rule: &'a AccountNumberRule) -> Self {
        self.account_number_rule = Some(rule);
        self
    }
}

impl Operation for QuerySettlementApplication<'_> {
    type Output = SettlementApplication;

    fn build(&self, _ctx: &mut BuildContext<'_>) -> Result<RequestSpec, BuildError> {
        sub_mchid(self.sub_mchid)?;
        if self.application_no.is_empty() || self.application_no.len() > 64 {
            return Err(BuildError::invalid("application_no", "must be 1 to 64 characters"));
        }
        Ok(RequestSpec::get(path![
            "v3/apply4sub/sub_merchants",
            self.sub_mchid,
            "application",
            self.application_no
        ])
        .query_opt("account_number_rule", self.account_number_rule.map(AccountNumberRule::as_str)))
    }
}

/// Settlement accounts of the platform's sub-merchants, through one [`Transport`].
///
/// ```no_run
/// # async fn run(transport: wechatpay_transport::Transport) -> Result<(), wechatpay_transport::Error> {
/// use wechatpay_applyment::{Settlement, SettlementVerifyResult};
///
/// let account = Settlement::new(transport).query("1900000109").await?;
/// if account.verify_result == SettlementVerifyResult::VerifyFail {
///     // The 0.01 CNY check after the first payment bounced: ask the seller for another card.
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Settlement {
    transport: Transport,
}

impl Settlement {
    /// Settlement calls sent through `transport`.
    pub fn new(transport: Transport) -> Self {
        Self { transport }
    }

    /// The settlement account of `sub_mchid`, with the result of WeChat Pay's 0.01 CNY
    /// verification remittance (`verify_result`).
    ///
    /// # Errors
    /// [`Error::Build`] for a malformed `sub_mchid`; [`Error::Api`] with `NO_AUTH` when it is
    /// not a sub-merchant of this platform; others as [`Transport::execute`].
    pub async fn query(&self, sub_mchid: &str) -> Result<SettlementAccount, Error> {
        self.transport.execute(&QuerySettlement::new(sub_mchid)).await
    }

    /// Asks to change the settlement account of `sub_mchid`; follow the change with
    /// [`application`](Self::application) and the returned `application_no`.
    ///
    /// # Errors
    /// [`Error::Build`] naming the member for a malformed request; [`Error::Api`] with
    /// `INVALID_REQUEST` while another change is under review, `NO_AUTH` for a foreign
    /// sub-merchant; others as [`Transport::execute`].
    pub async fn modify(
        &self,
        sub_mchid: &str,
        request: &ModifySettlementRequest,
    ) -> Result<ModifySettlementResponse, Error> {
        let answer = self.transport.execute(&ModifySettlement::new(sub_mchid, request)).await?;
        Ok(answer.unwrap_or_default())
    }

    /// The state of the change `application_no` of `sub_mchid`.
    ///
    /// # Errors
    /// [`Error::Api`] with `RESOURCE_NOT_EXISTS` for an unknown application; others as
    /// [`query`](Self::query).
    pub async fn application(
        &self,
        sub_mchid: &str,
        application_no: &str,
    ) -> Result<SettlementApplication, Error> {
        self.transport.execute(&QuerySettlementApplication::new(sub_mchid, application_no)).await
    }

    /// The transport used.
    pub fn transport(&self) -> &Transport {
        &self.transport
    }
}

#[cfg(test)]
mod tests {
    use wechatpay_crypto::{PrivateKey, Verifier, WechatPayPublicKey};
    use wechatpay_models::settlement::SettlementAccountType;
    use wechatpay_transport::RequestBody;

    use super::*;

    const PUB_KEY: &str = include_str!("../../../../fixtures/vectors/keys/pub_key.pem");
    const PUB_PRIV: &str = include_str!("../../../../fixtures/vectors/keys/pub_key_private.pem");
    const PUB_ID: &str = "PUB_KEY_ID_0119000001002025010100000001";

    // Proves the change request encrypts account number and name, and goes to the
    // sub-merchant's escaped path.
    #[test]
    fn modify_encrypts_account() {
        let mut verifier = Verifier::new();
        verifier.add_public_key(WechatPayPublicKey::from_pem(PUB_ID, PUB_KEY).unwrap());
        let mut ctx = BuildContext::new(&verifier, 0);
        let request = ModifySettlementRequest {
            account_type: SettlementAccountType::Private,
            account_bank: "招商银行".into(),
            bank_address_code: "440300".into(),
            bank_name: None,
            bank_branch_id: None,
            account_number: "6214830000000002".into(),
            modify_mode: None,
            account_name: Some("张三".into()),
        };
        let spec = ModifySettlement::new("1900000109", &request).build(&mut ctx).unwrap();
        assert_eq!(
            spec.path().as_str(),
            "/v3/apply4sub/sub_merchants/1900000109/modify-settlement"
        );
        let RequestBody::Json(bytes) = spec.body() else { panic!("JSON body expected") };
        let body: serde_json::Value = serde_json::from_slice(bytes).unwrap();
        let key = PrivateKey::from_pem(PUB_PRIV).unwrap();
        let plain = |p: &str| key.decrypt_field(body[p].as_str().unwrap()).unwrap().to_string();
        assert_eq!(plain("account_number"), "6214830000000002");
        assert_eq!(plain("account_name"), "张三");
        assert_eq!(body["account_type"], "ACCOUNT_TYPE_PRIVATE");
        assert!(ModifySettlement::new("19x", &request).build(&mut ctx).is_err());
    }

    // Proves the queries build their paths, with the masking rule as a query parameter.
    #[test]
    fn query_paths() {
        let verifier = Verifier::new();
        let mut ctx = BuildContext::new(&verifier, 0);
        let spec = QuerySettlement::new("1900000109").build(&mut ctx).unwrap();
        assert_eq!(spec.path().as_str(), "/v3/apply4sub/sub_merchants/1900000109/settlement");
        let rule = AccountNumberRule::MaskV2;
        let spec = QuerySettlementApplication::new("1900000109", "APP 1")
            .account_number_rule(&rule)
            .build(&mut ctx)
            .unwrap();
        assert_eq!(
            spec.path().as_str(),
            "/v3/apply4sub/sub_merchants/1900000109/application/APP%201"
        );
        assert_eq!(
            spec.query_pairs(),
            [("account_number_rule".to_owned(), "ACCOUNT_NUMBER_RULE_MASK_V2".to_owned())]
        );
        assert!(QuerySettlement::new("").build(&mut ctx).is_err());
    }
}
