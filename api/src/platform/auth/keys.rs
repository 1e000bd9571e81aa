//! Which algorithms and keys verify tokens: the accepted algorithms from
//! configuration, the JWKS URL check, and the JWKS key that fits a token.

use std::{str::FromStr, sync::Arc};

use jsonwebtoken::{Algorithm, AlgorithmFamily};

use super::{
    config::AuthConfig,
    error::{AuthError, AuthSetupError},
    jwks,
};

/// Algorithms accepted by default with a JWKS.
const DEFAULT_JWKS_ALGORITHMS: [Algorithm; 3] =
    [Algorithm::RS256, Algorithm::ES256, Algorithm::EdDSA];

/// The accepted algorithms: `JWT_ALGORITHMS`, or the defaults for the
/// configured keys. Each must have its key.
pub(super) fn algorithms(config: &AuthConfig) -> Result<Vec<Algorithm>, AuthSetupError> {
    let has_secret = config.secret().is_some();
    let has_jwks = config.jwks_url().is_some() || config.jwks_file().is_some();
    let mut algorithms = Vec::new();
    for name in config
        .jwt_algorithms
        .iter()
        .map(|name| name.trim())
        .filter(|name| !name.is_empty())
    {
        let alg = Algorithm::from_str(name).map_err(|_| {
            AuthSetupError(format!(
                "JWT_ALGORITHMS: {name:?} is not a supported algorithm \
                 (HS256, HS384, HS512, RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, EdDSA)"
            ))
        })?;
        let needs = match alg.family() {
            AlgorithmFamily::Hmac if !has_secret => Some("JWT_SECRET"),
            AlgorithmFamily::Hmac => None,
            _ if !has_jwks => Some("JWT_JWKS_URL or JWT_JWKS_FILE"),
            _ => None,
        };
        if let Some(needs) = needs {
            return Err(AuthSetupError(format!(
                "JWT_ALGORITHMS includes {name}, which needs {needs}"
            )));
        }
        if !algorithms.contains(&alg) {
            algorithms.push(alg);
        }
    }
    if algorithms.is_empty() {
        if has_secret {
            algorithms.push(Algorithm::HS256);
        }
        if has_jwks {
            algorithms.extend(DEFAULT_JWKS_ALGORITHMS);
        }
    }
    Ok(algorithms)
}

/// JWKS over plain HTTP is only for a provider on this machine; elsewhere it
/// is refused in production (anyone on the path could swap the keys).
pub(super) fn check_jwks_url(url: &str, production: bool) -> Result<(), AuthSetupError> {
    let parsed = reqwest::Url::parse(url)
        .map_err(|err| AuthSetupError(format!("JWT_JWKS_URL is not a URL: {err}")))?;
    match parsed.scheme() {
        "https" => Ok(()),
        "http" => {
            let loopback = parsed.host_str().is_some_and(|host| {
                let host = host.trim_start_matches('[').trim_end_matches(']');
                host.eq_ignore_ascii_case("localhost")
                    || host
                        .parse::<std::net::IpAddr>()
                        .is_ok_and(|ip| ip.is_loopback())
            });
            if loopback {
                Ok(())
            } else if production {
                Err(AuthSetupError(
                    "JWT_JWKS_URL must use https in production".to_owned(),
                ))
            } else {
                tracing::warn!("JWT_JWKS_URL uses plain http: refused in production");
                Ok(())
            }
        }
        scheme => Err(AuthSetupError(format!(
            "JWT_JWKS_URL must be an https URL, not {scheme}"
        ))),
    }
}

/// The JWKS key for a token's `kid` and `alg`; an unknown `kid` makes the
/// JWKS be fetched again (at most once per the minimum interval).
pub(super) async fn find_key(
    source: &jwks::JwksSource,
    kid: Option<&str>,
    alg: Algorithm,
) -> Result<Arc<jwks::PublicKey>, AuthError> {
    let mut lookup = source.keys().lookup(kid, alg);
    if matches!(lookup, jwks::Lookup::Unknown) && kid.is_some() {
        lookup = source.refetch_for_unknown_kid().await.lookup(kid, alg);
    }
    match lookup {
        jwks::Lookup::Found(key) => Ok(key),
        _ if source.keys().is_empty() => Err(AuthError::new(
            "the identity provider's keys are not available yet: try again later",
        )),
        jwks::Lookup::Mismatch => Err(AuthError::new(format!(
            "token algorithm {alg:?} does not match its key"
        ))),
        jwks::Lookup::Unknown if kid.is_some() => Err(AuthError::new("token key (kid) is unknown")),
        jwks::Lookup::Unknown => Err(AuthError::new(
            "token has no kid (key id) and no key fits it",
        )),
        jwks::Lookup::Ambiguous => Err(AuthError::new(
            "token has no kid (key id) and several keys could have signed it",
        )),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;
    use crate::platform::auth::testing::{SECRET, config};

    #[test]
    fn default_algorithms_follow_the_keys() {
        let names = |config: AuthConfig| -> Vec<Algorithm> { algorithms(&config).unwrap() };
        assert_eq!(names(config()), vec![Algorithm::HS256]);
        let jwks = AuthConfig {
            jwt_jwks_file: Some("jwks.json".into()),
            ..AuthConfig::default()
        };
        assert_eq!(names(jwks.clone()), DEFAULT_JWKS_ALGORITHMS.to_vec());
        let both = AuthConfig {
            jwt_secret: Some(SECRET.into()),
            ..jwks.clone()
        };
        assert_eq!(names(both).len(), 4);
        let pinned = AuthConfig {
            jwt_algorithms: vec![" ES256".into(), "ES256".into(), "".into()],
            ..jwks
        };
        assert_eq!(names(pinned), vec![Algorithm::ES256]);
        assert!(names(AuthConfig::default()).is_empty());
    }
}
