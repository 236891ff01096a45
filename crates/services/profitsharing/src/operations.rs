//! The typed profit-sharing operations and the [`ProfitSharing`] handle that runs them.

use wechatpay_models::profitsharing::{
    AddReceiverRequest, CreateOrderRequest, CreateReturnOrderRequest, DeleteReceiverRequest,
    FinishOrderRequest, FinishOrderResponse, ProfitSharingOrder, ReceiverResponse, ReturnOrder,
    ReturnOrderParams, UnsplitAmount,
};
use wechatpay_transport::{
    path, BuildContext, BuildError, Error, Operation, RequestSpec, Transport,
};

use crate::validate;

/// `POST /v3/ecommerce/profitsharing/orders` (请求分账): checks the split, encrypts each
/// receiver's `receiver_name` (the only sensitive member) and sends it with
/// `Wechatpay-Serial`. Idempotent by `out_order_no`.
#[derive(Clone, Copy, Debug)]
pub struct CreateOrder<'a> {
    request: &'a CreateOrderRequest,
}

impl<'a> CreateOrder<'a> {
    /// The operation for `request`, whose receiver names hold plaintext.
    pub fn new(request: &'a CreateOrderRequest) -> Self {
        Self { request }
    }
}

impl Operation for CreateOrder<'_> {
    type Output = ProfitSharingOrder;

    fn build(&self, ctx: &mut BuildContext<'_>) -> Result<RequestSpec, BuildError> {
        validate::create_order(self.request)?;
        // The model's SENSITIVE_FIELDS list (receivers' names) drives the encryption.
        let body = ctx.encrypt_sensitive(self.request)?;
        Ok(RequestSpec::post("/v3/ecommerce/profitsharing/orders").json(&body)?.idempotent())
    }
}

/// `GET /v3/ecommerce/profitsharing/orders?sub_mchid=&transaction_id=&out_order_no=` (查询分账结果).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueryOrder<'a> {
    sub_mchid: &'a str,
    transaction_id: &'a str,
    out_order_no: &'a str,
}

impl<'a> QueryOrder<'a> {
    /// The split `out_order_no` of order `transaction_id` of `sub_mchid`.
    pub fn new(sub_mchid: &'a str, transaction_id: &'a str, out_order_no: &'a str) -> Self {
        Self { sub_mchid, transaction_id, out_order_no }
    }
}

impl Operation for QueryOrder<'_> {
    type Output = ProfitSharingOrder;

    fn build(&self, _ctx: &mut BuildContext<'_>) -> Result<RequestSpec, BuildError> {
        validate::text("sub_mchid", self.sub_mchid, 32)?;
        validate::text("transaction_id", self.transaction_id, 32)?;
        validate::out_no("out_order_no", self.out_order_no)?;
        Ok(RequestSpec::get("/v3/ecommerce/profitsharing/orders")
            .query("sub_mchid", self.sub_mchid)
            .query("transaction_id", self.transaction_id)
            .query("out_order_no", self.out_order_no))
    }
}

/// `POST /v3/ecommerce/profitsharing/returnorders` (请求分账回退). Idempotent by
/// `out_return_no`.
#[derive(Clone, Copy, Debug)]
pub struct CreateReturn<'a> {
    request: &'a CreateReturnOrderRequest,
}

impl<'a> CreateReturn<'a> {
    /// The operation for `request`.
    pub fn new(request: &'a CreateReturnOrderRequest) -> Self {
        Self { request }
    }
}

impl Operation for CreateReturn<'_> {
    type Output = ReturnOrder;

    fn build(&self, _ctx: &mut BuildContext<'_>) -> Result<RequestSpec, BuildError> {
        validate::create_return(self.request)?;
        Ok(RequestSpec::post("/v3/ecommerce/profitsharing/returnorders")
            .json(self.request)?
            .idempotent())
    }
}

/// `GET /v3/ecommerce/profitsharing/returnorders?…` (查询分账回退结果).
#[derive(Clone, Copy, Debug)]
pub struct QueryReturn<'a> {
    params: &'a ReturnOrderParams,
}

impl<'a> QueryReturn<'a> {
    /// The query `params` describe (`order_id` or `out_order_no`, and `out_return_no`).
    pub fn new(params: &'a ReturnOrderParams) -> Self {
        Self { params }
    }
}

impl Operation for QueryReturn<'_> {
    type Output = ReturnOrder;

    fn build(&self, _ctx: &mut BuildContext<'_>) -> Result<RequestSpec, BuildError> {
        let p = self.params;
        validate::text("sub_mchid", &p.sub_mchid, 32)?;
        if p.order_id.is_none() && p.out_order_no.is_none() {
            return Err(BuildError::invalid("order_id", "give order_id or out_order_no"));
        }
        validate::out_no("out_return_no", &p.out_return_no)?;
        Ok(RequestSpec::get("/v3/ecommerce/profitsharing/returnorders")
            .query("sub_mchid", &p.sub_mchid)
            .query_opt("order_id", p.order_id.as_deref())
            .query_opt("out_order_no", p.out_order_no.as_deref())
            .query("out_return_no", &p.out_return_no))
    }
}

