//! Organizations: a name, a kind, a short name, a description, and a
//! place in the tree of organizations.

use chrono::{DateTime, Utc};
use entity::{article_organization, event_organization, organization, position};
use sea_orm::{
    ActiveModelTrait, DatabaseConnection, DatabaseTransaction, NotSet, Set, UpdateMany,
    sea_query::Expr,
};

use super::{
    Catalogued, Patch,
    fields::{self, NAME_MAX, TEXT_MAX, optional_line, optional_plain, required_line},
    links::Link,
    tree::{self, Hierarchy},
};
use crate::{
    error::{AppError, AppResult, Errors},
    search::names::NameKind,
    versioning::write_conflict,
};

/// What creating or updating an organization takes; `name` and `kind`
/// are required on create.
#[derive(Default)]
pub struct OrganizationInput {
    pub name: Option<String>,
    pub slug: Option<String>,
    pub short_name: Patch<String>,
    /// The kind as stored (`PARTY_COMMITTEE`…).
    pub kind: Option<String>,
    /// The organization above (global ID or slug); null: top-level.
    pub parent: Patch<String>,
    pub description: Patch<String>,
}

/// An `OrganizationInput` cleaned, validated and resolved.
pub struct CleanOrganization {
    name: Option<String>,
    slug: Option<String>,
    short_name: Option<Option<String>>,
    kind: Option<String>,
    parent: Option<Option<i64>>,
    description: Option<Option<String>>,
}

impl Catalogued for organization::Entity {
    type Input = OrganizationInput;
    type Clean = CleanOrganization;
    const NAMES: NameKind = NameKind::Organization;
    const PLURAL: &'static str = "organizations";
    const A_NAME: &'static str = "an organization";

    fn updated_at() -> Option<organization::Column> {
        Some(organization::Column::UpdatedAt)
    }

    fn links() -> Vec<Link> {
        vec![
            Link::on(article_organization::Column::OrganizationId)
                .named("article", "articles")
                .per(article_organization::Column::ArticleId)
                .keyed([article_organization::Column::ArticleId]),
            Link::on(event_organization::Column::OrganizationId)
                .named("event", "events")
                .keyed([event_organization::Column::EventId]),
            Link::on(position::Column::OrganizationId).named("position", "positions"),
        ]
    }

    fn hierarchy() -> Option<Hierarchy<organization::Column>> {
        Some(Hierarchy {
            parent: organization::Column::ParentId,
            child: ("sub-organization", "sub-organizations"),
        })
    }

    async fn clean(
        db: &DatabaseConnection,
        input: &OrganizationInput,
        current: Option<&organization::Model>,
    ) -> AppResult<CleanOrganization> {
        let mut errors = Errors::default();
        let own = current.map(|o| o.id);
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
        let hierarchy = Self::hierarchy().ok_or_else(|| AppError::Internal("no tree".into()))?;
        let parent = tree::parent::<organization::Entity>(
            db,
            &mut errors,
            &input.parent,
            own,
            &hierarchy,
            Self::A_NAME,
        )
        .await?;
        let wanted = input.slug.as_deref();
        let slug =
            fields::slug::<organization::Entity>(db, &mut errors, wanted, name.as_deref(), own)
                .await?;
        errors.finish()?;
        Ok(CleanOrganization {
            name,
            slug,
            short_name,
            kind: input.kind.clone(),
            parent,
            description,
        })
    }

    fn slug(clean: &CleanOrganization) -> Option<&str> {
        clean.slug.as_deref()
    }

    async fn add(
        txn: &DatabaseTransaction,
        clean: CleanOrganization,
        now: DateTime<Utc>,
    ) -> AppResult<organization::Model> {
        let (Some(name), Some(slug), Some(kind)) = (clean.name, clean.slug, clean.kind) else {
            return Err(AppError::Internal(
                "a validated organization has no name or kind".into(),
            ));
        };
        let row = organization::ActiveModel {
            id: NotSet,
            parent_id: Set(clean.parent.flatten()),
            name: Set(name),
            slug: Set(slug),
            short_name: Set(clean.short_name.flatten()),
            kind: Set(kind),
            description: Set(clean.description.flatten()),
            created_at: Set(now),
            updated_at: Set(now),
            version: Set(1),
        };
        row.insert(txn).await.map_err(write_conflict)
    }

    fn set(mut update: UpdateMany<Self>, clean: &CleanOrganization) -> UpdateMany<Self> {
        use organization::Column;
        if let Some(name) = &clean.name {
            update = update.col_expr(Column::Name, Expr::value(name.clone()));
        }
        if let Some(short_name) = &clean.short_name {
            update = update.col_expr(Column::ShortName, Expr::value(short_name.clone()));
        }
        if let Some(kind) = &clean.kind {
            update = update.col_expr(Column::Kind, Expr::value(kind.clone()));
        }
        if let Some(parent) = clean.parent {
            update = update.col_expr(Column::ParentId, Expr::value(parent));
        }
        if let Some(description) = &clean.description {
            update = update.col_expr(Column::Description, Expr::value(description.clone()));
        }
        update
    }
}
