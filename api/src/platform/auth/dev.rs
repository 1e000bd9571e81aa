//! Development conveniences: a random secret when no key is configured, an
//! editor token to paste into GraphiQL, and durations such as `15m`.

use std::time::Duration;

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};

use super::{config::AuthConfig, error::AuthSetupError, mint::mint_hs256, role::Role};

/// Lifetime of the editor token printed by a development run.
pub const DEV_TOKEN_TTL: Duration = Duration::from_secs(24 * 3600);

/// What a development run without keys made for itself. `Debug` hides the
/// token.
pub struct DevCredentials {
    /// An HS256 editor token signed with the generated secret.
    pub token: String,
    pub ttl: Duration,
}

impl std::fmt::Debug for DevCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DevCredentials")
            .field("token", &"[redacted]")
            .field("ttl", &self.ttl)
            .finish()
    }
}

impl DevCredentials {
    /// The lines a development run prints, ready to paste.
    pub fn banner(&self) -> String {
        format!(
            "Development mode: no JWT key is configured, so this run signs its own tokens \
             with a random secret (set JWT_SECRET to keep tokens across restarts).\n\
             Editor token, valid {} h:\n\
             Authorization: Bearer {}",
            self.ttl.as_secs() / 3600,
            self.token
        )
    }
}

/// Makes sure `config` has a key. With one, nothing changes (`None`).
/// Without: production is refused; development gets a random secret (set in
/// `config`) and an editor token signed with it.
pub fn ensure_keys(config: &mut AuthConfig) -> Result<Option<DevCredentials>, AuthSetupError> {
    if config.has_keys() {
        return Ok(None);
    }
    if config.is_production() {
        return Err(no_keys_in_production());
    }
    let secret = random_secret()?;
    let token = mint_hs256(
        &secret,
        "dev-editor",
        &[Role::Editor],
        DEV_TOKEN_TTL,
        config.issuer(),
        config.audience(),
    )?;
    config.jwt_secret = Some(secret);
    Ok(Some(DevCredentials {
        token,
        ttl: DEV_TOKEN_TTL,
    }))
}

pub(crate) fn no_keys_in_production() -> AuthSetupError {
    AuthSetupError(
        "APP_ENV=production needs a JWT key: set JWT_SECRET, JWT_JWKS_URL or JWT_JWKS_FILE"
            .to_owned(),
    )
}

/// 32 bytes from the operating system's CSPRNG, base64url-encoded.
pub fn random_secret() -> Result<String, AuthSetupError> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|err| AuthSetupError(format!("cannot draw a random secret: {err}")))?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// Reads a duration: a positive number with a unit `s`, `m`, `h` or `d`
/// (`30s`, `15m`, `1h`, `7d`); a bare number is seconds.
pub fn parse_ttl(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let invalid = || format!("invalid duration {text:?}: use e.g. 30s, 15m, 1h or 7d");
    let number: u64 = number.parse().map_err(|_| invalid())?;
    let unit_secs = match unit.trim() {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(invalid()),
    };
    match number.checked_mul(unit_secs) {
        Some(0) => Err(format!("invalid duration {text:?}: it must be positive")),
        // Ten years at most: exp must stay a sane timestamp.
        Some(secs) if secs <= 10 * 365 * 86_400 => Ok(Duration::from_secs(secs)),
        _ => Err(format!("invalid duration {text:?}: it is too long")),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn ttl_units() {
        assert_eq!(parse_ttl("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_ttl("15m"), Ok(Duration::from_secs(900)));
        assert_eq!(parse_ttl("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_ttl("7d"), Ok(Duration::from_secs(7 * 86_400)));
        assert_eq!(parse_ttl("90"), Ok(Duration::from_secs(90)));
        for bad in [
            "",
            "h",
            "0s",
            "1w",
            "-1h",
            "1.5h",
            "99999999999999999999d",
            "4000d",
        ] {
            assert!(parse_ttl(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn random_secrets_differ() {
        let a = random_secret().unwrap();
        let b = random_secret().unwrap();
        assert_eq!(a.len(), 43);
        assert_ne!(a, b);
    }

    #[test]
    fn ensure_keys_in_development_and_production() {
        let mut config = AuthConfig::default();
        let dev = ensure_keys(&mut config).unwrap().expect("a dev token");
        assert!(config.secret().is_some());
        assert!(dev.banner().contains("Authorization: Bearer "));
        assert!(!format!("{dev:?}").contains(&dev.token));
        // With a key, nothing changes.
        assert!(ensure_keys(&mut config).unwrap().is_none());

        let mut config = AuthConfig {
            app_env: "production".into(),
            ..AuthConfig::default()
        };
        let err = ensure_keys(&mut config).unwrap_err();
        assert!(err.0.contains("JWT_SECRET"), "{err}");
        assert!(config.secret().is_none());
    }
}