/// `POST /v3/ecommerce/profitsharing/finish-order` (完结分账): unfreezes what is left of the
/// order to the sub-merchant. Idempotent by `out_order_no`.
#[derive(Clone, Copy, Debug)]
pub struct FinishOrder<'a> {
    request: &'a FinishOrderRequest,
}

impl<'a> FinishOrder<'a> {
    /// The operation for `request`.
    pub fn new(request: &'a FinishOrderRequest) -> Self {
        Self { request }
    }
}

impl Operation for FinishOrder<'_> {
    type Output = FinishOrderResponse;

    fn build(&self, _ctx: &mut BuildContext<'_>) -> Result<RequestSpec, BuildError> {
        validate::finish_order(self.request)?;
        Ok(RequestSpec::post("/v3/ecommerce/profitsharing/finish-order")
            .json(self.request)?
            .idempotent())
    }
}

/// `GET /v3/ecommerce/profitsharing/orders/{transaction_id}/amounts` (查询订单剩余待分金额).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueryAmounts<'a> {
    transaction_id: &'a str,
}

impl<'a> QueryAmounts<'a> {
    /// What is left to split of order `transaction_id`.
    pub fn new(transaction_id: &'a str) -> Self {
        Self { transaction_id }
    }
}

impl Operation for QueryAmounts<'_> {
    type Output = UnsplitAmount;

    fn build(&self, _ctx: &mut BuildContext<'_>) -> Result<RequestSpec, BuildError> {
        validate::text("transaction_id", self.transaction_id, 32)?;
        Ok(RequestSpec::get(path![
            "v3/ecommerce/profitsharing/orders",
            self.transaction_id,
            "amounts"
        ]))
    }
}

/// `POST /v3/ecommerce/profitsharing/receivers/add` (添加分账接收方): encrypts
/// `encrypted_name` (given in plaintext) and sends it with `Wechatpay-Serial`. Adding the same
/// receiver again is harmless, so it is retried.
#[derive(Clone, Copy, Debug)]
pub struct AddReceiver<'a> {
    request: &'a AddReceiverRequest,
}

impl<'a> AddReceiver<'a> {
    /// The operation for `request`, whose `encrypted_name` holds plaintext.
    pub fn new(request: &'a AddReceiverRequest) -> Self {
        Self { request }
    }
}

impl Operation for AddReceiver<'_> {
    type Output = ReceiverResponse;

    fn build(&self, ctx: &mut BuildContext<'_>) -> Result<RequestSpec, BuildError> {
        validate::add_receiver(self.request)?;
        let body = ctx.encrypt_sensitive(self.request)?;
        Ok(RequestSpec::post("/v3/ecommerce/profitsharing/receivers/add").json(&body)?.idempotent())
    }
}

/// `POST /v3/ecommerce/profitsharing/receivers/delete` (删除分账接收方).
#[derive(Clone, Copy, Debug)]
pub struct DeleteReceiver<'a> {
    request: &'a DeleteReceiverRequest,
}

impl<'a> DeleteReceiver<'a> {
    /// The operation for `request`.
    pub fn new(request: &'a DeleteReceiverRequest) -> Self {
        Self { request }
    }
}

impl Operation for DeleteReceiver<'_> {
    type Output = ReceiverResponse;

    fn build(&self, _ctx: &mut BuildContext<'_>) -> Result<RequestSpec, BuildError> {
        validate::delete_receiver(self.request)?;
        Ok(RequestSpec::post("/v3/ecommerce/profitsharing/receivers/delete")
            .json(self.request)?
            .idempotent())
    }
}

/// Profit sharing (分账) through one [`Transport`] (signed as the platform). Cheap to clone.
///
/// ```no_run
/// # async fn run(transport: wechatpay_transport::Transport, split: wechatpay_profitsharing::CreateOrderRequest)
/// # -> Result<(), wechatpay_transport::Error> {
/// use wechatpay_profitsharing::{FinishOrderRequest, ProfitSharing};
///
/// let sharing = ProfitSharing::new(transport);
/// let order = sharing.create_order(&split).await?;
/// let left = sharing.query_amounts(&order.transaction_id).await?;
/// println!("{} fen still frozen", left.unsplit_amount);
/// sharing
///     .finish(&FinishOrderRequest {
///         sub_mchid: order.sub_mchid.clone(),
///         transaction_id: order.transaction_id.clone(),
///         out_order_no: format!("{}-F", order.out_order_no),
///         description: "分账完结".into(),
///         notify_url: None,
///     })
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct ProfitSharing {
    transport: Transport,
}

