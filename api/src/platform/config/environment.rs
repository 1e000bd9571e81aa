//! `APP_ENV` and the start-up check: a production server refuses to start
//! with a missing or contradictory setting, with one line that names it.

use std::fmt;

use super::{Config, exposure::Introspection};

/// A setting that stops the server from starting: one line, naming it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl ConfigError {
    pub fn new(message: impl Into<String>) -> Self {
        Self(message.into())
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}

impl Config {
    /// Whether `APP_ENV` names production.
    pub fn is_production(&self) -> bool {
        self.auth.is_production()
    }
}

/// Checks the settings `serve` depends on: in every environment that they
/// do not contradict each other, and in production that nothing a public
/// deployment needs is missing. The first problem found is returned.
pub fn check(config: &Config) -> Result<(), ConfigError> {
    let env = config.auth.app_env.trim();
    let known = ["development", "dev", "production", "prod"];
    if !known.iter().any(|name| env.eq_ignore_ascii_case(name)) {
        return Err(ConfigError::new(format!(
            "APP_ENV is {env:?}: use development or production"
        )));
    }
    if config.is_production() {
        if !config.auth.has_keys() {
            return Err(ConfigError::new(
                "APP_ENV=production needs a JWT key: set JWT_SECRET, JWT_JWKS_URL or \
                 JWT_JWKS_FILE",
            ));
        }
        if config.auth.audience().is_none() {
            return Err(ConfigError::new(
                "APP_ENV=production needs JWT_AUDIENCE: the `aud` your identity provider \
                 puts in this API's tokens (tokens issued for other applications are \
                 refused)",
            ));
        }
    }
    config.cors()?;
    config.read_replicas.check(&config.database_url)?;
    config.media.aspect_ratios().map_err(ConfigError::new)?;
    if config.media.media_widths.is_empty() || config.media.media_widths.contains(&0) {
        return Err(ConfigError::new(
            "MEDIA_WIDTHS needs at least one width, each above 0",
        ));
    }
    if config.graphiql_on() && config.introspection() == Introspection::Off {
        return Err(ConfigError::new(
            "GRAPHIQL=on contradicts INTROSPECTION=off: GraphiQL needs introspection \
             (set INTROSPECTION=staff, or GRAPHIQL=off)",
        ));
    }
    if let Some(statement) = config.load.statement_timeout()
        && statement > config.request_timeout()
    {
        return Err(ConfigError::new(format!(
            "DB_STATEMENT_TIMEOUT_MS ({} ms) is longer than REQUEST_TIMEOUT ({} ms): a \
             cancelled request would leave its statement running",
            statement.as_millis(),
            config.request_timeout().as_millis()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn production() -> Config {
        let mut config = Config::for_database("sqlite::memory:");
        config.auth.app_env = "production".to_owned();
        config.auth.jwt_secret = Some("a-secret-of-at-least-thirty-two-bytes!!".to_owned());
        config.auth.jwt_audience = Some("toasoan".to_owned());
        config.exposure.cors_allowed_origins = Some("https://www.baotinh.example".to_owned());
        config
    }

    fn refusal(config: &Config) -> String {
        check(config).err().map(|e| e.0).unwrap_or_default()
    }

    #[test]
    fn a_complete_production_starts_and_development_needs_nothing() {
        assert_eq!(check(&production()), Ok(()));
        assert_eq!(check(&Config::for_database("sqlite::memory:")), Ok(()));
    }

    #[test]
    fn production_names_what_is_missing() {
        let mut config = production();
        config.auth.jwt_audience = None;
        assert!(refusal(&config).starts_with("APP_ENV=production needs JWT_AUDIENCE"));

        let mut config = production();
        config.exposure.cors_allowed_origins = None;
        assert!(refusal(&config).starts_with("APP_ENV=production needs CORS_ALLOWED_ORIGINS"));

        let mut config = production();
        config.auth.jwt_secret = None;
        assert!(refusal(&config).starts_with("APP_ENV=production needs a JWT key"));
    }

    #[test]
    fn contradictions_are_refused_everywhere() {
        let mut config = Config::for_database("sqlite::memory:");
        config.auth.app_env = "prodution".to_owned();
        assert!(refusal(&config).starts_with("APP_ENV is"));

        let mut config = production();
        config.exposure.cors_allowed_origins = Some("*, https://a.example".to_owned());
        assert!(refusal(&config).contains("mixes `*`"));

        let mut config = Config::for_database("sqlite::memory:");
        config.exposure.introspection = Some(Introspection::Off);
        assert!(refusal(&config).starts_with("GRAPHIQL=on contradicts"));

        let mut config = Config::for_database("sqlite::memory:");
        config.load.request_timeout = Some(std::time::Duration::from_secs(1));
        assert!(refusal(&config).starts_with("DB_STATEMENT_TIMEOUT_MS (10000 ms)"));
    }
}
