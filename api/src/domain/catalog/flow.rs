//! The one write flow of every catalogue kind, and [`Catalogued`], the
//! small description each kind gives of itself.

use std::future::Future;

use chrono::{DateTime, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, ModelTrait,
    QueryFilter, UpdateMany, Value,
    sea_query::{Expr, ExprTrait},
};

use super::{
    fields::{self, NAME_MAX},
    links::{self, Link},
    tree::{self, Hierarchy},
};
use crate::{
    domain::references,
    domain::search::{self, names::NameKind},
    domain::slugs::{self, Slugged},
    domain::versioning::{Versioned, guarded, run_guarded, write_conflict},
    domain::viewer::Viewer,
    platform::error::{AppError, AppResult, Errors},
};

/// Who writes, and the request's clock reading.
pub struct Writer<'a> {
    pub viewer: &'a Viewer,
    pub now: DateTime<Utc>,
}

/// What creating or updating any catalogue row takes: its name (required
/// on create), its slug (made from the name on create when left out) and
/// the fields of its kind. On update only what is given changes.
#[derive(Default)]
pub struct Named<T> {
    pub name: Option<String>,
    pub slug: Option<String>,
    pub fields: T,
}

/// What a kind of catalogue row brings to the flow.
pub trait Catalogued: Versioned + Slugged {
    /// The fields of its input besides the name and the slug.
    type Fields: Sync;
    /// Those fields cleaned, validated and resolved.
    type Clean: Send;
    /// Its names in the search index.
    const NAMES: NameKind;
    /// The kind in role messages: "managing people".
    const PLURAL: &'static str;
    /// One row in messages: "a person", "an organization".
    const A_NAME: &'static str;
    /// The input field of the name.
    const NAME_FIELD: &'static str = "input.name";

    /// The column of the name.
    fn name_column() -> Self::Column;

    /// The column stamped with the time of each change, if any.
    fn updated_at() -> Option<Self::Column> {
        None
    }

    /// Its link tables, in the order a delete's `CONFLICT` names them.
    fn links() -> Vec<Link> {
        Vec::new()
    }

    /// Its tree, when rows sit under each other.
    fn hierarchy() -> Option<Hierarchy<Self::Column>> {
        None
    }

    /// The `CONFLICT` of deleting a row still linked to `parts`.
    fn still_linked(parts: &[String]) -> AppError {
        links::detach_first(<Self as Versioned>::NAME, parts)
    }

    /// Cleans and checks the kind's `fields`, recording every problem in
    /// `errors`. `current` is the row being updated (`None` on create).
    fn clean(
        db: &DatabaseConnection,
        fields: &Self::Fields,
        current: Option<&Self::Model>,
        errors: &mut Errors,
    ) -> impl Future<Output = AppResult<Self::Clean>> + Send;

    /// Inserts a new row (and its links) named `name` at `slug`.
    fn add(
        txn: &DatabaseTransaction,
        name: String,
        slug: String,
        clean: Self::Clean,
        now: DateTime<Utc>,
    ) -> impl Future<Output = AppResult<Self::Model>> + Send;

    /// Adds the kind's changed columns to a guarded update.
    fn set(update: UpdateMany<Self>, clean: &Self::Clean) -> UpdateMany<Self>;

    /// What an update does once the row is changed (replace links).
    fn after_update(
        _txn: &DatabaseTransaction,
        _row: &Self::Model,
        _clean: Self::Clean,
    ) -> impl Future<Output = AppResult<()>> + Send {
        async { Ok(()) }
    }
}

/// What a delete leaves behind: the row id and slug it had.
pub struct Deleted {
    pub id: i64,
    pub slug: String,
}

/// The row a mutation argument names (global ID or slug): `NOT_FOUND`
/// for an unknown slug; an unknown ID is found missing by the write.
pub async fn target<E: Slugged>(
    db: &impl ConnectionTrait,
    value: &str,
    field: &str,
) -> AppResult<i64> {
    references::resolve::<E>(db, value, field)
        .await?
        .ok_or_else(|| AppError::NotFound(E::KIND.to_owned()))
}

/// Row `id`, or `NOT_FOUND`.
pub async fn load<E: Versioned + Slugged>(
    db: &impl ConnectionTrait,
    id: i64,
) -> AppResult<E::Model> {
    E::find()
        .filter(<E as Slugged>::id_column().eq(id))
        .one(db)
        .await?
        .ok_or_else(|| AppError::NotFound(<E as Versioned>::NAME.to_owned()))
}

/// The value of a text or id column of `row`.
fn read<E: EntityTrait>(row: &E::Model, column: E::Column) -> AppResult<Value> {
    Ok(row.get(column))
}

/// The slug of `row`.
fn slug_of<E: Slugged>(row: &E::Model) -> AppResult<String> {
    match read::<E>(row, E::slug_column())? {
        Value::String(Some(slug)) => Ok(slug.to_string()),
        _ => Err(AppError::Internal(format!("a {} has no slug", E::KIND))),
    }
}

