//! Organizations: a name, a kind, a short name, a description, and a
//! place in the tree of organizations.

use chrono::{DateTime, Utc};
use entity::{article_organization, event_organization, organization, position};
use sea_orm::{
    ActiveModelTrait, DatabaseConnection, DatabaseTransaction, NotSet, Set, UpdateMany,
    sea_query::Expr,
};

use super::{
    Catalogued, Named, Patch,
    fields::{NAME_MAX, TEXT_MAX, optional_line, optional_plain},
    links::Link,
    tree::{self, Hierarchy},
};
use crate::{
    domain::search::names::NameKind,
    domain::versioning::write_conflict,
    platform::error::{AppError, AppResult, Errors},
};

/// What creating or updating an organization takes: the name, the slug,
/// and these.
pub type OrganizationInput = Named<OrganizationFields>;

/// An organization's fields besides the name and the slug; `kind` is
/// required on create.
#[derive(Default)]
pub struct OrganizationFields {
    pub short_name: Patch<String>,
    /// The kind as stored (`PARTY_COMMITTEE`…).
    pub kind: Option<String>,
    /// The organization above (global ID or slug); null: top-level.
    pub parent: Patch<String>,
    pub description: Patch<String>,
}

/// `OrganizationFields` cleaned, validated and resolved.
pub struct CleanOrganization {
    short_name: Option<Option<String>>,
    kind: Option<String>,
    parent: Option<Option<i64>>,
    description: Option<Option<String>>,
}

impl Catalogued for organization::Entity {
    type Fields = OrganizationFields;
    type Clean = CleanOrganization;
    const NAMES: NameKind = NameKind::Organization;
    const PLURAL: &'static str = "organizations";
    const A_NAME: &'static str = "an organization";

    fn name_column() -> organization::Column {
        organization::Column::Name
    }

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
        input: &OrganizationFields,
        current: Option<&organization::Model>,
        errors: &mut Errors,
    ) -> AppResult<CleanOrganization> {
        let own = current.map(|o| o.id);
        let short_name = optional_line(errors, "input.shortName", &input.short_name, NAME_MAX);
        let description = optional_plain(errors, "input.description", &input.description, TEXT_MAX);
        let kind_given = own.is_some() || input.kind.is_some();
        errors.check(kind_given, "input.kind", "is required");
        let hierarchy = Self::hierarchy().ok_or_else(|| AppError::Internal("no tree".into()))?;
        let parent = &input.parent;
        let parent =
            tree::parent::<organization::Entity>(db, errors, parent, own, &hierarchy, Self::A_NAME)
                .await?;
        Ok(CleanOrganization {
            short_name,
            kind: input.kind.clone(),
            parent,
            description,
        })
    }

    async fn add(
        txn: &DatabaseTransaction,
        name: String,
        slug: String,
        clean: CleanOrganization,
        now: DateTime<Utc>,
    ) -> AppResult<organization::Model> {
        let Some(kind) = clean.kind else {
            return Err(AppError::Internal(
                "a validated organization has no kind".into(),
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