impl ProfitSharing {
    /// Profit sharing sent through `transport`.
    pub fn new(transport: Transport) -> Self {
        Self { transport }
    }

    /// Splits frozen funds of a paid order to receivers; with `finish = true` the rest is
    /// unfrozen to the sub-merchant in the same request.
    ///
    /// # Errors
    /// [`Error::Build`] for a failed client-side check ([`validate::create_order`]) or when no
    /// WeChat Pay key is available to encrypt a name; [`Error::Api`] with
    /// `RESOURCE_NOT_EXISTS` (no such paid order), `INVALID_REQUEST` (not paid with
    /// profit sharing, already finished or unfrozen, a receiver not added, the same
    /// `out_order_no` with other content, 50 splits reached), `RULE_LIMIT` (over the maximum
    /// ratio, 30 % by default), `NOT_ENOUGH` (more than is left frozen); others as
    /// [`Transport::execute`].
    pub async fn create_order(
        &self,
        request: &CreateOrderRequest,
    ) -> Result<ProfitSharingOrder, Error> {
        self.transport.execute(&CreateOrder::new(request)).await
    }

    /// A split (or finish) by its `out_order_no`.
    ///
    /// # Errors
    /// [`Error::Api`] with `RESOURCE_NOT_EXISTS` for an unknown split; others as
    /// [`Transport::execute`].
    pub async fn query_order(
        &self,
        sub_mchid: &str,
        transaction_id: &str,
        out_order_no: &str,
    ) -> Result<ProfitSharingOrder, Error> {
        self.transport.execute(&QueryOrder::new(sub_mchid, transaction_id, out_order_no)).await
    }

    /// Takes (part of) a split back from a merchant receiver.
    ///
    /// # Errors
    /// [`Error::Api`] with `RESOURCE_NOT_EXISTS` (no such split), `INVALID_REQUEST` (a
    /// personal receiver, more than was split to it, the same `out_return_no` with other
    /// content), `NOT_ENOUGH` (the receiver's available balance is short); others as
    /// [`Transport::execute`].
    pub async fn create_return(
        &self,
        request: &CreateReturnOrderRequest,
    ) -> Result<ReturnOrder, Error> {
        self.transport.execute(&CreateReturn::new(request)).await
    }

    /// A return by its `out_return_no`.
    ///
    /// # Errors
    /// [`Error::Api`] with `RESOURCE_NOT_EXISTS`; others as [`Transport::execute`].
    pub async fn query_return(&self, params: &ReturnOrderParams) -> Result<ReturnOrder, Error> {
        self.transport.execute(&QueryReturn::new(params)).await
    }

    /// Ends profit sharing of an order: whatever is still frozen goes to the sub-merchant's
    /// available balance, and the order cannot be split again.
    ///
    /// # Errors
    /// [`Error::Api`] with `RESOURCE_NOT_EXISTS`, `INVALID_REQUEST` (not paid with profit
    /// sharing, already finished); others as [`Transport::execute`].
    pub async fn finish(&self, request: &FinishOrderRequest) -> Result<FinishOrderResponse, Error> {
        self.transport.execute(&FinishOrder::new(request)).await
    }

    /// What is left to split of an order (0 once finished or unfrozen).
    ///
    /// # Errors
    /// [`Error::Api`] with `RESOURCE_NOT_EXISTS`; others as [`Transport::execute`].
    pub async fn query_amounts(&self, transaction_id: &str) -> Result<UnsplitAmount, Error> {
        self.transport.execute(&QueryAmounts::new(transaction_id)).await
    }

    /// Adds a receiver the platform's sub-merchants can split to.
    ///
    /// # Errors
    /// [`Error::Build`] for a failed check or no encryption key; [`Error::Api`] with
    /// `PARAM_ERROR` / `INVALID_REQUEST`; others as [`Transport::execute`].
    pub async fn add_receiver(
        &self,
        request: &AddReceiverRequest,
    ) -> Result<ReceiverResponse, Error> {
        self.transport.execute(&AddReceiver::new(request)).await
    }

    /// Removes a receiver (removing one that is not there answers the same, so the call is
    /// retried like the others).
    ///
    /// # Errors
    /// [`Error::Api`] with `PARAM_ERROR` / `INVALID_REQUEST`; others as [`Transport::execute`].
    pub async fn delete_receiver(
        &self,
        request: &DeleteReceiverRequest,
    ) -> Result<ReceiverResponse, Error> {
        self.transport.execute(&DeleteReceiver::new(request)).await
    }

