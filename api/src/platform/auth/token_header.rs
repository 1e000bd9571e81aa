//! The JOSE header of a token, read before its signature is checked: it
//! names the algorithm and the key (`kid`), which the verifier then checks
//! against the configuration.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use serde_json::{Map, Value};

use super::error::AuthError;

/// The parts of a token's header read before verification.
pub(super) struct RawHeader {
    pub(super) alg: String,
    pub(super) kid: Option<String>,
    pub(super) crit: bool,
}

impl RawHeader {
    pub(super) fn parse(token: &str) -> Result<Self, AuthError> {
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
