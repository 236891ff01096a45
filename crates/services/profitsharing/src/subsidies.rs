//! Subsidies (补差): the typed operations and the [`Subsidies`] handle that runs them.

use wechatpay_models::subsidy::{
    CancelSubsidyRequest, CancelSubsidyResponse, CreateSubsidyRequest, CreateSubsidyResponse,
    ReturnSubsidyRequest, ReturnSubsidyResponse,
};
use wechatpay_transport::{BuildContext, BuildError, Error, Operation, RequestSpec, Transport};

use crate::validate;

/// `POST /v3/ecommerce/subsidies/create` (请求补差). Not retried automatically unless it
/// carries `out_subsidy_no` (WeChat Pay allows one subsidy per order, so a blind retry of an
/// unnumbered request could only fail).
#[derive(Clone, Copy, Debug)]
pub struct CreateSubsidy<'a> {
    request: &'a CreateSubsidyRequest,
}

impl<'a> CreateSubsidy<'a> {
    /// The operation for `request`.
    pub fn new(request: &'a CreateSubsidyRequest) -> Self {
        Self { request }
    }
}

impl Operation for CreateSubsidy<'_> {
    type Output = CreateSubsidyResponse;

    fn build(&self, _ctx: &mut BuildContext<'_>) -> Result<RequestSpec, BuildError> {
        validate::create_subsidy(self.request)?;
        let spec = RequestSpec::post("/v3/ecommerce/subsidies/create").json(self.request)?;
        Ok(if self.request.out_subsidy_no.is_some() { spec.idempotent() } else { spec })
    }
}

/// `POST /v3/ecommerce/subsidies/return` (请求补差回退). Idempotent by `out_order_no`.
#[derive(Clone, Copy, Debug)]
pub struct ReturnSubsidy<'a> {
    request: &'a ReturnSubsidyRequest,
}

impl<'a> ReturnSubsidy<'a> {
    /// The operation for `request`.
    pub fn new(request: &'a ReturnSubsidyRequest) -> Self {
        Self { request }
    }
}

impl Operation for ReturnSubsidy<'_> {
    type Output = ReturnSubsidyResponse;

    fn build(&self, _ctx: &mut BuildContext<'_>) -> Result<RequestSpec, BuildError> {
        validate::return_subsidy(self.request)?;
        Ok(RequestSpec::post("/v3/ecommerce/subsidies/return").json(self.request)?.idempotent())
    }
}

/// `POST /v3/ecommerce/subsidies/cancel` (取消补差). Cancelling twice answers the same, so it
/// is retried.
#[derive(Clone, Copy, Debug)]
pub struct CancelSubsidy<'a> {
    request: &'a CancelSubsidyRequest,
}

impl<'a> CancelSubsidy<'a> {
    /// The operation for `request`.
    pub fn new(request: &'a CancelSubsidyRequest) -> Self {
        Self { request }
    }
}

impl Operation for CancelSubsidy<'_> {
    type Output = CancelSubsidyResponse;

    fn build(&self, _ctx: &mut BuildContext<'_>) -> Result<RequestSpec, BuildError> {
        validate::cancel_subsidy(self.request)?;
        Ok(RequestSpec::post("/v3/ecommerce/subsidies/cancel").json(self.request)?.idempotent())
    }
}

/// Subsidies (补差) through one [`Transport`] (signed as the platform). Cheap to clone.
///
/// ```no_run
/// # async fn run(transport: wechatpay_transport::Transport) -> Result<(), wechatpay_transport::Error> {
/// use wechatpay_profitsharing::{CreateSubsidyRequest, Subsidies};
///
/// let subsidies = Subsidies::new(transport);
/// let subsidy = subsidies
///     .create(&CreateSubsidyRequest {
///         sub_mchid: "1900000109".into(),
///         transaction_id: "4200000000000000000000000001".into(),
///         amount: 200,
///         description: "满减补贴".into(),
///         out_subsidy_no: Some("S20260101000001".into()),
///     })
///     .await?;
/// println!("{}: {}", subsidy.subsidy_id, subsidy.result);
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct Subsidies {
    transport: Transport,
}

impl Subsidies {
    /// Subsidies sent through `transport`.
    pub fn new(transport: Transport) -> Self {
        Self { transport }
    }

    /// Pays a subsidy from the platform into the sub-merchant's order (before splitting it).
    ///
    /// # Errors
    /// [`Error::Build`] for a failed check; [`Error::Api`] with `RESOURCE_NOT_EXISTS` (no such
    /// paid order), `INVALID_REQUEST` (no `subsidy_amount` declared, over it, already
    /// subsidised or cancelled), `NOT_ENOUGH` (the platform's operation account is short);
    /// others as [`Transport::execute`].
    pub async fn create(
        &self,
        request: &CreateSubsidyRequest,
    ) -> Result<CreateSubsidyResponse, Error> {
        self.transport.execute(&CreateSubsidy::new(request)).await
    }

    /// Takes (part of) a subsidy back to the platform, e.g. after a refund.
    ///
    /// # Errors
    /// [`Error::Api`] with `RESOURCE_NOT_EXISTS` (no subsidy), `INVALID_REQUEST` (more than
    /// is left of the subsidy), `NOT_ENOUGH` (the sub-merchant's balance is short); others as
    /// [`Transport::execute`].
    pub async fn return_subsidy(
        &self,
        request: &ReturnSubsidyRequest,
    ) -> Result<ReturnSubsidyResponse, Error> {
        self.transport.execute(&ReturnSubsidy::new(request)).await
    }

    /// Declares that the platform will not subsidise an order.
    ///
    /// # Errors
    /// [`Error::Api`] with `RESOURCE_NOT_EXISTS`, `INVALID_REQUEST` (a subsidy was already
    /// paid); others as [`Transport::execute`].
    pub async fn cancel(
        &self,
        request: &CancelSubsidyRequest,
    ) -> Result<CancelSubsidyResponse, Error> {
        self.transport.execute(&CancelSubsidy::new(request)).await
    }

    /// The transport used.
    pub fn transport(&self) -> &Transport {
        &self.transport
    }
}

#[cfg(test)]
mod tests {
    use wechatpay_crypto::Verifier;

    use super::*;

    // Proves a subsidy is retried only when numbered, and returns / cancels always are.
    #[test]
    fn retry_only_when_deduplicated() {
        let verifier = Verifier::new();
        let mut ctx = BuildContext::new(&verifier, 0);
        let mut req = CreateSubsidyRequest {
            sub_mchid: "1900000109".into(),
            transaction_id: "4200".into(),
            amount: 1,
            description: "补差".into(),
            out_subsidy_no: None,
        };
        let spec = CreateSubsidy::new(&req).build(&mut ctx).unwrap();
        assert_eq!(spec.path().as_str(), "/v3/ecommerce/subsidies/create");
        assert!(!spec.is_idempotent());
        req.out_subsidy_no = Some("S1".into());
        assert!(CreateSubsidy::new(&req).build(&mut ctx).unwrap().is_idempotent());
        let cancel = CancelSubsidyRequest {
            sub_mchid: "1900000109".into(),
            transaction_id: "4200".into(),
            description: "不补了".into(),
        };
        let spec = CancelSubsidy::new(&cancel).build(&mut ctx).unwrap();
        assert!(spec.is_idempotent());
        assert_eq!(spec.path().as_str(), "/v3/ecommerce/subsidies/cancel");
    }
}
