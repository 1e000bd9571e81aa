//! Organizations, their hierarchy, and the `organization` /
//! `organizations` queries.

use async_graphql::{
    Context, ContextSelectionSet, Enum, ID, InputObject, Object, ScalarType, Value,
    parser::types::Field, resolver_utils::enum_value,
};
use entity::organization;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::{
    articles::ArticleConnection,
    connection::{Total, connection},
    db,
    events::EventConnection,
    loaders, lookup,
    people::{Position, positions},
    plain::{PlainFields, or_null},
    request,
};
use crate::{
    domain::articles::ArticleScope,
    domain::events::EventScope,
    domain::loaders::{ChildrenOfOrganization, OrganizationId, PositionsInOrganization},
    domain::references,
    platform::error::AppResult,
    platform::ids::{self, NodeType},
    platform::pagination::{Cursor, Page, SortKey},
};

/// What kind of body an organization is.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum OrganizationKind {
    /// Party committees and their boards (Tỉnh ủy, Ban Dân vận Tỉnh ủy).
    PartyCommittee,
    /// People's committees (UBND).
    PeoplesCommittee,
    /// People's councils (HĐND).
    PeoplesCouncil,
    /// Departments and agencies (Sở Nội vụ).
    Department,
    /// Mass organizations (Hội Nông dân, Tỉnh đoàn…).
    MassOrganization,
    /// Businesses, state-owned or private.
    Company,
    /// Schools, colleges and universities.
    School,
    /// Hospitals and health centres.
    Hospital,
    /// The army, the police, the border guard and their units.
    ArmedForces,
    /// Any other kind (and kinds this API does not know yet).
    Other,
}

impl OrganizationKind {
    /// Reads the stored name; unknown names read as `OTHER`.
    pub fn from_db(value: &str) -> Self {
        use OrganizationKind::*;
        [
            PartyCommittee,
            PeoplesCommittee,
            PeoplesCouncil,
            Department,
            MassOrganization,
            Company,
            School,
            Hospital,
            ArmedForces,
        ]
        .into_iter()
        .find(|kind| kind.as_db() == value)
        .unwrap_or(Other)
    }

    /// The stored name, as in the GraphQL enum.
    pub fn as_db(self) -> &'static str {
        use OrganizationKind::*;
        match self {
            PartyCommittee => "PARTY_COMMITTEE",
            PeoplesCommittee => "PEOPLES_COMMITTEE",
            PeoplesCouncil => "PEOPLES_COUNCIL",
            Department => "DEPARTMENT",
            MassOrganization => "MASS_ORGANIZATION",
            Company => "COMPANY",
            School => "SCHOOL",
            Hospital => "HOSPITAL",
            ArmedForces => "ARMED_FORCES",
            Other => "OTHER",
        }
    }
}

/// A party committee, a people's committee, a department, a company…
#[derive(Clone)]
pub struct Organization(pub organization::Model);

connection!(
    OrganizationConnection,
    OrganizationEdge,
    Organization,
    organization::Entity,
    "A page of organizations."
);

impl PlainFields for Organization {
    fn plain_field(&self, _: &ContextSelectionSet<'_>, field: &Field) -> Option<Value> {
        Some(match field.name.node.as_str() {
            "id" => Value::String(ids::encode(NodeType::Organization, self.0.id)),
            "slug" => Value::String(self.0.slug.clone()),
            "version" => self.0.version.to_value(),
            "name" => Value::String(self.0.name.clone()),
            "shortName" => or_null(self.0.short_name.clone(), Value::String),
            "kind" => enum_value(OrganizationKind::from_db(&self.0.kind)),
            "description" => or_null(self.0.description.clone(), Value::String),
            _ => return None,
        })
    }
}

/// A party committee, a people's committee, a department, a company…: a
/// body with a kind, an optional short name, and a place in a hierarchy.
#[Object]
impl Organization {
    /// The global ID (pass it to `node(id:)`).
    pub async fn id(&self) -> ID {
        ids::encode(NodeType::Organization, self.0.id).into()
    }

    /// URL-safe name, unique among organizations.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// Incremented by every change; send it back with updates.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// "Ban Dân vận Tỉnh ủy".
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// "UBND tỉnh".
    async fn short_name(&self) -> Option<&str> {
        self.0.short_name.as_deref()
    }

    /// What kind of body it is.
    async fn kind(&self) -> OrganizationKind {
        OrganizationKind::from_db(&self.0.kind)
    }

    /// A short presentation of the organization; null when none was written.
    async fn description(&self) -> Option<&str> {
        self.0.description.as_deref()
    }

    /// The organization this one sits under (Ban Dân vận Tỉnh ủy → Tỉnh ủy).
    async fn parent(&self, ctx: &Context<'_>) -> AppResult<Option<Organization>> {
        let Some(parent) = self.0.parent_id else {
            return Ok(None);
        };
        Ok(loaders(ctx)?
            .load_one(OrganizationId(parent))
            .await?
            .map(Organization))
    }

    /// The organizations directly under this one.
    async fn children(&self, ctx: &Context<'_>) -> AppResult<Vec<Organization>> {
        Ok(loaders(ctx)?
            .load_one(ChildrenOfOrganization(self.0.id))
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(Organization)
            .collect())
    }

