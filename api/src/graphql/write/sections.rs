//! Section mutations: create, update (moving within the tree without
//! loops) and delete (only of an empty leaf).

use std::collections::HashMap;

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use entity::{article, section};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, NotSet, PaginatorTrait,
    QueryFilter, QuerySelect, Set,
    sea_query::{Expr, ExprTrait},
};

use super::{
    DeletePayload,
    support::{
        NAME_MAX, amounts, collect, creates_cycle, delete_aliases, join, reference, required_line,
        row_or_missing, target,
    },
};
use crate::versioning::{guarded, run_guarded, write_conflict};
use crate::{
    error::{AppError, AppResult, Errors},
    graphql::{db, request, sections::Section},
    ids::{self, NodeType},
    slugs,
};

/// What `createSection` and `updateSection` take. Every field is optional
/// on update; `name` is required on create.
#[derive(InputObject, Default)]
pub struct SectionInput {
    /// "Thời sự - Chính trị". HTML is removed and the text normalized (NFC).
    pub name: Option<String>,
    /// Made from the name on create when left out. Changing it keeps the
    /// old slug resolving to this section.
    pub slug: Option<String>,
    /// The section this one sits under (global ID or slug); null makes it
    /// top-level. It cannot be the section itself or one below it.
    pub parent: MaybeUndefined<String>,
    /// Menu order among its siblings; a new section goes last by default.
    pub position: Option<i32>,
    /// IPTC Media Topic code, `medtop:` and 8 digits (`medtop:11000000`);
    /// null clears it.
    pub iptc_media_topic: MaybeUndefined<String>,
}

/// What the section mutations answer.
#[derive(SimpleObject)]
pub struct SectionPayload {
    /// The section as stored after the change.
    pub section: Section,
}

/// A `SectionInput` cleaned, validated and resolved.
struct CleanSection {
    name: Option<String>,
    slug: Option<String>,
    parent: Option<Option<i64>>,
    position: Option<i32>,
    iptc_media_topic: Option<Option<String>>,
}

/// Whether `code` is an IPTC Media Topic code: `medtop:` and 8 digits.
fn is_media_topic(code: &str) -> bool {
    code.strip_prefix("medtop:")
        .is_some_and(|digits| digits.len() == 8 && digits.bytes().all(|b| b.is_ascii_digit()))
}

