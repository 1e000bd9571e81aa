//! Minting HS256 tokens for development and tests (`toasoan token`).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::Map;

use super::{error::AuthSetupError, role::Role};

/// Mints an HS256 token (development and tests): `sub`, `roles`, `iat`,
/// `nbf`, `exp` = now + `ttl`, and `iss`/`aud` when given.
pub fn mint_hs256(
    secret: &str,
    sub: &str,
    roles: &[Role],
    ttl: Duration,
    issuer: Option<&str>,
    audience: Option<&str>,
) -> Result<String, AuthSetupError> {
    if secret.is_empty() {
        return Err(AuthSetupError(
            "cannot mint a token: JWT_SECRET is not set".to_owned(),
        ));
    }
    if sub.trim().is_empty() {
        return Err(AuthSetupError(
            "cannot mint a token: the subject is empty".to_owned(),
        ));
    }
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_err(|_| AuthSetupError("the system clock is before 1970".to_owned()))?
        .as_secs();
    let mut names: Vec<&str> = Vec::new();
    for role in roles {
        if !names.contains(&role.as_str()) {
            names.push(role.as_str());
        }
    }
    let mut claims = Map::new();
    claims.insert("sub".into(), sub.into());
    claims.insert("roles".into(), names.into());
    claims.insert("iat".into(), now.into());
    claims.insert("nbf".into(), now.into());
    claims.insert(
        "exp".into(),
        now.saturating_add(ttl.as_secs().max(1)).into(),
    );
    if let Some(issuer) = issuer {
        claims.insert("iss".into(), issuer.into());
    }
    if let Some(audience) = audience {
        claims.insert("aud".into(), audience.into());
    }
    jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(secret.as_bytes()),
    )
    .map_err(|err| AuthSetupError(format!("cannot mint a token: {err}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_an_empty_secret_or_subject() {
        let mint = |secret, sub| mint_hs256(secret, sub, &[], Duration::from_secs(60), None, None);
        assert!(mint("", "alice").unwrap_err().0.contains("JWT_SECRET"));
        assert!(mint("secret", " ").unwrap_err().0.contains("subject"));
    }
}