    /// Who holds (or held) which title here; `current` as on `Person.positions`.
    async fn positions(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "True: only positions held today (newsroom time zone, +07:00); false: only those that have ended; absent: all."
        )]
        current: Option<bool>,
    ) -> AppResult<Vec<Position>> {
        let all = loaders(ctx)?
            .load_one(PositionsInOrganization(self.0.id))
            .await?
            .unwrap_or_default()
            .into_iter()
            .map(|(row, holder)| Position::with_holder(row, holder));
        Ok(positions(all, current, request(ctx)?.now()))
    }

    /// Articles about this organization, newest first.
    #[graphql(complexity = "crate::graphql::cost::page(first.or(last), child_complexity)")]
    async fn articles(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Page size counting from the start (or from `after`): 0 to 100; 20 when neither `first` nor `last` is given. Not together with `last`."
        )]
        first: Option<i32>,
        #[graphql(desc = "Cursor to continue after: an edge's `cursor` or `pageInfo.endCursor`.")]
        after: Option<String>,
        #[graphql(
            desc = "Page size counting back from the end (or from `before`): 0 to 100. Not together with `first`."
        )]
        last: Option<i32>,
        #[graphql(desc = "Cursor to stop before: an edge's `cursor` or `pageInfo.startCursor`.")]
        before: Option<String>,
    ) -> AppResult<ArticleConnection> {
        let page = Page::from_params(first, after, last, before)?;
        let scope = ArticleScope::of_organization(self.0.id);
        ArticleConnection::newest(ctx, &scope, &page).await
    }

    /// Events this organization took part in, newest first.
    #[graphql(complexity = "crate::graphql::cost::page(first.or(last), child_complexity)")]
    async fn events(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Page size counting from the start (or from `after`): 0 to 100; 20 when neither `first` nor `last` is given. Not together with `last`."
        )]
        first: Option<i32>,
        #[graphql(desc = "Cursor to continue after: an edge's `cursor` or `pageInfo.endCursor`.")]
        after: Option<String>,
        #[graphql(
            desc = "Page size counting back from the end (or from `before`): 0 to 100. Not together with `first`."
        )]
        last: Option<i32>,
        #[graphql(desc = "Cursor to stop before: an edge's `cursor` or `pageInfo.startCursor`.")]
        before: Option<String>,
    ) -> AppResult<EventConnection> {
        let page = Page::from_params(first, after, last, before)?;
        let scope = EventScope::of_organization(self.0.id);
        EventConnection::of_scope(ctx, &scope, &page).await
    }
}

/// Narrows the list of organizations.
#[derive(InputObject, Default)]
pub struct OrganizationFilter {
    /// Only organizations of this kind.
    pub kind: Option<OrganizationKind>,
    /// Only the organizations directly under this one (ID or slug).
    pub parent: Option<String>,
    /// Only top-level organizations.
    pub root: Option<bool>,
}

/// The organization queries.
#[derive(Default)]
pub struct OrganizationsQuery;

#[Object]
impl OrganizationsQuery {
    /// One organization by global ID or slug.
    async fn organization(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The global ID. Give exactly one of `id` and `slug`.")] id: Option<ID>,
        #[graphql(
            desc = "The slug; an old slug still finds the row that had it. Give exactly one of `id` and `slug`."
        )]
        slug: Option<String>,
    ) -> AppResult<Option<Organization>> {
        Ok(lookup::by_id_or_slug::<organization::Entity>(ctx, id, slug)
            .await?
            .map(Organization))
    }

    /// Organizations in alphabetical order of their folded name (slug).
    #[graphql(complexity = "crate::graphql::cost::page(first.or(last), child_complexity)")]
    async fn organizations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Narrows the list; absent for all organizations.")] filter: Option<
            OrganizationFilter,
        >,
        #[graphql(
            desc = "Page size counting from the start (or from `after`): 0 to 100; 20 when neither `first` nor `last` is given. Not together with `last`."
        )]
        first: Option<i32>,
        #[graphql(desc = "Cursor to continue after: an edge's `cursor` or `pageInfo.endCursor`.")]
        after: Option<String>,
        #[graphql(
            desc = "Page size counting back from the end (or from `before`): 0 to 100. Not together with `first`."
        )]
        last: Option<i32>,
        #[graphql(desc = "Cursor to stop before: an edge's `cursor` or `pageInfo.startCursor`.")]
        before: Option<String>,
    ) -> AppResult<OrganizationConnection> {
        let page = Page::from_params(first, after, last, before)?;
        let db = db(ctx)?;
        let filter = filter.unwrap_or_default();
        let mut base = organization::Entity::find();
        if let Some(kind) = filter.kind {
            base = base.filter(organization::Column::Kind.eq(kind.as_db()));
        }
        if let Some(parent) = &filter.parent {
            let parent =
                references::resolve::<organization::Entity>(db, parent, "filter.parent").await?;
            base = base.filter(organization::Column::ParentId.eq(parent.unwrap_or(-1)));
        }
        if filter.root == Some(true) {
            base = base.filter(organization::Column::ParentId.is_null());
        } else if filter.root == Some(false) {
            base = base.filter(organization::Column::ParentId.is_not_null());
        }
        let rows = page
            .apply(
                base.clone(),
                organization::Column::Slug,
                organization::Column::Id,
                false,
            )
            .all(db)
            .await?;
        let (edges, info) = page.finish(rows, |o| Cursor {
            key: SortKey::Text(o.slug.clone()),
            id: o.id,
        });
        let edges = edges
            .into_iter()
            .map(|(o, c)| (Organization(o), c))
            .collect();
        Ok(OrganizationConnection::new(
            edges,
            info,
            Total::Query(Box::new(base)),
        ))
    }
}
