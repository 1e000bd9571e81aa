//! What the unit tests of this module share: an HS256 configuration.

use super::config::AuthConfig;

/// The shared secret of [`config`]: 34 bytes, long enough for production.
pub(super) const SECRET: &str = "unit-test-secret-unit-test-secret!";

/// A development configuration with the HS256 secret [`SECRET`].
pub(super) fn config() -> AuthConfig {
    AuthConfig {
        jwt_secret: Some(SECRET.into()),
        ..AuthConfig::default()
    }
}