/// The id of `row`.
fn id_of<E: Slugged>(row: &E::Model) -> AppResult<i64> {
    match read::<E>(row, <E as Slugged>::id_column())? {
        Value::BigInt(Some(id)) => Ok(id),
        _ => Err(AppError::Internal(format!("a {} has no id", E::KIND))),
    }
}

/// A cleaned input: the name and slug to store, and the kind's fields.
struct Cleaned<T> {
    name: Option<String>,
    slug: Option<String>,
    fields: T,
}

/// Cleans and checks `input`, reporting every problem at once, in the
/// order of the form: the name, the kind's fields, the slug.
async fn clean<E: Catalogued>(
    db: &DatabaseConnection,
    input: &Named<E::Fields>,
    current: Option<&E::Model>,
) -> AppResult<Cleaned<E::Clean>> {
    let mut errors = Errors::default();
    let own = current.map(id_of::<E>).transpose()?;
    let name = input.name.as_deref();
    let name = fields::required_line(&mut errors, E::NAME_FIELD, name, own.is_none(), NAME_MAX);
    let clean = E::clean(db, &input.fields, current, &mut errors).await?;
    let wanted = input.slug.as_deref();
    let slug = fields::slug::<E>(db, &mut errors, wanted, name.as_deref(), own).await?;
    errors.finish()?;
    Ok(Cleaned {
        name,
        slug,
        fields: clean,
    })
}

/// The parent of `row`, when the kind has a tree.
fn parent_of<E: Catalogued>(row: &E::Model) -> AppResult<Option<i64>> {
    let Some(hierarchy) = E::hierarchy() else {
        return Ok(None);
    };
    match read::<E>(row, hierarchy.parent)? {
        Value::BigInt(parent) => Ok(parent),
        _ => Err(AppError::Internal(format!("a {} has no parent", E::KIND))),
    }
}

/// The time stamp a change of `E` sets, when it has one.
fn stamp<E: Catalogued>(now: DateTime<Utc>) -> Option<(E::Column, DateTime<Utc>)> {
    E::updated_at().map(|column| (column, now))
}

/// Adds a row (editors and admins).
pub async fn create<E: Catalogued>(
    db: &DatabaseConnection,
    writer: &Writer<'_>,
    input: &Named<E::Fields>,
) -> AppResult<E::Model> {
    writer
        .viewer
        .require_editor(&format!("managing {}", E::PLURAL))?;
    let clean = clean::<E>(db, input, None).await?;
    let (Some(name), Some(slug)) = (clean.name, clean.slug) else {
        return Err(AppError::Internal(format!(
            "a validated {} has no name",
            E::KIND
        )));
    };
    let txn = crate::platform::db::begin_write(db).await?;
    let row = E::add(&txn, name, slug, clean.fields, writer.now).await?;
    search::refresh(&txn, E::NAMES, id_of::<E>(&row)?, &[]).await?;
    txn.commit().await?;
    Ok(row)
}

/// Changes row `target` from `version` (editors and admins): only what the
/// input gives changes; a new slug keeps the old one resolving.
pub async fn update<E: Catalogued>(
    db: &DatabaseConnection,
    writer: &Writer<'_>,
    target: &str,
    version: i32,
    input: &Named<E::Fields>,
) -> AppResult<E::Model> {
    writer
        .viewer
        .require_editor(&format!("managing {}", E::PLURAL))?;
    let id = self::target::<E>(db, target, "id").await?;
    // Read for checks across fields; a change made since is caught by
    // the version guard below.
    let current = load::<E>(db, id).await?;
    let clean = clean::<E>(db, input, Some(&current)).await?;

    let txn = crate::platform::db::begin_write(db).await?;
    let mut update = E::set(guarded::<E>(id, version), &clean.fields);
    if let Some(name) = clean.name {
        update = update.col_expr(E::name_column(), Expr::value(name));
    }
    if let Some((column, now)) = stamp::<E>(writer.now) {
        update = update.col_expr(column, Expr::value(now));
    }
    run_guarded(&txn, update, id).await?;
    // Articles naming it now are reindexed after the write.
    let linked = search::linked_articles(&txn, E::NAMES, id).await?;
    let before = load::<E>(&txn, id).await?;
    let old_slug = slug_of::<E>(&before)?;
    if let Some(slug) = clean.slug.filter(|s| *s != old_slug) {
        E::update_many()
            .col_expr(E::slug_column(), Expr::value(slug.clone()))
            .filter(<E as Slugged>::id_column().eq(id))
            .exec(&txn)
            .await
            .map_err(write_conflict)?;
        slugs::record_rename::<E>(&txn, &old_slug, &slug, id).await?;
    }
    E::after_update(&txn, &before, clean.fields).await?;
    let row = load::<E>(&txn, id).await?;
    search::refresh(&txn, E::NAMES, id, &linked).await?;
    txn.commit().await?;
    Ok(row)
}

