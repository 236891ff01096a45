//! Funds accounts of the platform and its sub-merchants.
//!
//! [`AccountType`] names an account (withdrawals, balance queries, fund-flow bills, the two
//! sides of an advance return); [`FundsAccount`] names the balance a refund or a subsidy
//! return is taken from.

open_enum! {
    /// A platform or sub-merchant funds account (账户类型).
    ///
    /// Endpoints accept subsets: platform balances and withdrawals take `BASIC`, `OPERATION`
    /// and `FEES`; sub-merchant balances also `DEPOSIT`; the e-commerce fund-flow bill only
    /// `ALL`; advance returns report `BASIC` or `OPERATION`.
    pub enum AccountType {
        /// Basic account (基本账户).
        Basic = "BASIC",
        /// Operation account (运营账户).
        Operation = "OPERATION",
        /// Fees account (手续费账户).
        Fees = "FEES",
        /// Deposit account (保证金账户).
        Deposit = "DEPOSIT",
        /// All accounts; e-commerce fund-flow bill queries only (所有账户).
        All = "ALL",
    }
}

open_enum! {
    /// The funds a refund or subsidy return is taken from (资金账户 / 出资账户类型).
    ///
    /// Requests take `AVAILABLE` or `UNAVAILABLE` (`amount.from[].account`, and `AVAILABLE`
    /// alone for `funds_account`); refund queries may report any value.
    pub enum FundsAccount {
        /// Unsettled funds (未结算资金).
        Unsettled = "UNSETTLED",
        /// Available balance (可用余额).
        Available = "AVAILABLE",
        /// Unavailable (frozen) balance (不可用余额).
        Unavailable = "UNAVAILABLE",
        /// Operation account (运营账户).
        Operation = "OPERATION",
        /// Basic account, available and unavailable balance together (基本账户(含可用和不可用余额)).
        Basic = "BASIC",
        /// e-CNY basic account (数字人民币基本账户).
        EcnyBasic = "ECNY_BASIC",
    }
}
