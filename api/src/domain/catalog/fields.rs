//! Cleaning and checking the fields of a catalogue input: texts with
//! their length limits, and the slug to store.

use sea_orm::ConnectionTrait;

use super::Patch;
use crate::{
    domain::slugs::{self, Slugged},
    platform::error::{AppError, AppResult, Errors},
    platform::text,
};

/// Longest name, title, honorific, short name or location.
pub const NAME_MAX: usize = 255;
/// Longest bio, summary or description.
pub const TEXT_MAX: usize = 20_000;

/// Records an error when `value` is longer than `max` characters.
fn check_length(errors: &mut Errors, field: &str, value: &str, max: usize) {
    let length = value.chars().count();
    errors.check(
        length <= max,
        field,
        format!("is {length} characters long: at most {max} are allowed"),
    );
}

/// A one-line text (a name, a title): HTML removed, NFC, white space
/// folded. `None` when it is not given or not valid; missing while
/// `required`, or empty after cleaning, is an error about `field`.
pub fn required_line(
    errors: &mut Errors,
    field: &str,
    value: Option<&str>,
    required: bool,
    max: usize,
) -> Option<String> {
    let Some(raw) = value else {
        if required {
            errors.add(field, "is required");
        }
        return None;
    };
    let clean = text::line(raw);
    if clean.is_empty() {
        errors.add(field, "must not be empty (once HTML is removed)");
        return None;
    }
    check_length(errors, field, &clean, max);
    Some(clean)
}

/// An optional text: `None` leaves the column as it is, `Some(None)`
/// clears it (null, or nothing left after cleaning), `Some(Some(_))`
/// sets it.
fn optional(
    errors: &mut Errors,
    field: &str,
    value: &Patch<String>,
    clean: fn(&str) -> String,
    max: usize,
) -> Option<Option<String>> {
    let raw = value.as_ref().change()?;
    Some(raw.and_then(|raw| {
        let clean = clean(raw);
        check_length(errors, field, &clean, max);
        (!clean.is_empty()).then_some(clean)
    }))
}

/// [`optional`] for one-line texts (honorific, short name, location).
pub fn optional_line(
    errors: &mut Errors,
    field: &str,
    value: &Patch<String>,
    max: usize,
) -> Option<Option<String>> {
    optional(errors, field, value, text::line, max)
}

/// [`optional`] for running texts (bio, summary, description).
pub fn optional_plain(
    errors: &mut Errors,
    field: &str,
    value: &Patch<String>,
    max: usize,
) -> Option<Option<String>> {
    optional(errors, field, value, text::plain, max)
}

/// Moves input errors of `result` into `errors`; other errors pass.
pub fn collect<T>(errors: &mut Errors, result: AppResult<T>) -> AppResult<Option<T>> {
    match result {
        Ok(value) => Ok(Some(value)),
        Err(AppError::BadUserInput { field, message }) => {
            errors.add(field, message);
            Ok(None)
        }
        Err(AppError::Invalid(list)) => {
            for e in list {
                errors.add(e.field, e.message);
            }
            Ok(None)
        }
        Err(other) => Err(other),
    }
}

/// The slug to store: the one `wanted`, or on create (`own` is `None`)
/// one made from the cleaned `name`; `None` leaves it as it is.
pub async fn slug<E: Slugged>(
    db: &impl ConnectionTrait,
    errors: &mut Errors,
    wanted: Option<&str>,
    name: Option<&str>,
    own: Option<i64>,
) -> AppResult<Option<String>> {
    if wanted.is_none() && (own.is_some() || name.is_none()) {
        return Ok(None);
    }
    let chosen = slugs::choose::<E>(db, wanted, name.unwrap_or_default(), own, "input.slug").await;
    collect(errors, chosen)
}
