//! Log cursors: opaque to partners, base64url of the id of the last entry
//! read. The same cursor works for `changes(after:)` and `/v1/sync`.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};

use crate::platform::error::{AppError, AppResult};

/// The cursor that resumes right after entry `id` (0: the beginning).
pub fn encode(id: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("change:{id}"))
}

/// Reads a cursor a partner sent back in `field`.
pub fn decode(text: &str, field: &str) -> AppResult<i64> {
    URL_SAFE_NO_PAD
        .decode(text.trim_end_matches('='))
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|s| s.strip_prefix("change:")?.parse::<i64>().ok())
        .filter(|id| *id >= 0)
        .ok_or_else(|| AppError::bad_input(field, "not a valid cursor of the change log"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_bad_input() {
        assert_eq!(decode(&encode(0), "after").unwrap(), 0);
        assert_eq!(decode(&encode(42), "after").unwrap(), 42);
        for bad in ["", "nope", "%%%", &URL_SAFE_NO_PAD.encode("change:-1")] {
            assert_eq!(decode(bad, "after").unwrap_err().code(), "BAD_USER_INPUT");
        }
    }
}
