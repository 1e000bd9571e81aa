//! Authentication settings (flags and environment variables).

use std::path::PathBuf;

/// How tokens are verified.
///
/// Keys: an HS256 shared secret (`JWT_SECRET`) and/or the public keys of a
/// JWKS document (`JWT_JWKS_URL`, fetched and refreshed, or `JWT_JWKS_FILE`,
/// read once), so that tokens of any OIDC provider are accepted.
///
/// `Debug` never shows the secret.
#[derive(Clone, clap::Args)]
pub struct AuthConfig {
    /// Shared secret for HS256 tokens (its UTF-8 bytes are the HMAC key;
    /// use at least 32 random bytes).
    #[arg(long, env = "JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,

    /// URL of a JWKS document (an OIDC provider's `jwks_uri`): its public
    /// keys verify RS256/ES256/EdDSA tokens, picked by `kid`.
    #[arg(long, env = "JWT_JWKS_URL", hide_env_values = true)]
    pub jwt_jwks_url: Option<String>,

    /// A local JWKS file, read once at start (instead of `JWT_JWKS_URL`).
    #[arg(long, env = "JWT_JWKS_FILE")]
    pub jwt_jwks_file: Option<PathBuf>,

    /// Accepted token algorithms, comma-separated (e.g. `RS256,ES256`).
    /// Default: HS256 with a secret, RS256,ES256,EdDSA with a JWKS, all of
    /// them with both. Never taken from the token.
    #[arg(long, env = "JWT_ALGORITHMS", value_delimiter = ',')]
    pub jwt_algorithms: Vec<String>,

    /// Required `iss` of tokens, when set (also put in minted tokens).
    #[arg(long, env = "JWT_ISSUER")]
    pub jwt_issuer: Option<String>,

    /// Required `aud` of tokens, when set (also put in minted tokens).
    #[arg(long, env = "JWT_AUDIENCE")]
    pub jwt_audience: Option<String>,

    /// Clock skew tolerated on `exp` and `nbf`, in seconds.
    #[arg(long, env = "JWT_LEEWAY_SECS", default_value_t = DEFAULT_LEEWAY_SECS)]
    pub jwt_leeway_secs: u64,

    /// Where the roles are in the token: a claim name or a dotted path
    /// (`realm_access.roles` for Keycloak); a string or an array of strings.
    /// Default: both `role` and `roles`.
    #[arg(long, env = "JWT_ROLES_CLAIM")]
    pub jwt_roles_claim: Option<String>,

    /// Seconds between two periodic refreshes of the JWKS of `JWT_JWKS_URL`.
    #[arg(long, env = "JWT_JWKS_REFRESH_SECS", default_value_t = DEFAULT_JWKS_REFRESH_SECS)]
    pub jwt_jwks_refresh_secs: u64,

    /// Shortest time, in seconds, between two JWKS fetches caused by tokens
    /// with an unknown `kid`.
    #[arg(long, env = "JWT_JWKS_MIN_REFETCH_SECS", default_value_t = DEFAULT_JWKS_MIN_REFETCH_SECS)]
    pub jwt_jwks_min_refetch_secs: u64,

    /// A file where the last key set fetched from `JWT_JWKS_URL` is kept.
    /// With it, a replica starts while the identity provider is down: it
    /// uses the cached keys (or none: tokens are refused until the keys
    /// are fetched) and keeps retrying. Without it, an unreachable
    /// provider stops the start.
    #[arg(long, env = "JWT_JWKS_CACHE")]
    pub jwt_jwks_cache: Option<PathBuf>,

    /// `development` (the default) or `production`. Without any key,
    /// development makes a random secret and prints an editor token;
    /// production refuses to start.
    #[arg(long, env = "APP_ENV", default_value = DEFAULT_APP_ENV)]
    pub app_env: String,
}

/// Default of `JWT_LEEWAY_SECS`.
pub const DEFAULT_LEEWAY_SECS: u64 = 30;
/// Default of `JWT_JWKS_REFRESH_SECS` (10 minutes).
pub const DEFAULT_JWKS_REFRESH_SECS: u64 = 600;
/// Default of `JWT_JWKS_MIN_REFETCH_SECS`.
pub const DEFAULT_JWKS_MIN_REFETCH_SECS: u64 = 30;
/// Default of `APP_ENV`.
pub const DEFAULT_APP_ENV: &str = "development";

