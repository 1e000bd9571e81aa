//! Reading the token out of an `Authorization` header.

use super::error::AuthError;

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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn bearer_header() {
        assert_eq!(bearer_token("Bearer abc"), Ok("abc"));
        assert_eq!(bearer_token("  bearer   abc "), Ok("abc"));
        assert!(bearer_token("Basic abc").is_err());
        assert!(bearer_token("Bearer ").is_err());
        assert!(bearer_token("abc").is_err());
    }
}