    /// The transport used.
    pub fn transport(&self) -> &Transport {
        &self.transport
    }
}

#[cfg(test)]
mod tests {
    use wechatpay_crypto::{PrivateKey, Verifier, WechatPayPublicKey};
    use wechatpay_models::profitsharing::{ReceiverType, RelationType};
    use wechatpay_transport::RequestBody;

    use super::*;
    use crate::validate::tests::split;

    const PUB_KEY: &str = include_str!("../../../../fixtures/vectors/keys/pub_key.pem");
    const PUB_PRIV: &str = include_str!("../../../../fixtures/vectors/keys/pub_key_private.pem");
    const PUB_ID: &str = "PUB_KEY_ID_0119000001002025010100000001";

    fn verifier() -> Verifier {
        let mut v = Verifier::new();
        v.add_public_key(WechatPayPublicKey::from_pem(PUB_ID, PUB_KEY).unwrap());
        v
    }

    fn body(spec: &RequestSpec) -> serde_json::Value {
        let RequestBody::Json(b) = spec.body() else { panic!("json body") };
        serde_json::from_slice(b).unwrap()
    }

    // Proves a split encrypts exactly the receivers' names (decryptable with the WeChat Pay
    // key), records the serial, leaves everything else as given, and is idempotent.
    #[test]
    fn split_encrypts_receiver_names_only() {
        let verifier = verifier();
        let mut ctx = BuildContext::new(&verifier, 1_767_232_800);
        let req = split();
        let spec = CreateOrder::new(&req).build(&mut ctx).unwrap();
        assert!(spec.is_idempotent());
        assert_eq!(ctx.encryption_serial().unwrap().as_str(), PUB_ID);
        let sent = body(&spec);
        assert!(sent["receivers"][0].get("receiver_name").is_none());
        let cipher = sent["receivers"][1]["receiver_name"].as_str().unwrap();
        assert_ne!(cipher, "张三");
        let key = PrivateKey::from_pem(PUB_PRIV).unwrap();
        assert_eq!(key.decrypt_field(cipher).unwrap().as_str(), "张三");
        assert_eq!(sent["receivers"][1]["receiver_account"], "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o");
        assert_eq!(sent["receivers"][0]["amount"], 10);
    }

    // Proves a new receiver's name is encrypted and a split without names needs no key.
    #[test]
    fn add_receiver_encrypts_name_and_plain_split_needs_no_key() {
        let verifier = verifier();
        let mut ctx = BuildContext::new(&verifier, 1_767_232_800);
        let req = AddReceiverRequest {
            appid: "wx8888888888888888".into(),
            r#type: ReceiverType::PersonalOpenid,
            account: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o".into(),
            name: None,
            relation_type: RelationType::Distributor,
            encrypted_name: Some("李四".into()),
        };
        let sent = body(&AddReceiver::new(&req).build(&mut ctx).unwrap());
        let key = PrivateKey::from_pem(PUB_PRIV).unwrap();
        let name = sent["encrypted_name"].as_str().unwrap();
        assert_eq!(key.decrypt_field(name).unwrap().as_str(), "李四");

        let empty = Verifier::new();
        let mut no_key = BuildContext::new(&empty, 0);
        let mut plain = split();
        plain.receivers.truncate(1);
        CreateOrder::new(&plain).build(&mut no_key).unwrap();
        assert!(no_key.encryption_serial().is_none());
        assert!(CreateOrder::new(&split()).build(&mut no_key).is_err(), "a name needs a key");
    }

    // Proves the queries build their documented paths and query strings.
    #[test]
    fn queries_build_documented_requests() {
        let verifier = Verifier::new();
        let mut ctx = BuildContext::new(&verifier, 0);
        let spec = QueryOrder::new("1900000109", "4200", "P1").build(&mut ctx).unwrap();
        assert_eq!(spec.path().as_str(), "/v3/ecommerce/profitsharing/orders");
        assert_eq!(spec.query_pairs().len(), 3);
        let spec = QueryAmounts::new("4200").build(&mut ctx).unwrap();
        assert_eq!(spec.path().as_str(), "/v3/ecommerce/profitsharing/orders/4200/amounts");
        let params = ReturnOrderParams {
            sub_mchid: "1900000109".into(),
            order_id: None,
            out_order_no: Some("P1".into()),
            out_return_no: "RT1".into(),
        };
        let spec = QueryReturn::new(&params).build(&mut ctx).unwrap();
        assert_eq!(
            spec.query_pairs().iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(),
            ["sub_mchid", "out_order_no", "out_return_no"]
        );
        let neither = ReturnOrderParams { out_order_no: None, ..params };
        assert!(QueryReturn::new(&neither).build(&mut ctx).is_err());
    }
}
