//! Helpers shared by the catalog mutations (people, organizations, events,
//! sections, tags): text cleaning, references, link counting and moving.

use std::collections::HashMap;

use async_graphql::MaybeUndefined;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect, Select,
    sea_query::{Alias, Expr, ExprTrait, Query},
};

use crate::{
    error::{AppError, AppResult, Errors},
    graphql::articles::filter_support::resolve,
    ids::NodeType,
    slugs::{self, Slugged},
    text,
    versioning::write_conflict,
};
use entity::slug_alias;

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
    value: &MaybeUndefined<String>,
    clean: fn(&str) -> String,
    max: usize,
) -> Option<Option<String>> {
    match value {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(raw) => {
            let clean = clean(raw);
            check_length(errors, field, &clean, max);
            Some((!clean.is_empty()).then_some(clean))
        }
    }
}

/// [`optional`] for one-line texts (honorific, short name, location).
pub fn optional_line(
    errors: &mut Errors,
    field: &str,
    value: &MaybeUndefined<String>,
    max: usize,
) -> Option<Option<String>> {
    optional(errors, field, value, text::line, max)
}

/// [`optional`] for running texts (bio, summary, description).
pub fn optional_plain(
    errors: &mut Errors,
    field: &str,
    value: &MaybeUndefined<String>,
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

/// The existing row named by a global ID or a slug (current or old) in
/// an input; anything else is recorded as an error about `field`.
pub async fn reference<E: Slugged>(
    db: &impl ConnectionTrait,
    errors: &mut Errors,
    kind: NodeType,
    value: &str,
    field: &str,
) -> AppResult<Option<i64>> {
    let Some(found) = collect(errors, resolve::<E>(db, kind, value, field).await)? else {
        return Ok(None);
    };
    match found {
        Some(id) if slugs::exists::<E>(db, id).await? => Ok(Some(id)),
        _ => {
            errors.add(field, format!("there is no {} `{value}`", E::KIND));
            Ok(None)
        }
    }
}

/// The row a mutation argument names (global ID or slug): `NOT_FOUND`
/// for an unknown slug; an unknown ID is found missing by the write.
pub async fn target<E: Slugged>(
    db: &impl ConnectionTrait,
    kind: NodeType,
    value: &str,
    field: &str,
) -> AppResult<i64> {
    resolve::<E>(db, kind, value, field)
        .await?
        .ok_or_else(|| AppError::NotFound(E::KIND.to_owned()))
}

/// `NOT_FOUND` for a row that is not there.
pub fn row_or_missing<M>(row: Option<M>, what: &str) -> AppResult<M> {
    row.ok_or_else(|| AppError::NotFound(what.to_owned()))
}

/// How many rows `select` finds.
pub async fn count_rows<E: EntityTrait>(
    db: &impl ConnectionTrait,
    select: Select<E>,
) -> AppResult<u64>
where
    E::Model: Sync,
{
    Ok(select.count(db).await?)
}

/// How many distinct articles the link rows of `select` point at.
pub async fn count_articles<E: EntityTrait>(
    db: &impl ConnectionTrait,
    select: Select<E>,
    article: E::Column,
) -> AppResult<u64>
where
    E::Model: Sync,
{
    Ok(select
        .select_only()
        .column(article)
        .distinct()
        .count(db)
        .await?)
}

/// "a", "a and b", "a, b and c".
pub fn join(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// "3 articles", "1 event"… for the non-zero `counts`.
pub fn amounts(counts: &[(u64, &str, &str)]) -> Vec<String> {
    counts
        .iter()
        .filter(|(n, ..)| *n > 0)
        .map(|(n, one, many)| format!("{n} {}", if *n == 1 { one } else { many }))
        .collect()
}

/// The `CONFLICT` of deleting a `what` that is still referenced, or
/// `None` when nothing refers to it.
pub fn links_conflict(what: &str, counts: &[(u64, &str, &str)]) -> Option<AppError> {
    let parts = amounts(counts);
    (!parts.is_empty()).then(|| {
        AppError::Conflict(format!(
            "the {what} is still linked to {}; pass detach: true to remove those links",
            join(&parts)
        ))
    })
}

/// Forgets the old slugs of a deleted row, so they can be used again.
pub async fn delete_aliases<E: Slugged>(db: &impl ConnectionTrait, id: i64) -> AppResult<()> {
    slug_alias::Entity::delete_many()
        .filter(slug_alias::Column::Kind.eq(E::KIND))
        .filter(slug_alias::Column::TargetId.eq(id))
        .exec(db)
        .await
        .map_err(write_conflict)?;
    Ok(())
}

/// Re-points every link row of `from` (in column `owner`) to `into`,
/// first dropping the rows `into` already has (same `keys`), so the
/// link table's primary key holds.
pub async fn move_links<E: EntityTrait>(
    db: &impl ConnectionTrait,
    owner: E::Column,
    keys: &[E::Column],
    from: i64,
    into: i64,
) -> AppResult<()> {
    let other = Alias::new("other");
    let mut twin = Query::select();
    twin.expr(Expr::val(1))
        .from_as(E::default(), other.clone())
        .and_where(Expr::col((other.clone(), owner)).eq(into));
    for key in keys {
        twin.and_where(Expr::col((other.clone(), *key)).equals((E::default(), *key)));
    }
    E::delete_many()
        .filter(owner.eq(from))
        .filter(Expr::exists(twin.take()))
        .exec(db)
        .await
        .map_err(write_conflict)?;
    E::update_many()
        .col_expr(owner, Expr::value(into))
        .filter(owner.eq(from))
        .exec(db)
        .await
        .map_err(write_conflict)?;
    Ok(())
}

/// Whether putting `id` under `parent` closes a loop: `parent` is `id`
/// itself or sits, at any depth, under it. `tree` maps rows to parents.
pub fn creates_cycle(tree: &HashMap<i64, Option<i64>>, id: i64, parent: i64) -> bool {
    let mut at = Some(parent);
    let mut steps = 0;
    while let Some(node) = at {
        if node == id || steps > tree.len() {
            return true;
        }
        steps += 1;
        at = tree.get(&node).copied().flatten();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_read_like_sentences() {
        assert_eq!(
            join(&amounts(&[
                (3, "article", "articles"),
                (0, "event", "events"),
                (1, "position", "positions")
            ])),
            "3 articles and 1 position"
        );
        assert_eq!(join(&["a".into(), "b".into(), "c".into()]), "a, b and c");
    }

    #[test]
    fn a_row_cannot_sit_under_itself_or_its_descendants() {
        // 1 ← 2 ← 3, and 4 on its own.
        let tree = HashMap::from([(1, None), (2, Some(1)), (3, Some(2)), (4, None)]);
        assert!(creates_cycle(&tree, 1, 1));
        assert!(creates_cycle(&tree, 1, 3));
        assert!(!creates_cycle(&tree, 3, 1));
        assert!(!creates_cycle(&tree, 2, 4));
    }
}