/// Removes row `target` (admins). Links named by the kind make it a
/// `CONFLICT` unless `detach`, which removes them (children move up).
pub async fn delete<E: Catalogued>(
    db: &DatabaseConnection,
    writer: &Writer<'_>,
    target: &str,
    version: i32,
    detach: bool,
) -> AppResult<Deleted> {
    writer
        .viewer
        .require_admin(&format!("deleting {}", E::PLURAL))?;
    let id = self::target::<E>(db, target, "id").await?;

    let txn = crate::platform::db::begin_write(db).await?;
    run_guarded(&txn, guarded::<E>(id, version), id).await?;
    // Articles naming it now are reindexed after the write.
    let linked = search::linked_articles(&txn, E::NAMES, id).await?;
    let row = load::<E>(&txn, id).await?;
    let links = E::links();
    let mut parts = links::still_linked(&txn, &links, id).await?;
    if let Some(hierarchy) = E::hierarchy() {
        let children = tree::tree::<E>(&txn, hierarchy.parent).await?;
        let count = children.values().filter(|p| **p == Some(id)).count();
        let (one, many) = hierarchy.child;
        parts.extend(links::amount(count as u64, one, many));
    }
    if !parts.is_empty() && !detach {
        return Err(E::still_linked(&parts));
    }
    for link in &links {
        link.remove(&txn, id).await?;
    }
    if let Some(hierarchy) = E::hierarchy() {
        let parent = parent_of::<E>(&row)?;
        tree::move_children::<E>(&txn, hierarchy.parent, stamp::<E>(writer.now), id, parent)
            .await?;
    }
    links::delete_aliases::<E>(&txn, id).await?;
    E::delete_many()
        .filter(<E as Slugged>::id_column().eq(id))
        .exec(&txn)
        .await
        .map_err(write_conflict)?;
    search::refresh(&txn, E::NAMES, id, &linked).await?;
    txn.commit().await?;
    Ok(Deleted {
        id,
        slug: slug_of::<E>(&row)?,
    })
}

/// Folds duplicate `from` into `into` (admins): links move (a link `into`
/// already has is dropped), children move, `from`'s slugs lead to `into`,
/// and `from` is deleted. When `into` sat under `from`, it takes `from`'s
/// place in the tree.
pub async fn merge<E: Catalogued>(
    db: &DatabaseConnection,
    writer: &Writer<'_>,
    from: &str,
    into: &str,
) -> AppResult<E::Model> {
    writer
        .viewer
        .require_admin(&format!("merging {}", E::PLURAL))?;
    let from = target::<E>(db, from, "from").await?;
    let into = target::<E>(db, into, "into").await?;
    if from == into {
        return Err(AppError::bad_input(
            "into",
            format!("{} cannot be merged into itself", E::A_NAME),
        ));
    }

    let txn = crate::platform::db::begin_write(db).await?;
    // The first statement takes the write lock: `into` changes version.
    let mut bump = E::update_many()
        .col_expr(E::version_column(), Expr::col(E::version_column()).add(1))
        .filter(<E as Slugged>::id_column().eq(into));
    if let Some((column, now)) = stamp::<E>(writer.now) {
        bump = bump.col_expr(column, Expr::value(now));
    }
    if bump.exec(&txn).await?.rows_affected == 0 {
        return Err(AppError::NotFound(<E as Versioned>::NAME.to_owned()));
    }
    let linked = search::linked_articles(&txn, E::NAMES, from).await?;
    let gone = load::<E>(&txn, from).await?;
    if let Some(hierarchy) = E::hierarchy() {
        // `into` below `from`: lift it to `from`'s place first, so that
        // moving `from`'s children under it cannot close a loop.
        if tree::creates_cycle(&tree::tree::<E>(&txn, hierarchy.parent).await?, from, into) {
            E::update_many()
                .col_expr(hierarchy.parent, Expr::value(parent_of::<E>(&gone)?))
                .filter(<E as Slugged>::id_column().eq(into))
                .exec(&txn)
                .await
                .map_err(write_conflict)?;
        }
        let stamp = stamp::<E>(writer.now);
        tree::move_children::<E>(&txn, hierarchy.parent, stamp, from, Some(into)).await?;
    }
    for link in E::links() {
        link.carry(&txn, from, into).await?;
    }
    slugs::redirect::<E>(&txn, &slug_of::<E>(&gone)?, from, into).await?;
    E::delete_many()
        .filter(<E as Slugged>::id_column().eq(from))
        .exec(&txn)
        .await
        .map_err(write_conflict)?;
    let row = load::<E>(&txn, into).await?;
    search::refresh(&txn, E::NAMES, from, &[]).await?;
    search::refresh(&txn, E::NAMES, into, &linked).await?;
    txn.commit().await?;
    Ok(row)
}
