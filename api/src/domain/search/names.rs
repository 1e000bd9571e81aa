//! The names autocomplete searches: people, organizations, events,
//! sections and tags, folded once when they are written.

use entity::{event, organization, person, section, tag};
use sea_orm::{ConnectionTrait, DbBackend, EntityTrait, Statement, Value};

use super::fold::fold;
use crate::platform::error::AppResult;

/// What a suggestion can be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameKind {
    Person,
    Organization,
    Event,
    Section,
    Tag,
}

impl NameKind {
    pub const ALL: [NameKind; 5] = [
        NameKind::Person,
        NameKind::Organization,
        NameKind::Event,
        NameKind::Section,
        NameKind::Tag,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NameKind::Person => "person",
            NameKind::Organization => "organization",
            NameKind::Event => "event",
            NameKind::Section => "section",
            NameKind::Tag => "tag",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == value)
    }
}

/// Records (or renames) the name of row `id` of `kind`.
pub async fn put(db: &impl ConnectionTrait, kind: NameKind, id: i64, name: &str) -> AppResult<()> {
    put_many(db, kind, &[(id, name.to_owned())]).await
}

/// Forgets row `id` of `kind` (deleted or merged away).
pub async fn remove(db: &impl ConnectionTrait, kind: NameKind, id: i64) -> AppResult<()> {
    let backend = db.get_database_backend();
    let sql = match backend {
        DbBackend::Postgres => "DELETE FROM search_names WHERE kind = $1 AND target_id = $2",
        _ => "DELETE FROM search_names WHERE kind = ? AND target_id = ?",
    };
    db.execute_raw(Statement::from_sql_and_values(
        backend,
        sql,
        [kind.as_str().into(), id.into()],
    ))
    .await?;
    Ok(())
}

/// Upserts many names of one kind.
async fn put_many(
    db: &impl ConnectionTrait,
    kind: NameKind,
    names: &[(i64, String)],
) -> AppResult<()> {
    let backend = db.get_database_backend();
    for chunk in names.chunks(500) {
        let mut rows = Vec::with_capacity(chunk.len());
        let mut values: Vec<Value> = Vec::with_capacity(chunk.len() * 4);
        for (i, (id, name)) in chunk.iter().enumerate() {
            rows.push(match backend {
                DbBackend::Postgres => format!(
                    "(${}, ${}, ${}, ${})",
                    i * 4 + 1,
                    i * 4 + 2,
                    i * 4 + 3,
                    i * 4 + 4
                ),
                _ => "(?, ?, ?, ?)".to_owned(),
            });
            values.extend([
                kind.as_str().into(),
                (*id).into(),
                name.clone().into(),
                fold(name).into(),
            ]);
        }
        let sql = format!(
            "INSERT INTO search_names (kind, target_id, name, folded) VALUES {} \
             ON CONFLICT (kind, target_id) DO UPDATE SET name = excluded.name, folded = excluded.folded",
            rows.join(", ")
        );
        db.execute_raw(Statement::from_sql_and_values(backend, sql, values))
            .await?;
    }
    Ok(())
}

/// Rebuilds every name from the tables; returns how many.
pub async fn rebuild(db: &impl ConnectionTrait) -> AppResult<usize> {
    db.execute_raw(Statement::from_string(
        db.get_database_backend(),
        "DELETE FROM search_names",
    ))
    .await?;
    let people: Vec<(i64, String)> = person::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p.full_name))
        .collect();
    let orgs: Vec<(i64, String)> = organization::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let events: Vec<(i64, String)> = event::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.id, e.name))
        .collect();
    let sections: Vec<(i64, String)> = section::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|s| (s.id, s.name))
        .collect();
    let tags: Vec<(i64, String)> = tag::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|t| (t.id, t.name))
        .collect();
    let total = people.len() + orgs.len() + events.len() + sections.len() + tags.len();
    put_many(db, NameKind::Person, &people).await?;
    put_many(db, NameKind::Organization, &orgs).await?;
    put_many(db, NameKind::Event, &events).await?;
    put_many(db, NameKind::Section, &sections).await?;
    put_many(db, NameKind::Tag, &tags).await?;
    Ok(total)
}
