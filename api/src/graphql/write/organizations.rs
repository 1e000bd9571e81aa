//! Organization mutations: create, update (re-parenting without loops),
//! delete (detaching links, positions and children on request) and merge.

use std::collections::HashMap;

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use entity::{article_organization, event_organization, organization, position};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, NotSet, QueryFilter, QuerySelect,
    Set,
    sea_query::{Expr, ExprTrait},
};

use super::{
    DeletePayload,
    support::{
        NAME_MAX, TEXT_MAX, collect, count_articles, count_rows, creates_cycle, delete_aliases,
        links_conflict, move_links, optional_line, optional_plain, reference, required_line,
        row_or_missing, target,
    },
};
use crate::versioning::{guarded, run_guarded, write_conflict};
use crate::{
    error::{AppError, AppResult, Errors},
    graphql::{
        db,
        organizations::{Organization, OrganizationKind},
        request,
    },
    ids::{self, NodeType},
    slugs,
};

/// What `createOrganization` and `updateOrganization` take. Every field is
/// optional on update; `name` and `kind` are required on create.
#[derive(InputObject, Default)]
pub struct OrganizationInput {
    /// "Ban Dân vận Tỉnh ủy". HTML is removed and the text normalized (NFC).
    pub name: Option<String>,
    /// Made from the name on create when left out. Changing it keeps the
    /// old slug resolving to this organization.
    pub slug: Option<String>,
    /// "UBND tỉnh"; null clears it.
    pub short_name: MaybeUndefined<String>,
    pub kind: Option<OrganizationKind>,
    /// The organization this one sits under (global ID or slug); null makes
    /// it top-level. It cannot be the organization itself or one below it.
    pub parent: MaybeUndefined<String>,
    /// Plain text; null clears it.
    pub description: MaybeUndefined<String>,
}

/// What the organization mutations answer.
#[derive(SimpleObject)]
pub struct OrganizationPayload {
    /// The organization as stored after the change.
    pub organization: Organization,
}

/// An `OrganizationInput` cleaned, validated and resolved.
struct CleanOrganization {
    name: Option<String>,
    slug: Option<String>,
    short_name: Option<Option<String>>,
    kind: Option<OrganizationKind>,
    parent: Option<Option<i64>>,
    description: Option<Option<String>>,
}

