//! What the server shows of itself to whom: GraphiQL, introspection and
//! the browser origins allowed by CORS. Development opens everything, as
//! before; production closes what it is not told to open.

use super::{Config, ConfigError};

/// `on` or `off`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Switch {
    On,
    Off,
}

/// Who may run introspection queries (`__schema`, `__type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Introspection {
    /// Everyone.
    On,
    /// No one.
    Off,
    /// Editors and admins, with their token (codegen, GraphiQL).
    Staff,
}

/// The browser origins CORS lets read answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cors {
    /// Any origin (`*`).
    AnyOrigin,
    /// These origins only (`scheme://host[:port]`).
    Origins(Vec<String>),
}

/// The exposure settings (flattened into [`Config`]).
#[derive(Clone, Debug, Default, clap::Args)]
pub struct ExposureConfig {
    /// GraphiQL for browsers at `GET /graphql`: `on` or `off` (default: on
    /// in development, off in production).
    #[arg(long, env = "GRAPHIQL", value_enum)]
    pub graphiql: Option<Switch>,

    /// Introspection: `on` (everyone), `off` or `staff` (editors and admins
    /// with their token). Default: on in development, staff in production.
    #[arg(long, env = "INTROSPECTION", value_enum)]
    pub introspection: Option<Introspection>,

    /// Origins browsers may call from, comma-separated
    /// (`https://www.baotinh.example,https://app.baotinh.example`), or `*`
    /// for any. Default: any in development; required in production.
    #[arg(long, env = "CORS_ALLOWED_ORIGINS")]
    pub cors_allowed_origins: Option<String>,
}

impl Config {
    /// Whether GraphiQL is served.
    pub fn graphiql_on(&self) -> bool {
        match self.exposure.graphiql {
            Some(switch) => switch == Switch::On,
            None => !self.is_production(),
        }
    }

    /// Who may introspect the schema.
    pub fn introspection(&self) -> Introspection {
        match self.exposure.introspection {
            Some(policy) => policy,
            None if self.is_production() => Introspection::Staff,
            None => Introspection::On,
        }
    }

    /// The allowed origins; an error names a malformed or missing setting.
    pub fn cors(&self) -> Result<Cors, ConfigError> {
        let listed = self
            .exposure
            .cors_allowed_origins
            .as_deref()
            .map(parse_origins)
            .transpose()?
            .filter(|cors| *cors != Cors::Origins(Vec::new()));
        match listed {
            Some(cors) => Ok(cors),
            None if self.is_production() => Err(ConfigError::new(
                "APP_ENV=production needs CORS_ALLOWED_ORIGINS: the browser origins allowed \
                 to call the API, comma-separated, or `*` for any",
            )),
            None => Ok(Cors::AnyOrigin),
        }
    }
}

fn parse_origins(text: &str) -> Result<Cors, ConfigError> {
    let origins: Vec<&str> = text
        .split(',')
        .map(str::trim)
        .filter(|origin| !origin.is_empty())
        .collect();
    if origins.contains(&"*") {
        return match origins.len() {
            1 => Ok(Cors::AnyOrigin),
            _ => Err(ConfigError::new(
                "CORS_ALLOWED_ORIGINS mixes `*` with listed origins: use `*` alone, or list \
                 the origins",
            )),
        };
    }
    for origin in &origins {
        check_origin(origin)?;
    }
    Ok(Cors::Origins(
        origins.into_iter().map(str::to_owned).collect(),
    ))
}

/// An origin as browsers send it: `http(s)://host[:port]`, nothing after.
fn check_origin(origin: &str) -> Result<(), ConfigError> {
    let host = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"));
    let valid = host.is_some_and(|host| {
        !host.is_empty()
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
    });
    if valid {
        Ok(())
    } else {
        Err(ConfigError::new(format!(
            "CORS_ALLOWED_ORIGINS has {origin:?}, which is not an origin: write \
             scheme://host[:port] (e.g. https://www.baotinh.example), without a path"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(production: bool, origins: Option<&str>) -> Config {
        let mut config = Config::for_database("sqlite::memory:");
        if production {
            config.auth.app_env = "production".to_owned();
        }
        config.exposure.cors_allowed_origins = origins.map(str::to_owned);
        config
    }

    #[test]
    fn development_opens_production_closes() {
        let dev = config(false, None);
        assert!(dev.graphiql_on());
        assert_eq!(dev.introspection(), Introspection::On);
        assert_eq!(dev.cors().ok(), Some(Cors::AnyOrigin));
        let prod = config(true, Some("*"));
        assert!(!prod.graphiql_on());
        assert_eq!(prod.introspection(), Introspection::Staff);
        assert_eq!(prod.cors().ok(), Some(Cors::AnyOrigin));
    }

    #[test]
    fn origins_are_checked() {
        let listed = config(true, Some("https://a.example, http://localhost:3000,"));
        assert_eq!(
            listed.cors().ok(),
            Some(Cors::Origins(vec![
                "https://a.example".to_owned(),
                "http://localhost:3000".to_owned()
            ]))
        );
        for bad in [
            "*,https://a.example",
            "https://a.example/",
            "a.example",
            "null",
        ] {
            assert!(config(false, Some(bad)).cors().is_err(), "{bad}");
        }
        assert!(config(true, None).cors().is_err());
        assert!(config(true, Some(" , ")).cors().is_err());
    }
}
