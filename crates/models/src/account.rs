//! Funds accounts of the platform and its sub-merchants.
//!
//! Used by withdrawals, balance queries and fund-flow bills.

open_enum! {
    /// A platform or sub-merchant funds account (账户类型).
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