/// Every organization with its parent.
async fn tree(db: &impl ConnectionTrait) -> AppResult<HashMap<i64, Option<i64>>> {
    let rows: Vec<(i64, Option<i64>)> = organization::Entity::find()
        .select_only()
        .column(organization::Column::Id)
        .column(organization::Column::ParentId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Cleans and checks `input`, reporting every problem at once. `own` is
/// the organization being updated (`None` on create).
async fn clean(
    db: &impl ConnectionTrait,
    input: &OrganizationInput,
    own: Option<i64>,
) -> AppResult<CleanOrganization> {
    let mut errors = Errors::default();
    let creating = own.is_none();
    let name = required_line(
        &mut errors,
        "input.name",
        input.name.as_deref(),
        creating,
        NAME_MAX,
    );
    let short_name = optional_line(&mut errors, "input.shortName", &input.short_name, NAME_MAX);
    let description = optional_plain(
        &mut errors,
        "input.description",
        &input.description,
        TEXT_MAX,
    );
    errors.check(
        !creating || input.kind.is_some(),
        "input.kind",
        "is required",
    );
    let parent = match &input.parent {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(value) => {
            let found = reference::<organization::Entity>(
                db,
                &mut errors,
                NodeType::Organization,
                value,
                "input.parent",
            )
            .await?;
            match (found, own) {
                (Some(parent), Some(own)) if parent == own => {
                    errors.add("input.parent", "an organization cannot be its own parent");
                    None
                }
                (Some(parent), Some(own)) if creates_cycle(&tree(db).await?, own, parent) => {
                    errors.add(
                        "input.parent",
                        "an organization cannot sit under one of its own sub-organizations",
                    );
                    None
                }
                (Some(parent), _) => Some(Some(parent)),
                (None, _) => None,
            }
        }
    };
    let slug = if input.slug.is_some() || (creating && name.is_some()) {
        collect(
            &mut errors,
            slugs::choose::<organization::Entity>(
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
    Ok(CleanOrganization {
        name,
        slug,
        short_name,
        kind: input.kind,
        parent,
        description,
    })
}

/// The organization of row `id` in `txn`.
async fn load(txn: &impl ConnectionTrait, id: i64) -> AppResult<organization::Model> {
    row_or_missing(
        organization::Entity::find_by_id(id).one(txn).await?,
        "organization",
    )
}

#[derive(Default)]
pub struct OrganizationsMutation;

#[Object]
impl OrganizationsMutation {
    /// Adds an organization (editors and admins). The slug is made from the
    /// name unless given.
    async fn create_organization(
        &self,
        ctx: &Context<'_>,
        input: OrganizationInput,
    ) -> AppResult<OrganizationPayload> {
        let request = request(ctx)?;
        request.viewer.require_editor("managing organizations")?;
        let db = db(ctx)?;
        let clean = clean(db, &input, None).await?;
        let (Some(name), Some(slug), Some(kind)) = (clean.name, clean.slug, clean.kind) else {
            return Err(AppError::Internal(
                "a validated organization has no name or kind".into(),
            ));
        };
        let txn = crate::db::begin_write(db).await?;
        let row = organization::ActiveModel {
            id: NotSet,
            parent_id: Set(clean.parent.flatten()),
            name: Set(name),
            slug: Set(slug),
            short_name: Set(clean.short_name.flatten()),
            kind: Set(kind.as_db().to_owned()),
            description: Set(clean.description.flatten()),
            created_at: Set(request.now),
            updated_at: Set(request.now),
            version: Set(1),
        }
        .insert(&txn)
        .await
        .map_err(write_conflict)?;
        crate::search::refresh(
            &txn,
            crate::search::names::NameKind::Organization,
            row.id,
            &[],
        )
        .await?;
        txn.commit().await?;
        Ok(OrganizationPayload {
            organization: Organization(row),
        })
    }

    /// Changes an organization (editors and admins): only the fields given
    /// change. A stale `version` is a `CONFLICT` carrying `currentVersion`.
    async fn update_organization(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organization's global ID (or slug).")] id: ID,
        version: i32,
        input: OrganizationInput,
    ) -> AppResult<OrganizationPayload> {
        let request = request(ctx)?;
        request.viewer.require_editor("managing organizations")?;
        let db = db(ctx)?;
        let id = target::<organization::Entity>(db, NodeType::Organization, &id, "id").await?;
        let clean = clean(db, &input, Some(id)).await?;

        let txn = crate::db::begin_write(db).await?;
        let mut update = guarded::<organization::Entity>(id, version)
            .col_expr(organization::Column::UpdatedAt, Expr::value(request.now));
        if let Some(name) = clean.name {
            update = update.col_expr(organization::Column::Name, Expr::value(name));
        }
        if let Some(short_name) = clean.short_name {
            update = update.col_expr(organization::Column::ShortName, Expr::value(short_name));
        }
        if let Some(kind) = clean.kind {
            update = update.col_expr(organization::Column::Kind, Expr::value(kind.as_db()));
        }
        if let Some(parent) = clean.parent {
            update = update.col_expr(organization::Column::ParentId, Expr::value(parent));
        }
        if let Some(description) = clean.description {
            update = update.col_expr(organization::Column::Description, Expr::value(description));
        }
        run_guarded(&txn, update, id).await?;
        // Articles naming it now are reindexed after the write.
        let linked =
            crate::search::linked_articles(&txn, crate::search::names::NameKind::Organization, id)
                .await?;
        let before = load(&txn, id).await?;
        if let Some(slug) = clean.slug.filter(|s| *s != before.slug) {
            organization::Entity::update_many()
                .col_expr(organization::Column::Slug, Expr::value(slug.clone()))
                .filter(organization::Column::Id.eq(id))
                .exec(&txn)
                .await
                .map_err(write_conflict)?;
            slugs::record_rename::<organization::Entity>(&txn, &before.slug, &slug, id).await?;
        }
        let row = load(&txn, id).await?;
        crate::search::refresh(
            &txn,
            crate::search::names::NameKind::Organization,
            id,
            &linked,
        )
        .await?;
        txn.commit().await?;
        Ok(OrganizationPayload {
            organization: Organization(row),
        })
    }

    /// Removes an organization (admins). One still linked to articles,
    /// events, positions or sub-organizations is a `CONFLICT` unless
    /// `detach` is true: then those links and positions are removed and its
    /// sub-organizations move up to its own parent.
    async fn delete_organization(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The organization's global ID (or slug).")] id: ID,
        version: i32,
        #[graphql(default_with = "Some(false)")] detach: Option<bool>,
    ) -> AppResult<DeletePayload> {
        let request = request(ctx)?;
        request.viewer.require_admin("deleting organizations")?;
        let db = db(ctx)?;
        let id = target::<organization::Entity>(db, NodeType::Organization, &id, "id").await?;

        let txn = crate::db::begin_write(db).await?;
        run_guarded(&txn, guarded::<organization::Entity>(id, version), id).await?;
        // Articles naming it now are reindexed after the write.
        let linked =
            crate::search::linked_articles(&txn, crate::search::names::NameKind::Organization, id)
                .await?;
        let row = load(&txn, id).await?;
        let articles = count_articles(
            &txn,
            article_organization::Entity::find()
                .filter(article_organization::Column::OrganizationId.eq(id)),
            article_organization::Column::ArticleId,
        )
        .await?;
        let events = count_rows(
            &txn,
            event_organization::Entity::find()
                .filter(event_organization::Column::OrganizationId.eq(id)),
        )
        .await?;
        let positions = count_rows(
            &txn,
            position::Entity::find().filter(position::Column::OrganizationId.eq(id)),
        )
        .await?;
        let children = count_rows(
            &txn,
            organization::Entity::find().filter(organization::Column::ParentId.eq(id)),
        )
        .await?;
        if !detach.unwrap_or(false)
            && let Some(conflict) = links_conflict(
                "organization",
                &[
                    (articles, "article", "articles"),
                    (events, "event", "events"),
                    (positions, "position", "positions"),
                    (children, "sub-organization", "sub-organizations"),
                ],
            )
        {
            return Err(conflict);
        }
        article_organization::Entity::delete_many()
            .filter(article_organization::Column::OrganizationId.eq(id))
            .exec(&txn)
            .await
            .map_err(write_conflict)?;
        event_organization::Entity::delete_many()
            .filter(event_organization::Column::OrganizationId.eq(id))
            .exec(&txn)
            .await
            .map_err(write_conflict)?;
        position::Entity::delete_many()
            .filter(position::Column::OrganizationId.eq(id))
            .exec(&txn)
            .await
            .map_err(write_conflict)?;
        organization::Entity::update_many()
            .col_expr(organization::Column::ParentId, Expr::value(row.parent_id))
            .col_expr(
                organization::Column::Version,
                Expr::col(organization::Column::Version).add(1),
            )
            .col_expr(organization::Column::UpdatedAt, Expr::value(request.now))
            .filter(organization::Column::ParentId.eq(id))
            .exec(&txn)
            .await
            .map_err(write_conflict)?;
        delete_aliases::<organization::Entity>(&txn, id).await?;
        organization::Entity::delete_by_id(id)
            .exec(&txn)
            .await
            .map_err(write_conflict)?;
        crate::search::refresh(
            &txn,
            crate::search::names::NameKind::Organization,
            id,
            &linked,
        )
        .await?;
        txn.commit().await?;
        Ok(DeletePayload {
            id: ids::encode(NodeType::Organization, id),
            slug: row.slug,
        })
    }

    /// Merges two records of the same organization (admins): every article
    /// and event link, position and sub-organization of `from` moves to
    /// `into` (a link `into` already has is dropped), `from`'s slugs lead
    /// to `into` from now on, and `from` is deleted. When `into` sat under
    /// `from`, it takes `from`'s place in the hierarchy.
    async fn merge_organizations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The duplicate to fold away: global ID or slug.")] from: ID,
        #[graphql(desc = "The organization that stays: global ID or slug.")] into: ID,
    ) -> AppResult<OrganizationPayload> {
        let request = request(ctx)?;
        request.viewer.require_admin("merging organizations")?;
        let db = db(ctx)?;
        let from =
            target::<organization::Entity>(db, NodeType::Organization, &from, "from").await?;
        let into =
            target::<organization::Entity>(db, NodeType::Organization, &into, "into").await?;
        if from == into {
            return Err(AppError::bad_input(
                "into",
                "an organization cannot be merged into itself",
            ));
        }

        let txn = crate::db::begin_write(db).await?;
        // The first statement takes the write lock: `into` changes version.
        let bumped = organization::Entity::update_many()
            .col_expr(
                organization::Column::Version,
                Expr::col(organization::Column::Version).add(1),
            )
            .col_expr(organization::Column::UpdatedAt, Expr::value(request.now))
            .filter(organization::Column::Id.eq(into))
            .exec(&txn)
            .await?;
        if bumped.rows_affected == 0 {
            return Err(AppError::NotFound("organization".into()));
        }
        let linked = crate::search::linked_articles(
            &txn,
            crate::search::names::NameKind::Organization,
            from,
        )
        .await?;
        let gone = load(&txn, from).await?;
        // `into` below `from`: lift it to `from`'s place first, so that
        // moving `from`'s children under it cannot close a loop.
        if creates_cycle(&tree(&txn).await?, from, into) {
            organization::Entity::update_many()
                .col_expr(organization::Column::ParentId, Expr::value(gone.parent_id))
                .filter(organization::Column::Id.eq(into))
                .exec(&txn)
                .await
                .map_err(write_conflict)?;
        }
        organization::Entity::update_many()
            .col_expr(organization::Column::ParentId, Expr::value(into))
            .col_expr(
                organization::Column::Version,
                Expr::col(organization::Column::Version).add(1),
            )
            .col_expr(organization::Column::UpdatedAt, Expr::value(request.now))
            .filter(organization::Column::ParentId.eq(from))
            .exec(&txn)
            .await
            .map_err(write_conflict)?;
        move_links::<article_organization::Entity>(
            &txn,
            article_organization::Column::OrganizationId,
            &[article_organization::Column::ArticleId],
            from,
            into,
        )
        .await?;
        move_links::<event_organization::Entity>(
            &txn,
            event_organization::Column::OrganizationId,
            &[event_organization::Column::EventId],
            from,
            into,
        )
        .await?;
        position::Entity::update_many()
            .col_expr(position::Column::OrganizationId, Expr::value(into))
            .filter(position::Column::OrganizationId.eq(from))
            .exec(&txn)
            .await
            .map_err(write_conflict)?;
        slugs::redirect::<organization::Entity>(&txn, &gone.slug, from, into).await?;
        organization::Entity::delete_by_id(from)
            .exec(&txn)
            .await
            .map_err(write_conflict)?;
        let row = load(&txn, into).await?;
        crate::search::refresh(
            &txn,
            crate::search::names::NameKind::Organization,
            from,
            &[],
        )
        .await?;
        crate::search::refresh(
            &txn,
            crate::search::names::NameKind::Organization,
            into,
            &linked,
        )
        .await?;
        txn.commit().await?;
        Ok(OrganizationPayload {
            organization: Organization(row),
        })
    }
}
