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

mod claims;
pub mod config;
pub mod dev;
mod jwks;

use std::{
    str::FromStr,
    sync::Arc,
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use jsonwebtoken::{
    Algorithm, AlgorithmFamily, DecodingKey, EncodingKey, Header, Validation, errors::ErrorKind,
};
use serde_json::{Map, Value};

pub use config::AuthConfig;

/// The `jsonwebtoken` crate this module is built on, for tests and tools
/// that sign tokens of their own.
pub use jsonwebtoken as jwt;

/// What a signed-in user may be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Role {
    Writer,
    Editor,
    Admin,
    /// Read-only syndication access.
    Partner,
}

impl Role {
    /// Every role.
    pub const ALL: [Role; 4] = [Role::Writer, Role::Editor, Role::Admin, Role::Partner];

    /// Reads a role name as found in tokens (`writer`, `editor`, …).
    pub fn parse(name: &str) -> Option<Self> {
        match name.trim().to_ascii_lowercase().as_str() {
            "writer" => Some(Role::Writer),
            "editor" => Some(Role::Editor),
            "admin" => Some(Role::Admin),
            "partner" => Some(Role::Partner),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Writer => "writer",
            Role::Editor => "editor",
            Role::Admin => "admin",
            Role::Partner => "partner",
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The verified bearer of a token.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    /// The token's `sub`.
    pub sub: String,
    pub roles: Vec<Role>,
}

impl User {
    /// Whether the user holds `role`.
    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

/// Why a token was refused. The message is safe to show to the client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthError(pub String);

impl AuthError {
    fn new(message: impl Into<String>) -> Self {
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

/// Longest token accepted, in bytes.
const MAX_TOKEN_BYTES: usize = 16 * 1024;
/// Largest `JWT_LEEWAY_SECS` accepted.
const MAX_LEEWAY_SECS: u64 = 300;
/// Shortest shared secret accepted in production, in bytes.
const MIN_SECRET_BYTES: usize = 32;
/// Algorithms accepted by default with a JWKS.
const DEFAULT_JWKS_ALGORITHMS: [Algorithm; 3] =
    [Algorithm::RS256, Algorithm::ES256, Algorithm::EdDSA];

/// The token of an `Authorization` header value, `Bearer <token>` (the
/// scheme in any case).
pub fn bearer_token(header_value: &str) -> Result<&str, AuthError> {
    let value = header_value.trim();
    match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => {
            let token = token.trim();
            if token.is_empty() {
                Err(AuthError::new("the Authorization header has no token"))
            } else {
                Ok(token)
            }
        }
        _ => Err(AuthError::new(
            "the Authorization header must be \"Bearer <token>\"",
        )),
    }
}

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

/// The accepted algorithms: `JWT_ALGORITHMS`, or the defaults for the
/// configured keys. Each must have its key.
fn algorithms(config: &AuthConfig) -> Result<Vec<Algorithm>, AuthSetupError> {
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
fn check_jwks_url(url: &str, production: bool) -> Result<(), AuthSetupError> {
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
async fn find_key(
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

/// The parts of a token's header read before verification.
struct RawHeader {
    alg: String,
    kid: Option<String>,
    crit: bool,
}

impl RawHeader {
    fn parse(token: &str) -> Result<Self, AuthError> {
        let malformed = || AuthError::new("token is malformed");
        let mut parts = token.split('.');
        let (Some(header), Some(_), Some(_), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(malformed());
        };
        let bytes = URL_SAFE_NO_PAD.decode(header).map_err(|_| malformed())?;
        let header: Map<String, Value> = serde_json::from_slice(&bytes).map_err(|_| malformed())?;
        let alg = match header.get("alg") {
            Some(Value::String(alg)) => alg.clone(),
            Some(_) => return Err(malformed()),
            None => return Err(AuthError::new("token has no alg header")),
        };
        let kid = match header.get("kid") {
            None | Some(Value::Null) => None,
            Some(Value::String(kid)) => Some(kid.clone()),
            Some(_) => return Err(malformed()),
        };
        Ok(Self {
            alg,
            kid,
            crit: header.contains_key("crit"),
        })
    }
}

/// "token algorithm X is not accepted", naming X only when it looks like an
/// algorithm name (the header is the client's text).
fn not_accepted(alg: &str) -> AuthError {
    if !alg.is_empty() && alg.len() <= 16 && alg.chars().all(|c| c.is_ascii_alphanumeric()) {
        AuthError::new(format!("token algorithm {alg} is not accepted"))
    } else {
        AuthError::new("token algorithm is not accepted")
    }
}

/// "token has no X claim" for the first of `required` that the (verified)
/// token lacks, as the library reads claims: `exp` a number, the others a
/// string (or, for `iss` and `aud`, an array).
fn first_missing_claim(token: &str, required: &[&str]) -> Option<String> {
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
fn verification_error(err: jsonwebtoken::errors::Error) -> AuthError {
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
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    const SECRET: &str = "unit-test-secret-unit-test-secret!";

    fn config() -> AuthConfig {
        AuthConfig {
            jwt_secret: Some(SECRET.into()),
            ..AuthConfig::default()
        }
    }

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

    #[test]
    fn bearer_header() {
        assert_eq!(bearer_token("Bearer abc"), Ok("abc"));
        assert_eq!(bearer_token("  bearer   abc "), Ok("abc"));
        assert!(bearer_token("Basic abc").is_err());
        assert!(bearer_token("Bearer ").is_err());
        assert!(bearer_token("abc").is_err());
    }

    #[test]
    fn debug_output_hides_the_secret() {
        assert!(!format!("{:?}", config()).contains(SECRET));
    }
}
