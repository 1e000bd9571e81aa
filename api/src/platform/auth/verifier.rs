//! The verifier: built once from configuration, it checks a token's
//! signature, algorithm and claims and answers the [`User`] it names.

use std::{str::FromStr, sync::Arc, time::Duration};

use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey, Validation, errors::ErrorKind};
use serde_json::{Map, Value};

use super::{
    claims,
    config::AuthConfig,
    dev,
    error::{AuthError, AuthSetupError, first_missing_claim, not_accepted, verification_error},
    jwks, jwks_cache,
    keys::{algorithms, check_jwks_url, find_key},
    role::User,
    token_header::RawHeader,
};

/// Longest token accepted, in bytes.
const MAX_TOKEN_BYTES: usize = 16 * 1024;
/// Largest `JWT_LEEWAY_SECS` accepted.
const MAX_LEEWAY_SECS: u64 = 300;
/// Shortest shared secret accepted in production, in bytes.
const MIN_SECRET_BYTES: usize = 32;

/// Verifies bearer tokens against the configured keys. Cheap to clone (the
/// keys and the JWKS cache are shared).
#[derive(Clone)]
pub struct Verifier {
    inner: Arc<Inner>,
}

struct Inner {
    /// Accepted algorithms; empty when no key is configured.
    algorithms: Vec<Algorithm>,
    secret: Option<DecodingKey>,
    jwks: Option<Arc<jwks::JwksSource>>,
    issuer: Option<String>,
    audience: Option<String>,
    leeway: u64,
    roles_claim: Option<String>,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier")
            .field("algorithms", &self.inner.algorithms)
            .field("secret", &self.inner.secret.as_ref().map(|_| "[redacted]"))
            .field("jwks", &self.inner.jwks.is_some())
            .field("issuer", &self.inner.issuer)
            .field("audience", &self.inner.audience)
            .finish()
    }
}

impl Verifier {
    /// Builds the verifier from configuration (fetching a JWKS if asked).
    ///
    /// Without any key: in development, a verifier that refuses every token
    /// ("authentication is not configured"); in production, an error.
    pub async fn from_config(config: &AuthConfig) -> Result<Self, AuthSetupError> {
        let production = config.is_production();
        if production && !config.has_keys() {
            return Err(dev::no_keys_in_production());
        }
        if let Some(secret) = config.secret()
            && secret.len() < MIN_SECRET_BYTES
        {
            if production {
                return Err(AuthSetupError(format!(
                    "JWT_SECRET is too short for production: use at least {MIN_SECRET_BYTES} random bytes"
                )));
            }
            tracing::warn!(
                "JWT_SECRET is shorter than {MIN_SECRET_BYTES} bytes: fine for development, refused in production"
            );
        }
        if config.jwt_leeway_secs > MAX_LEEWAY_SECS {
            return Err(AuthSetupError(format!(
                "JWT_LEEWAY_SECS is at most {MAX_LEEWAY_SECS} (it tolerates clock skew, not late tokens)"
            )));
        }
        if config.jwks_cache().is_some() && config.jwks_url().is_none() {
            return Err(AuthSetupError(
                "JWT_JWKS_CACHE keeps the keys of JWT_JWKS_URL: set JWT_JWKS_URL too".to_owned(),
            ));
        }
        if config.jwks_url().is_some() && config.jwks_file().is_some() {
            return Err(AuthSetupError(
                "set JWT_JWKS_URL or JWT_JWKS_FILE, not both".to_owned(),
            ));
        }
        let algorithms = algorithms(config)?;

        let jwks = if let Some(url) = config.jwks_url() {
            check_jwks_url(url, production)?;
            Some(
                jwks::JwksSource::from_url(
                    url,
                    Duration::from_secs(config.jwt_jwks_refresh_secs),
                    Duration::from_secs(config.jwt_jwks_min_refetch_secs),
                    config.jwks_cache().map(jwks_cache::JwksCache::new),
                )
                .await?,
            )
        } else if let Some(path) = config.jwks_file() {
            Some(Arc::new(jwks::JwksSource::from_file(path)?))
        } else {
            None
        };
        if jwks.is_some() && config.audience().is_none() {
            tracing::warn!(
                "JWT_AUDIENCE is not set: tokens the identity provider issued for other applications are accepted"
            );
        }
        if algorithms.is_empty() {
            tracing::warn!("no JWT key is configured: every token is refused");
        }
        Ok(Self {
            inner: Arc::new(Inner {
                algorithms,
                secret: config
                    .secret()
                    .map(|secret| DecodingKey::from_secret(secret.as_bytes())),
                jwks,
                issuer: config.issuer().map(str::to_owned),
                audience: config.audience().map(str::to_owned),
                leeway: config.jwt_leeway_secs,
                roles_claim: config
                    .jwt_roles_claim
                    .as_deref()
                    .map(str::trim)
                    .filter(|path| !path.is_empty())
                    .map(str::to_owned),
            }),
        })
    }

