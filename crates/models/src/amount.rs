//! Money: amounts and currencies.
//!
//! WeChat Pay writes every amount as an integer number of fen (分, 1/100 CNY). Amount fields
//! in this crate are `i64` and keep WeChat Pay's member names (`total`, `payer_total`,
//! `refund`, …): WeChat Pay uses int64, and some ledger-style responses carry negative values.

open_enum! {
    /// A currency code (货币类型). 平台收付通 settles in CNY only, the default.
    #[derive(Default)]
    pub enum Currency {
        /// Chinese yuan, amounts in fen (人民币).
        #[default]
        Cny = "CNY",
    }
}
