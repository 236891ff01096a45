//! Promotions (coupons and discounts) reported on payments and refunds.

open_enum! {
    /// What a promotion applies to (优惠范围).
    pub enum PromotionScope {
        /// Whole-order coupon (全场代金券).
        Global = "GLOBAL",
        /// Single-goods discount (单品优惠).
        Single = "SINGLE",
    }
}