    /// Whether any key is configured (otherwise every token is refused).
    pub fn is_configured(&self) -> bool {
        !self.inner.algorithms.is_empty()
    }

    /// The accepted algorithms, by name.
    pub fn algorithms(&self) -> Vec<String> {
        self.inner
            .algorithms
            .iter()
            .map(|alg| format!("{alg:?}"))
            .collect()
    }

    /// Verifies `token` (without the `Bearer ` prefix): signature with a
    /// configured key, algorithm, `exp`, `nbf`, `iss`, `aud`, then reads
    /// `sub` and the roles.
    pub async fn verify(&self, token: &str) -> Result<User, AuthError> {
        let inner = &*self.inner;
        if inner.algorithms.is_empty() {
            return Err(AuthError::new("authentication is not configured"));
        }
        let token = token.trim();
        if token.len() > MAX_TOKEN_BYTES {
            return Err(AuthError::new("token is too large"));
        }
        let header = RawHeader::parse(token)?;
        let alg = Algorithm::from_str(&header.alg)
            .ok()
            .filter(|alg| inner.algorithms.contains(alg))
            .ok_or_else(|| not_accepted(&header.alg))?;
        if header.crit {
            return Err(AuthError::new(
                "token has critical header parameters that are not supported",
            ));
        }

        let jwks_key;
        let key = match alg.family() {
            AlgorithmFamily::Hmac => inner
                .secret
                .as_ref()
                .ok_or_else(|| not_accepted(&header.alg))?,
            _ => {
                let jwks = inner
                    .jwks
                    .as_ref()
                    .ok_or_else(|| not_accepted(&header.alg))?;
                jwks_key = find_key(jwks, header.kid.as_deref(), alg).await?;
                &jwks_key.key
            }
        };

        // Pinned to exactly the header's algorithm, now known to be accepted
        // and to fit the key.
        let mut validation = Validation::new(alg);
        validation.leeway = inner.leeway;
        validation.validate_exp = true;
        validation.validate_nbf = true;
        let mut required = vec!["exp", "sub"];
        if let Some(issuer) = &inner.issuer {
            validation.set_issuer(&[issuer]);
            required.push("iss");
        }
        match &inner.audience {
            Some(audience) => {
                validation.set_audience(&[audience]);
                required.push("aud");
            }
            None => validation.validate_aud = false,
        }
        validation.set_required_spec_claims(&required);

        let data =
            jsonwebtoken::decode::<Map<String, Value>>(token, key, &validation).map_err(|err| {
                match err.kind() {
                    // The library checks the required claims in no fixed order:
                    // name the first missing one in ours. The signature is
                    // already verified when this error comes.
                    ErrorKind::MissingRequiredClaim(_) => first_missing_claim(token, &required)
                        .map_or_else(|| verification_error(err), AuthError::new),
                    _ => verification_error(err),
                }
            })?;
        let sub = data
            .claims
            .get("sub")
            .and_then(Value::as_str)
            .filter(|sub| !sub.trim().is_empty())
            .ok_or_else(|| AuthError::new("token has no sub claim"))?;
        Ok(User {
            sub: sub.to_owned(),
            roles: claims::roles(&data.claims, inner.roles_claim.as_deref()),
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
    use jsonwebtoken::{EncodingKey, Header};

    use super::*;
    use crate::platform::auth::testing::{SECRET, config};
    use crate::platform::auth::{mint::mint_hs256, role::Role};

    fn sign(claims: Value, secret: &str) -> String {
        jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(secret.as_bytes()),
        )
        .unwrap()
    }

    fn now() -> u64 {
        jsonwebtoken::get_current_timestamp()
    }

    #[tokio::test]
    async fn mint_round_trips() {
        let verifier = Verifier::from_config(&config()).await.unwrap();
        let token = mint_hs256(
            SECRET,
            "alice",
            &[Role::Editor, Role::Writer, Role::Editor],
            Duration::from_secs(60),
            None,
            None,
        )
        .unwrap();
        let user = verifier.verify(&token).await.unwrap();
        assert_eq!(user.sub, "alice");
        assert_eq!(user.roles, vec![Role::Editor, Role::Writer]);
        assert!(user.has_role(Role::Writer) && !user.has_role(Role::Admin));
    }

    #[tokio::test]
    async fn claim_checks() {
        let verifier = Verifier::from_config(&config()).await.unwrap();
        let check = |claims: Value| {
            let verifier = verifier.clone();
            async move { verifier.verify(&sign(claims, SECRET)).await }
        };
        let exp = now() + 60;
        assert_eq!(
            check(serde_json::json!({ "exp": exp }))
                .await
                .unwrap_err()
                .0,
            "token has no sub claim"
        );
        assert_eq!(
            check(serde_json::json!({ "sub": "", "exp": exp }))
                .await
                .unwrap_err()
                .0,
            "token has no sub claim"
        );
        assert_eq!(
            check(serde_json::json!({ "sub": "a", "exp": "soon" }))
                .await
                .unwrap_err()
                .0,
            "token has no exp claim"
        );
        // Within the leeway (30 s by default).
        assert!(
            check(serde_json::json!({ "sub": "a", "exp": now() - 10 }))
                .await
                .is_ok()
        );
        // No audience configured: an aud in the token is not checked.
        assert!(
            check(serde_json::json!({ "sub": "a", "exp": exp, "aud": "other" }))
                .await
                .is_ok()
        );
    }

    #[tokio::test]
    async fn headers_checked_before_keys() {
        let verifier = Verifier::from_config(&config()).await.unwrap();
        let token = sign(serde_json::json!({ "sub": "a", "exp": now() + 60 }), SECRET);
        let (_, rest) = token.split_once('.').unwrap();
        let with_header = |header: &str| format!("{}.{rest}", URL_SAFE_NO_PAD.encode(header));
        for (header, message) in [
            (
                r#"{"alg":"HS384"}"#,
                "token algorithm HS384 is not accepted",
            ),
            (r#"{"alg":"none"}"#, "token algorithm none is not accepted"),
            (r#"{"alg":"<script>"}"#, "token algorithm is not accepted"),
            (r#"{"typ":"JWT"}"#, "token has no alg header"),
            (r#"{"alg":"HS256","kid":7}"#, "token is malformed"),
            (
                r#"{"alg":"HS256","crit":["exp"]}"#,
                "token has critical header parameters that are not supported",
            ),
            ("not json", "token is malformed"),
        ] {
            let err = verifier.verify(&with_header(header)).await.unwrap_err();
            assert_eq!(err.0, message, "{header}");
        }
        for garbage in ["", "a.b", "a.b.c.d", "!!.!!.!!", &"a".repeat(20_000)] {
            assert!(verifier.verify(garbage).await.is_err());
        }
    }

    #[tokio::test]
    async fn configuration_errors() {
        let err =
            |config: AuthConfig| async move { Verifier::from_config(&config).await.unwrap_err().0 };
        assert!(
            err(AuthConfig {
                jwt_algorithms: vec!["RS256".into()],
                ..config()
            })
            .await
            .contains("JWT_JWKS_URL")
        );
        assert!(
            err(AuthConfig {
                jwt_algorithms: vec!["none".into()],
                ..config()
            })
            .await
            .contains("not a supported algorithm")
        );
        assert!(
            err(AuthConfig {
                app_env: "production".into(),
                ..AuthConfig::default()
            })
            .await
            .contains("production")
        );
        assert!(
            err(AuthConfig {
                app_env: "Production".into(),
                jwt_secret: Some("short".into()),
                ..AuthConfig::default()
            })
            .await
            .contains("too short")
        );
        assert!(
            err(AuthConfig {
                app_env: "production".into(),
                jwt_jwks_url: Some("http://idp.example/jwks".into()),
                ..AuthConfig::default()
            })
            .await
            .contains("https")
        );
        assert!(
            err(AuthConfig {
                jwt_jwks_url: Some("ftp://idp.example/jwks".into()),
                ..AuthConfig::default()
            })
            .await
            .contains("https")
        );
        assert!(
            err(AuthConfig {
                jwt_leeway_secs: 100_000,
                ..config()
            })
            .await
            .contains("JWT_LEEWAY_SECS")
        );
        assert!(
            err(AuthConfig {
                jwt_jwks_file: Some("/nonexistent/jwks.json".into()),
                ..AuthConfig::default()
            })
            .await
            .contains("JWT_JWKS_FILE")
        );

        // No key in development: a verifier that refuses every token.
        let verifier = Verifier::from_config(&AuthConfig::default()).await.unwrap();
        assert!(!verifier.is_configured());
        let token = mint_hs256(SECRET, "a", &[], Duration::from_secs(60), None, None).unwrap();
        assert_eq!(
            verifier.verify(&token).await.unwrap_err().0,
            "authentication is not configured"
        );
    }
}
