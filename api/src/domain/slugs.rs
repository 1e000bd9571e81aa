//! Slugs as stored: lookups that follow old slugs (after a rename or a
//! merge), availability checks, and generation of free slugs.

use chrono::Utc;
use entity::{article, event, organization, person, section, slug_alias, tag};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect, Set,
    sea_query::OnConflict,
};

use crate::{
    platform::error::{AppError, AppResult},
    platform::ids::NodeType,
    platform::slug::slugify,
};

/// Entities with a unique `slug` column and slug history.
pub trait Slugged: EntityTrait {
    /// The `kind` of their rows in `slug_aliases`.
    const KIND: &'static str;
    /// The type of their global IDs.
    const NODE: NodeType;
    fn slug_column() -> Self::Column;
    fn id_column() -> Self::Column;
}

macro_rules! slugged {
    ($($entity:ident => $kind:literal, $node:ident);+) => {$(
        impl Slugged for $entity::Entity {
            const KIND: &'static str = $kind;
            const NODE: NodeType = NodeType::$node;
            fn slug_column() -> Self::Column {
                $entity::Column::Slug
            }
            fn id_column() -> Self::Column {
                $entity::Column::Id
            }
        }
    )+};
}
slugged!(article => "article", Article; person => "person", Person;
         organization => "organization", Organization; event => "event", Event;
         section => "section", Section; tag => "tag", Tag);

/// The id of the row that has `slug` now, or had it before.
pub async fn find_id<E: Slugged>(db: &impl ConnectionTrait, slug: &str) -> AppResult<Option<i64>> {
    let current: Option<i64> = E::find()
        .select_only()
        .column(E::id_column())
        .filter(E::slug_column().eq(slug))
        .into_tuple()
        .one(db)
        .await?;
    if current.is_some() {
        return Ok(current);
    }
    Ok(
        slug_alias::Entity::find_by_id((E::KIND.to_owned(), slug.to_owned()))
            .one(db)
            .await?
            .map(|alias| alias.target_id),
    )
}

/// The row that has `slug` now, or had it before: one statement when the
/// slug is current (a page's usual case), the alias and the row otherwise.
pub async fn find_row<E: Slugged>(
    db: &impl ConnectionTrait,
    slug: &str,
) -> AppResult<Option<E::Model>> {
    let current = E::find().filter(E::slug_column().eq(slug)).one(db).await?;
    if current.is_some() {
        return Ok(current);
    }
    let Some(alias) = slug_alias::Entity::find_by_id((E::KIND.to_owned(), slug.to_owned()))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    Ok(E::find()
        .filter(E::id_column().eq(alias.target_id))
        .one(db)
        .await?)
}

/// Whether row `id` exists.
pub async fn exists<E: Slugged>(db: &impl ConnectionTrait, id: i64) -> AppResult<bool> {
    let found: Option<i64> = E::find()
        .select_only()
        .column(E::id_column())
        .filter(E::id_column().eq(id))
        .into_tuple()
        .one(db)
        .await?;
    Ok(found.is_some())
}

/// Whether `slug` belongs (now or before) to a row other than `own`.
pub async fn is_taken<E: Slugged>(
    db: &impl ConnectionTrait,
    slug: &str,
    own: Option<i64>,
) -> AppResult<bool> {
    Ok(match find_id::<E>(db, slug).await? {
        Some(id) => Some(id) != own,
        None => false,
    })
}

/// Lower-case ASCII letters and digits in runs joined by single dashes.
pub fn is_valid(slug: &str) -> bool {
    !slug.is_empty() && slug.len() <= 200 && slug == slugify(slug)
}

/// The slug to store: `wanted` when given (it must be well-formed and
/// free), otherwise one made from `text`, numbered until free.
pub async fn choose<E: Slugged>(
    db: &impl ConnectionTrait,
    wanted: Option<&str>,
    text: &str,
    own: Option<i64>,
    field: &str,
) -> AppResult<String> {
    if let Some(wanted) = wanted {
        if !is_valid(wanted) {
            return Err(AppError::bad_input(
                field,
                format!(
                    "`{wanted}` is not a slug: use lower-case letters, digits and single dashes"
                ),
            ));
        }
        if is_taken::<E>(db, wanted, own).await? {
            return Err(AppError::bad_input(
                field,
                format!("the slug `{wanted}` is already taken"),
            ));
        }
        return Ok(wanted.to_owned());
    }
    let mut base = slugify(text);
    base.truncate(180);
    let base = base.trim_end_matches('-').to_owned();
    let base = if base.is_empty() {
        E::KIND.to_owned()
    } else {
        base
    };
    let mut candidate = base.clone();
    let mut n = 1;
    while is_taken::<E>(db, &candidate, own).await? {
        n += 1;
        candidate = format!("{base}-{n}");
    }
    Ok(candidate)
}

/// Keeps `old` resolving to `target` after a rename. If the row takes back
/// one of its own old slugs, that alias is dropped.
pub async fn record_rename<E: Slugged>(
    db: &impl ConnectionTrait,
    old: &str,
    new: &str,
    target: i64,
) -> AppResult<()> {
    if old == new {
        return Ok(());
    }
    slug_alias::Entity::delete_many()
        .filter(slug_alias::Column::Kind.eq(E::KIND))
        .filter(slug_alias::Column::Slug.eq(new))
        .exec(db)
        .await?;
    slug_alias::Entity::insert(slug_alias::ActiveModel {
        kind: Set(E::KIND.to_owned()),
        slug: Set(old.to_owned()),
        target_id: Set(target),
        created_at: Set(Utc::now()),
    })
    .on_conflict(
        OnConflict::columns([slug_alias::Column::Kind, slug_alias::Column::Slug])
            .update_column(slug_alias::Column::TargetId)
            .to_owned(),
    )
    .exec(db)
    .await?;
    Ok(())
}

/// After a merge: `from`'s slug and old slugs all lead to `into`.
pub async fn redirect<E: Slugged>(
    db: &impl ConnectionTrait,
    from_slug: &str,
    from: i64,
    into: i64,
) -> AppResult<()> {
    slug_alias::Entity::update_many()
        .col_expr(slug_alias::Column::TargetId, into.into())
        .filter(slug_alias::Column::Kind.eq(E::KIND))
        .filter(slug_alias::Column::TargetId.eq(from))
        .exec(db)
        .await?;
    record_rename::<E>(db, from_slug, "", into).await
}

/// How many aliases point at `target` (for tests and diagnostics).
pub async fn alias_count<E: Slugged>(db: &impl ConnectionTrait, target: i64) -> AppResult<u64> {
    Ok(slug_alias::Entity::find()
        .filter(slug_alias::Column::Kind.eq(E::KIND))
        .filter(slug_alias::Column::TargetId.eq(target))
        .count(db)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_validated_as_their_own_slugify() {
        assert!(is_valid("ban-dan-van-tinh-uy"));
        assert!(is_valid("2021-2026"));
        for bad in [
            "", "Ban", "ban--dan", "-ban", "ban-", "bàn", "ban dan", "ban_dan",
        ] {
            assert!(!is_valid(bad), "{bad}");
        }
    }
}
