//! [`Call`]: one prepared API call, sent with `.send().await` or awaited directly.

use std::fmt;
use std::future::IntoFuture;

use wechatpay_transport::{BoxFuture, Error, Operation, Transport};

/// One API call, made by [`Combine`](crate::Combine) and [`Partner`](crate::Partner): the
/// typed [`Operation`] and the transport that will execute it.
///
/// Nothing is sent until [`send`](Self::send) is awaited (or the call itself: it is
/// [`IntoFuture`]). The operation is public ([`operation`](Self::operation)), so the same
/// request can also go through [`Transport::execute`] directly.
///
/// ```no_run
/// # async fn run(transport: wechatpay_transport::Transport) -> Result<(), wechatpay_transport::Error> {
/// use wechatpay_payments::Combine;
/// let combine = Combine::new(transport);
/// let order = combine.query("P20260101000001").send().await?;
/// let again = combine.query("P20260101000001").await?; // the same
/// # let _ = (order, again); Ok(()) }
/// ```
#[must_use = "a call does nothing until it is sent"]
pub struct Call<Op: Operation, T = <Op as Operation>::Output> {
    transport: Transport,
    op: Op,
    finish: fn(&Op, Op::Output) -> T,
}

impl<Op: Operation + fmt::Debug, T> fmt::Debug for Call<Op, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call").field("op", &self.op).finish_non_exhaustive()
    }
}

impl<Op: Operation> Call<Op> {
    /// A call answering the operation's own output.
    pub(crate) fn new(transport: &Transport, op: Op) -> Self {
        Self { transport: transport.clone(), op, finish: |_, out| out }
    }
}

impl<Op: Operation, T> Call<Op, T> {
    /// A call whose answer is turned into `T` with the operation at hand (e.g. to attach the
    /// appid a prepay was made for).
    pub(crate) fn with_finish(
        transport: &Transport,
        op: Op,
        finish: fn(&Op, Op::Output) -> T,
    ) -> Self {
        Self { transport: transport.clone(), op, finish }
    }

    /// The typed operation this call executes.
    pub fn operation(&self) -> &Op {
        &self.op
    }

    /// The typed operation, for [`Transport::execute`] elsewhere.
    pub fn into_operation(self) -> Op {
        self.op
    }

    /// Checks, signs, sends, verifies and decodes.
    ///
    /// # Errors
    /// [`Error::Build`] when a client-side check fails (nothing is sent);
    /// [`Error::Api`] with WeChat Pay's code (`ORDER_NOT_EXIST`, `OUT_TRADE_NO_USED` …);
    /// otherwise as [`Transport::execute`].
    pub async fn send(self) -> Result<T, Error> {
        let out = self.transport.execute(&self.op).await?;
        Ok((self.finish)(&self.op, out))
    }
}

impl<Op, T> IntoFuture for Call<Op, T>
where
    Op: Operation + 'static,
    T: Send + 'static,
{
    type Output = Result<T, Error>;
    type IntoFuture = BoxFuture<'static, Result<T, Error>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
