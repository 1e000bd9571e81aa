//! JWT authentication: who the bearer of a token is, and their roles.
//!
//! Keys come from configuration only ([`AuthConfig`]): an HS256 shared
//! secret and/or the public keys of a JWKS (an OIDC provider's, picked by
//! `kid`). The accepted algorithms are pinned by configuration, never taken
//! from the token; `exp` and `sub` are required, `nbf` is checked, `iss` and
//! `aud` are required and checked when configured.
//!
//! The HTTP layer extracts the token with [`bearer_token`], calls
//! [`Verifier::verify`] and answers an [`AuthError`] with its message
//! (always safe to show) and the code `UNAUTHENTICATED`.
//!
//! One job per file: `role` (who a token names), `bearer` (the
//! `Authorization` header), `token_header` (the JOSE header read before
//! verification), `keys` (accepted algorithms, the JWKS key of a token),
//! `verifier` (signature and claims), `claims` (the roles claim),
//! `jwks` (fetching and caching key sets), `jwks_cache` (`JWT_JWKS_CACHE`), `error` (safe messages),
//! `mint` (HS256 tokens for development) and [`dev`].

mod bearer;
mod claims;
pub mod config;
pub mod dev;
mod error;
mod jwks;
mod jwks_cache;
mod keys;
mod mint;
mod role;
#[cfg(test)]
mod testing;
mod token_header;
mod verifier;

pub use bearer::bearer_token;
pub use config::AuthConfig;
pub use error::{AuthError, AuthSetupError};
pub use mint::mint_hs256;
pub use role::{Role, User};
pub use verifier::Verifier;

/// The `jsonwebtoken` crate this module is built on, for tests and tools
/// that sign tokens of their own.
pub use jsonwebtoken as jwt;
