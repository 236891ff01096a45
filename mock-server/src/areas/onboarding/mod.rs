//! What the onboarding areas ([`super::applyment`], [`super::media`], [`super::settlement`])
//! share: the applyment state machine ([`machine`]), the production-like validation of a
//! submitted application ([`rules`]) and sensitive-member decryption ([`sensitive`]).

pub(crate) mod machine;
pub(crate) mod rules;
pub(crate) mod sensitive;