impl Default for AuthConfig {
    /// No key, development, and the documented defaults.
    fn default() -> Self {
        Self {
            jwt_secret: None,
            jwt_jwks_url: None,
            jwt_jwks_file: None,
            jwt_algorithms: Vec::new(),
            jwt_issuer: None,
            jwt_audience: None,
            jwt_leeway_secs: DEFAULT_LEEWAY_SECS,
            jwt_roles_claim: None,
            jwt_jwks_refresh_secs: DEFAULT_JWKS_REFRESH_SECS,
            jwt_jwks_min_refetch_secs: DEFAULT_JWKS_MIN_REFETCH_SECS,
            jwt_jwks_cache: None,
            app_env: DEFAULT_APP_ENV.to_owned(),
        }
    }
}

impl std::fmt::Debug for AuthConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthConfig")
            .field(
                "jwt_secret",
                &self.jwt_secret.as_ref().map(|_| "[redacted]"),
            )
            .field("jwt_jwks_url", &self.jwt_jwks_url)
            .field("jwt_jwks_file", &self.jwt_jwks_file)
            .field("jwt_algorithms", &self.jwt_algorithms)
            .field("jwt_issuer", &self.jwt_issuer)
            .field("jwt_audience", &self.jwt_audience)
            .field("jwt_leeway_secs", &self.jwt_leeway_secs)
            .field("jwt_roles_claim", &self.jwt_roles_claim)
            .field("jwt_jwks_refresh_secs", &self.jwt_jwks_refresh_secs)
            .field("jwt_jwks_min_refetch_secs", &self.jwt_jwks_min_refetch_secs)
            .field("jwt_jwks_cache", &self.jwt_jwks_cache)
            .field("app_env", &self.app_env)
            .finish()
    }
}

impl AuthConfig {
    /// Whether `APP_ENV` names production (`production` or `prod`, any case).
    pub fn is_production(&self) -> bool {
        let env = self.app_env.trim();
        env.eq_ignore_ascii_case("production") || env.eq_ignore_ascii_case("prod")
    }

    /// The shared secret, when one is set and not empty (used as is: its
    /// bytes are the HMAC key).
    pub fn secret(&self) -> Option<&str> {
        self.jwt_secret
            .as_deref()
            .filter(|secret| !secret.is_empty())
    }

    /// The JWKS URL, when one is set and not blank.
    pub fn jwks_url(&self) -> Option<&str> {
        non_blank(self.jwt_jwks_url.as_deref())
    }

    /// The JWKS file, when one is set and not blank.
    pub fn jwks_file(&self) -> Option<&std::path::Path> {
        self.jwt_jwks_file
            .as_deref()
            .filter(|path| !path.as_os_str().is_empty())
    }

    /// The JWKS cache file, when one is set and not blank.
    pub fn jwks_cache(&self) -> Option<&std::path::Path> {
        self.jwt_jwks_cache
            .as_deref()
            .filter(|path| !path.as_os_str().is_empty())
    }

    /// The required issuer, when one is set and not blank.
    pub fn issuer(&self) -> Option<&str> {
        non_blank(self.jwt_issuer.as_deref())
    }

    /// The required audience, when one is set and not blank.
    pub fn audience(&self) -> Option<&str> {
        non_blank(self.jwt_audience.as_deref())
    }

    /// Whether any key (secret or JWKS) is configured.
    pub fn has_keys(&self) -> bool {
        self.secret().is_some() || self.jwks_url().is_some() || self.jwks_file().is_some()
    }
}

fn non_blank(value: Option<&str>) -> Option<&str> {
    value.map(str::trim).filter(|value| !value.is_empty())
}

#[cfg(test)]
mod tests {
    use crate::platform::auth::testing::{SECRET, config};

    #[test]
    fn debug_output_hides_the_secret() {
        assert!(!format!("{:?}", config()).contains(SECRET));
    }
}
