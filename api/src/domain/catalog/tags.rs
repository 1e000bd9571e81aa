//! Tags: a name and a slug, on articles only.

use chrono::{DateTime, Utc};
use entity::{article_tag, tag};
use sea_orm::{ActiveModelTrait, DatabaseConnection, DatabaseTransaction, NotSet, Set, UpdateMany};

use super::{Catalogued, Named, links::Link};
use crate::{
    domain::search::names::NameKind,
    domain::versioning::write_conflict,
    platform::error::{AppResult, Errors},
};

/// What creating or updating a tag takes: a name and a slug, nothing more.
pub type TagInput = Named<()>;

impl Catalogued for tag::Entity {
    type Fields = ();
    type Clean = ();
    const NAMES: NameKind = NameKind::Tag;
    const PLURAL: &'static str = "tags";
    const A_NAME: &'static str = "a tag";

    fn name_column() -> tag::Column {
        tag::Column::Name
    }

    fn links() -> Vec<Link> {
        let articles = Link::on(article_tag::Column::TagId).named("article", "articles");
        vec![articles.per(article_tag::Column::ArticleId)]
    }

    async fn clean(
        _db: &DatabaseConnection,
        _fields: &(),
        _current: Option<&tag::Model>,
        _errors: &mut Errors,
    ) -> AppResult<()> {
        Ok(())
    }

    async fn add(
        txn: &DatabaseTransaction,
        name: String,
        slug: String,
        _clean: (),
        _now: DateTime<Utc>,
    ) -> AppResult<tag::Model> {
        let row = tag::ActiveModel {
            id: NotSet,
            name: Set(name),
            slug: Set(slug),
            version: Set(1),
        };
        row.insert(txn).await.map_err(write_conflict)
    }

    fn set(update: UpdateMany<Self>, _clean: &()) -> UpdateMany<Self> {
        update
    }
}