/// Every section with its parent.
async fn tree(db: &impl ConnectionTrait) -> AppResult<HashMap<i64, Option<i64>>> {
    let rows: Vec<(i64, Option<i64>)> = section::Entity::find()
        .select_only()
        .column(section::Column::Id)
        .column(section::Column::ParentId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Cleans and checks `input`, reporting every problem at once. `own` is
/// the section being updated (`None` on create).
async fn clean(
    db: &impl ConnectionTrait,
    input: &SectionInput,
    own: Option<i64>,
) -> AppResult<CleanSection> {
    let mut errors = Errors::default();
    let creating = own.is_none();
    let name = required_line(
        &mut errors,
        "input.name",
        input.name.as_deref(),
        creating,
        NAME_MAX,
    );
    let parent = match &input.parent {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(value) => {
            let found = reference::<section::Entity>(
                db,
                &mut errors,
                NodeType::Section,
                value,
                "input.parent",
            )
            .await?;
            match (found, own) {
                (Some(parent), Some(own)) if parent == own => {
                    errors.add("input.parent", "a section cannot be its own parent");
                    None
                }
                (Some(parent), Some(own)) if creates_cycle(&tree(db).await?, own, parent) => {
                    errors.add(
                        "input.parent",
                        "a section cannot sit under one of its own sub-sections",
                    );
                    None
                }
                (Some(parent), _) => Some(Some(parent)),
                (None, _) => None,
            }
        }
    };
    if let Some(position) = input.position {
        errors.check(position >= 0, "input.position", "must not be negative");
    }
    let iptc_media_topic = match &input.iptc_media_topic {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(code) => {
            let code = code.trim();
            if code.is_empty() {
                Some(None)
            } else {
                errors.check(
                    is_media_topic(code),
                    "input.iptcMediaTopic",
                    format!(
                        "`{code}` is not an IPTC Media Topic code: use `medtop:` and 8 digits, e.g. `medtop:11000000`"
                    ),
                );
                Some(Some(code.to_owned()))
            }
        }
    };
    let slug = if input.slug.is_some() || (creating && name.is_some()) {
        collect(
            &mut errors,
            slugs::choose::<section::Entity>(
                db,
                input.slug.as_deref(),
                name.as_deref().unwrap_or_default(),
                own,
                "input.slug",
            )
            .await,
        )?
    } else {
        None
    };
    errors.finish()?;
    Ok(CleanSection {
        name,
        slug,
        parent,
        position: input.position,
        iptc_media_topic,
    })
}

/// The position after the last sibling under `parent`.
async fn next_position(db: &impl ConnectionTrait, parent: Option<i64>) -> AppResult<i32> {
    let siblings = match parent {
        Some(parent) => section::Entity::find().filter(section::Column::ParentId.eq(parent)),
        None => section::Entity::find().filter(section::Column::ParentId.is_null()),
    };
    let last: Option<Option<i32>> = siblings
        .select_only()
        .expr(Expr::col(section::Column::Position).max())
        .into_tuple()
        .one(db)
        .await?;
    Ok(last.flatten().map_or(1, |p| p.saturating_add(1)))
}

/// The section of row `id`.
async fn load(db: &impl ConnectionTrait, id: i64) -> AppResult<section::Model> {
    row_or_missing(section::Entity::find_by_id(id).one(db).await?, "section")
}

#[derive(Default)]
pub struct SectionsMutation;

#[Object]
impl SectionsMutation {
    /// Adds a section (editors and admins). The slug is made from the name
    /// unless given.
    async fn create_section(
        &self,
        ctx: &Context<'_>,
        input: SectionInput,
    ) -> AppResult<SectionPayload> {
        let request = request(ctx)?;
        request.viewer.require_editor("managing sections")?;
        let db = db(ctx)?;
        let clean = clean(db, &input, None).await?;
        let (Some(name), Some(slug)) = (clean.name, clean.slug) else {
            return Err(AppError::Internal("a validated section has no name".into()));
        };
        let parent = clean.parent.flatten();
        let position = match clean.position {
            Some(position) => position,
            None => next_position(db, parent).await?,
        };
        let txn = crate::db::begin_write(db).await?;
        let row = section::ActiveModel {
            id: NotSet,
            parent_id: Set(parent),
            name: Set(name),
            slug: Set(slug),
            position: Set(position),
            iptc_media_topic: Set(clean.iptc_media_topic.flatten()),
            version: Set(1),
        }
        .insert(&txn)
        .await
        .map_err(write_conflict)?;
        crate::search::refresh(&txn, crate::search::names::NameKind::Section, row.id, &[]).await?;
        txn.commit().await?;
        Ok(SectionPayload {
            section: Section(row),
        })
    }

    /// Changes a section (editors and admins): only the fields given
    /// change. A stale `version` is a `CONFLICT` carrying `currentVersion`.
    async fn update_section(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The section's global ID (or slug).")] id: ID,
        version: i32,
        input: SectionInput,
    ) -> AppResult<SectionPayload> {
        let request = request(ctx)?;
        request.viewer.require_editor("managing sections")?;
        let db = db(ctx)?;
        let id = target::<section::Entity>(db, NodeType::Section, &id, "id").await?;
        let clean = clean(db, &input, Some(id)).await?;

        let txn = crate::db::begin_write(db).await?;
        let mut update = guarded::<section::Entity>(id, version);
        if let Some(name) = clean.name {
            update = update.col_expr(section::Column::Name, Expr::value(name));
        }
        if let Some(parent) = clean.parent {
            update = update.col_expr(section::Column::ParentId, Expr::value(parent));
        }
        if let Some(position) = clean.position {
            update = update.col_expr(section::Column::Position, Expr::value(position));
        }
        if let Some(code) = clean.iptc_media_topic {
            update = update.col_expr(section::Column::IptcMediaTopic, Expr::value(code));
        }
        run_guarded(&txn, update, id).await?;
        // Articles naming it now are reindexed after the write.
        let linked =
            crate::search::linked_articles(&txn, crate::search::names::NameKind::Section, id)
                .await?;
        let before = load(&txn, id).await?;
        if let Some(slug) = clean.slug.filter(|s| *s != before.slug) {
            section::Entity::update_many()
                .col_expr(section::Column::Slug, Expr::value(slug.clone()))
                .filter(section::Column::Id.eq(id))
                .exec(&txn)
                .await
                .map_err(write_conflict)?;
            slugs::record_rename::<section::Entity>(&txn, &before.slug, &slug, id).await?;
        }
        let row = load(&txn, id).await?;
        crate::search::refresh(&txn, crate::search::names::NameKind::Section, id, &linked).await?;
        txn.commit().await?;
        Ok(SectionPayload {
            section: Section(row),
        })
    }

    /// Removes an empty section (admins). A section that still has articles
    /// (even deleted ones) or sub-sections is a `CONFLICT`: move them
    /// first. There is no `detach`: articles always need a section.
    async fn delete_section(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The section's global ID (or slug).")] id: ID,
        version: i32,
    ) -> AppResult<DeletePayload> {
        let request = request(ctx)?;
        request.viewer.require_admin("deleting sections")?;
        let db = db(ctx)?;
        let id = target::<section::Entity>(db, NodeType::Section, &id, "id").await?;

        let txn = crate::db::begin_write(db).await?;
        run_guarded(&txn, guarded::<section::Entity>(id, version), id).await?;
        // Articles naming it now are reindexed after the write.
        let linked =
            crate::search::linked_articles(&txn, crate::search::names::NameKind::Section, id)
                .await?;
        let row = load(&txn, id).await?;
        let articles = article::Entity::find()
            .filter(article::Column::SectionId.eq(id))
            .count(&txn)
            .await?;
        let children = section::Entity::find()
            .filter(section::Column::ParentId.eq(id))
            .count(&txn)
            .await?;
        let parts = amounts(&[
            (articles, "article", "articles"),
            (children, "sub-section", "sub-sections"),
        ]);
        if !parts.is_empty() {
            return Err(AppError::Conflict(format!(
                "the section still has {}: move its articles to another section and move or \
                 delete its sub-sections first (deleted articles count too, as they keep their \
                 section); sections have no `detach`, since every article needs a section",
                join(&parts)
            )));
        }
        delete_aliases::<section::Entity>(&txn, id).await?;
        section::Entity::delete_by_id(id)
            .exec(&txn)
            .await
            .map_err(write_conflict)?;
        crate::search::refresh(&txn, crate::search::names::NameKind::Section, id, &linked).await?;
        txn.commit().await?;
        Ok(DeletePayload {
            id: ids::encode(NodeType::Section, id),
            slug: row.slug,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_topic_codes_are_medtop_and_eight_digits() {
        assert!(is_media_topic("medtop:11000000"));
        for bad in [
            "11000000",
            "medtop:1100000",
            "medtop:110000000",
            "medtop:1100000a",
            "MEDTOP:11000000",
        ] {
            assert!(!is_media_topic(bad), "{bad}");
        }
    }
}
