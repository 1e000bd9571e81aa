//! Why a token is refused or authentication cannot start, and the safe
//! message for each way `jsonwebtoken` can fail: messages never echo what
//! the client sent beyond an algorithm name.

use jsonwebtoken::errors::ErrorKind;
use serde_json::{Map, Value};

/// Why a token was refused. The message is safe to show to the client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthError(pub String);

impl AuthError {
    pub(super) fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }

    /// The message, safe to show to the client.
    pub fn message(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for AuthError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for AuthError {}

/// Why authentication could not be set up at start.
#[derive(Debug)]
pub struct AuthSetupError(pub String);

impl std::fmt::Display for AuthSetupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for AuthSetupError {}

/// "token algorithm X is not accepted", naming X only when it looks like an
/// algorithm name (the header is the client's text).
pub(super) fn not_accepted(alg: &str) -> AuthError {
    if !alg.is_empty() && alg.len() <= 16 && alg.chars().all(|c| c.is_ascii_alphanumeric()) {
        AuthError::new(format!("token algorithm {alg} is not accepted"))
    } else {
        AuthError::new("token algorithm is not accepted")
    }
}

/// "token has no X claim" for the first of `required` that the (verified)
/// token lacks, as the library reads claims: `exp` a number, the others a
/// string (or, for `iss` and `aud`, an array).
pub(super) fn first_missing_claim(token: &str, required: &[&str]) -> Option<String> {
    let claims: Map<String, Value> = jsonwebtoken::dangerous::insecure_decode_claims(token).ok()?;
    required
        .iter()
        .find(|&&name| {
            let present = match (name, claims.get(name)) {
                ("exp", Some(value)) => value.is_number(),
                ("iss" | "aud", Some(value)) => value.is_string() || value.is_array(),
                (_, Some(value)) => value.is_string(),
                (_, None) => false,
            };
            !present
        })
        .map(|name| format!("token has no {name} claim"))
}

/// A safe message for a failed verification.
pub(super) fn verification_error(err: jsonwebtoken::errors::Error) -> AuthError {
    let message = match err.kind() {
        ErrorKind::ExpiredSignature => "token expired",
        ErrorKind::ImmatureSignature => "token is not valid yet (nbf)",
        ErrorKind::InvalidSignature => "token signature is invalid",
        ErrorKind::InvalidIssuer => "token issuer is not accepted",
        ErrorKind::InvalidAudience => "token audience is not accepted",
        ErrorKind::InvalidSubject => "token subject is not accepted",
        ErrorKind::MissingRequiredClaim(claim) => match claim.as_str() {
            "exp" => "token has no exp claim",
            "sub" => "token has no sub claim",
            "iss" => "token has no iss claim",
            "aud" => "token has no aud claim",
            "nbf" => "token has no nbf claim",
            _ => "token lacks a required claim",
        },
        ErrorKind::InvalidClaimFormat(claim) => match claim.as_str() {
            "exp" => "token exp claim is malformed",
            "nbf" => "token nbf claim is malformed",
            _ => "token has a malformed claim",
        },
        ErrorKind::InvalidAlgorithm
        | ErrorKind::MissingAlgorithm
        | ErrorKind::InvalidAlgorithmName
        | ErrorKind::UnsupportedAlgorithm => "token algorithm does not match its key",
        ErrorKind::InvalidToken
        | ErrorKind::Base64(_)
        | ErrorKind::Json(_)
        | ErrorKind::Utf8(_) => "token is malformed",
        ErrorKind::InvalidEcdsaKey
        | ErrorKind::InvalidEddsaKey
        | ErrorKind::InvalidRsaKey(_)
        | ErrorKind::InvalidKeyFormat => {
            tracing::warn!(%err, "a configured JWT key cannot verify tokens");
            "token cannot be verified with its key"
        }
        _ => "token is invalid",
    };
    AuthError::new(message)
}
