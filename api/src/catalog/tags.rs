//! Tags: a name and a slug; on articles only.

use chrono::{DateTime, Utc};
use entity::{article_tag, tag};
use sea_orm::{
    ActiveModelTrait, DatabaseConnection, DatabaseTransaction, NotSet, Set, UpdateMany,
    sea_query::Expr,
};

use super::{
    Catalogued,
    fields::{self, NAME_MAX, required_line},
    links::Link,
};
use crate::{
    error::{AppError, AppResult, Errors},
    search::names::NameKind,
    versioning::write_conflict,
};

/// What creating or updating a tag takes; `name` is required on create.
#[derive(Default)]
pub struct TagInput {
    pub name: Option<String>,
    pub slug: Option<String>,
}

/// A `TagInput` cleaned: the name and the slug to store.
pub struct CleanTag {
    name: Option<String>,
    slug: Option<String>,
}

impl Catalogued for tag::Entity {
    type Input = TagInput;
    type Clean = CleanTag;
    const NAMES: NameKind = NameKind::Tag;
    const PLURAL: &'static str = "tags";
    const A_NAME: &'static str = "a tag";

    fn links() -> Vec<Link> {
        vec![
            Link::on(article_tag::Column::TagId)
                .named("article", "articles")
                .per(article_tag::Column::ArticleId),
        ]
    }

    async fn clean(
        db: &DatabaseConnection,
        input: &TagInput,
        current: Option<&tag::Model>,
    ) -> AppResult<CleanTag> {
        let mut errors = Errors::default();
        let own = current.map(|t| t.id);
        let name = required_line(
            &mut errors,
            "input.name",
            input.name.as_deref(),
            own.is_none(),
            NAME_MAX,
        );
        let wanted = input.slug.as_deref();
        let slug =
            fields::slug::<tag::Entity>(db, &mut errors, wanted, name.as_deref(), own).await?;
        errors.finish()?;
        Ok(CleanTag { name, slug })
    }

    fn slug(clean: &CleanTag) -> Option<&str> {
        clean.slug.as_deref()
    }

    async fn add(
        txn: &DatabaseTransaction,
        clean: CleanTag,
        _now: DateTime<Utc>,
    ) -> AppResult<tag::Model> {
        let (Some(name), Some(slug)) = (clean.name, clean.slug) else {
            return Err(AppError::Internal("a validated tag has no name".into()));
        };
        let row = tag::ActiveModel {
            id: NotSet,
            name: Set(name),
            slug: Set(slug),
            version: Set(1),
        };
        row.insert(txn).await.map_err(write_conflict)
    }

    fn set(update: UpdateMany<Self>, clean: &CleanTag) -> UpdateMany<Self> {
        match &clean.name {
            Some(name) => update.col_expr(tag::Column::Name, Expr::value(name.clone())),
            None => update,
        }
    }
}
