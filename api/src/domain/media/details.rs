//! What editors write about a media item (caption, credit, alt text) and
//! where its crops centre: checked once here for uploads and updates.

use crate::platform::error::{AppError, AppResult};

/// Longest caption, credit and alt text, in characters.
pub(super) const MAX_CAPTION: usize = 2000;
pub(super) const MAX_CREDIT: usize = 300;
pub(super) const MAX_ALT: usize = 1000;

/// What an upload brings besides its bytes.
#[derive(Clone, Debug, Default)]
pub struct Details {
    pub caption: Option<String>,
    pub credit: Option<String>,
    pub alt: Option<String>,
}

/// A change of a media item's details; `None` keeps a field,
/// `Some(None)` clears it.
#[derive(Clone, Debug, Default)]
pub struct Change {
    pub caption: Option<Option<String>>,
    pub credit: Option<Option<String>>,
    pub alt: Option<Option<String>>,
    pub focal_point: Option<Option<(f64, f64)>>,
}

/// Upload details, trimmed and checked.
pub(super) fn clean_details(details: Details) -> AppResult<Details> {
    let field = |name: &str, value: Option<String>, max| {
        clean_text(value, max).map_err(|message| AppError::bad_input(name, message))
    };
    Ok(Details {
        caption: field("caption", details.caption, MAX_CAPTION)?,
        credit: field("credit", details.credit, MAX_CREDIT)?,
        alt: field("alt", details.alt, MAX_ALT)?,
    })
}

/// Trimmed, empty as absent, at most `max` characters.
pub(super) fn clean_text(value: Option<String>, max: usize) -> Result<Option<String>, String> {
    let Some(value) = value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    if value.chars().count() > max {
        return Err(format!("at most {max} characters"));
    }
    Ok(Some(value))
}
