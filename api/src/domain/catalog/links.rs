//! The link tables of a catalogue row, described as data: what a delete
//! counts (and removes once detached) and what a merge moves.

use entity::slug_alias;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    sea_query::{Alias, DynIden, Expr, ExprTrait, Func, Query},
};

use crate::{
    domain::slugs::Slugged,
    domain::versioning::write_conflict,
    platform::error::{AppError, AppResult},
};

/// One table whose rows point at a catalogue row through `owner`.
pub struct Link {
    table: DynIden,
    owner: DynIden,
    /// How a delete's `CONFLICT` names these rows; `None`: they go with
    /// the row without asking (an event's participants).
    label: Option<(&'static str, &'static str)>,
    /// Counted by distinct values of this column (an article linked under
    /// two roles is one article) instead of by rows.
    distinct: Option<DynIden>,
    /// On merge, with `owner` the row's key: a row the survivor already
    /// has is dropped. `None`: rows are re-pointed as they are (positions).
    twins: Option<Vec<DynIden>>,
}

impl Link {
    /// The rows whose column `owner` points at the catalogue row.
    pub fn on(owner: impl ColumnTrait) -> Self {
        let (table, owner) = owner.as_column_ref();
        Self {
            table,
            owner,
            label: None,
            distinct: None,
            twins: None,
        }
    }

    /// Named in a delete's `CONFLICT`: "1 event", "3 events".
    pub fn named(mut self, one: &'static str, many: &'static str) -> Self {
        self.label = Some((one, many));
        self
    }

    /// Counted by the distinct articles of `article`.
    pub fn per(mut self, article: impl ColumnTrait) -> Self {
        self.distinct = Some(article.as_column_ref().1);
        self
    }

    /// On merge, the columns that with `owner` make a row's key.
    pub fn keyed<C: ColumnTrait>(mut self, keys: impl IntoIterator<Item = C>) -> Self {
        self.twins = Some(keys.into_iter().map(|k| k.as_column_ref().1).collect());
        self
    }

    /// How many rows (or distinct articles) point at `id`.
    async fn count(&self, db: &impl ConnectionTrait, id: i64) -> AppResult<u64> {
        let counted = match &self.distinct {
            Some(column) => Func::count_distinct(Expr::col(column.clone())),
            None => Func::count(Expr::col(self.owner.clone())),
        };
        let query = Query::select()
            .expr(counted)
            .from(self.table.clone())
            .and_where(Expr::col(self.owner.clone()).eq(id))
            .to_owned();
        let n: i64 = match db.query_one(&query).await? {
            Some(row) => row.try_get_by_index(0)?,
            None => 0,
        };
        Ok(u64::try_from(n).unwrap_or_default())
    }

    /// Removes every row pointing at `id`.
    pub async fn remove(&self, db: &impl ConnectionTrait, id: i64) -> AppResult<()> {
        let delete = Query::delete()
            .from_table(self.table.clone())
            .and_where(Expr::col(self.owner.clone()).eq(id))
            .to_owned();
        db.execute(&delete).await.map_err(write_conflict)?;
        Ok(())
    }

    /// Re-points every row of `from` to `into`, first dropping the rows
    /// `into` already has (same keys), so the table's primary key holds.
    pub async fn carry(&self, db: &impl ConnectionTrait, from: i64, into: i64) -> AppResult<()> {
        if let Some(keys) = &self.twins {
            let other = Alias::new("other");
            let mut twin = Query::select();
            twin.expr(Expr::val(1))
                .from_as(self.table.clone(), other.clone())
                .and_where(Expr::col((other.clone(), self.owner.clone())).eq(into));
            for key in keys {
                twin.and_where(
                    Expr::col((other.clone(), key.clone()))
                        .equals((self.table.clone(), key.clone())),
                );
            }
            let delete = Query::delete()
                .from_table(self.table.clone())
                .and_where(Expr::col(self.owner.clone()).eq(from))
                .and_where(Expr::exists(twin.take()))
                .to_owned();
            db.execute(&delete).await.map_err(write_conflict)?;
        }
        let update = Query::update()
            .table(self.table.clone())
            .value(self.owner.clone(), into)
            .and_where(Expr::col(self.owner.clone()).eq(from))
            .to_owned();
        db.execute(&update).await.map_err(write_conflict)?;
        Ok(())
    }
}

/// "3 articles", "1 event"… for every named link of `links` that points
/// at `id`, in order.
pub async fn still_linked(
    db: &impl ConnectionTrait,
    links: &[Link],
    id: i64,
) -> AppResult<Vec<String>> {
    let mut parts = Vec::new();
    for link in links {
        if let Some((one, many)) = link.label {
            parts.extend(amount(link.count(db, id).await?, one, many));
        }
    }
    Ok(parts)
}

/// "3 articles", "1 event"; nothing for none.
pub fn amount(n: u64, one: &str, many: &str) -> Option<String> {
    (n > 0).then(|| format!("{n} {}", if n == 1 { one } else { many }))
}

/// "a", "a and b", "a, b and c".
pub fn join(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// The `CONFLICT` of deleting a `what` that is still linked to `parts`.
pub fn detach_first(what: &str, parts: &[String]) -> AppError {
    AppError::Conflict(format!(
        "the {what} is still linked to {}; pass detach: true to remove those links",
        join(parts)
    ))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_read_like_sentences() {
        let parts: Vec<String> = [(3, "article", "articles"), (0, "event", "events")]
            .into_iter()
            .chain([(1, "position", "positions")])
            .filter_map(|(n, one, many)| amount(n, one, many))
            .collect();
        assert_eq!(join(&parts), "3 articles and 1 position");
        assert_eq!(join(&["a".into(), "b".into(), "c".into()]), "a, b and c");
    }
}
