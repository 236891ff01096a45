//! [`Verified`]: a callback whose signature checked out and whose resource decrypted.

use wechatpay_models::notify::{EventType, Notification};
use wechatpay_models::time::DateTime;

/// A callback that passed verification, with its decrypted resource `T`
/// ([`Event`](crate::Event) from [`NotifyParser::parse`](crate::NotifyParser::parse), your own
/// type from [`NotifyParser::parse_as`](crate::NotifyParser::parse_as)).
///
/// There is no public constructor: holding a `Verified` means the signature was checked against
/// a trusted key within the time window and the resource decrypted under the APIv3 key.
/// It can be taken apart ([`Verified::into_resource`], [`Verified::into_parts`]) but not put
/// back together.
///
/// Code outside this crate cannot forge one, neither from parts:
///
/// ```compile_fail
/// # use wechatpay_notify::Verified;
/// # fn forge(envelope: wechatpay_models::notify::Notification) {
/// let forged = Verified::new(envelope, None, ()); // private to the parser
/// # }
/// ```
///
/// nor with a struct literal:
///
/// ```compile_fail
/// # use wechatpay_notify::Verified;
/// # fn forge(envelope: wechatpay_models::notify::Notification) {
/// let forged = Verified { envelope, request_id: None, resource: () }; // private fields
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct Verified<T> {
    envelope: Notification,
    request_id: Option<String>,
    resource: T,
}

impl<T> Verified<T> {
    /// Only the parser builds these, after verifying and decrypting.
    pub(crate) fn new(envelope: Notification, request_id: Option<String>, resource: T) -> Self {
        Self { envelope, request_id, resource }
    }

    /// The notification id (通知ID). WeChat Pay may deliver one notification several times;
    /// use it (or the resource's own ids) to handle each once.
    pub fn id(&self) -> &str {
        &self.envelope.id
    }

    /// When WeChat Pay created the notification (通知创建时间).
    pub fn create_time(&self) -> DateTime {
        self.envelope.create_time
    }

    /// The event type (通知类型).
    pub fn event_type(&self) -> &EventType {
        &self.envelope.event_type
    }

    /// The human summary, e.g. 支付成功 (回调摘要).
    pub fn summary(&self) -> &str {
        &self.envelope.summary
    }

    /// The `Request-ID` header of this delivery, if sent. It is not covered by the signature.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }

    /// The envelope as received, including the still-encrypted resource and its
    /// `original_type` and `associated_data`.
    pub fn envelope(&self) -> &Notification {
        &self.envelope
    }

    /// The decrypted resource.
    pub fn resource(&self) -> &T {
        &self.resource
    }

    /// The decrypted resource, dropping the envelope.
    pub fn into_resource(self) -> T {
        self.resource
    }

    /// The envelope and the decrypted resource.
    pub fn into_parts(self) -> (Notification, T) {
        (self.envelope, self.resource)
    }
}
