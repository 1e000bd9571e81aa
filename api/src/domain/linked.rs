//! What one level of an article page or a list of cards reads beside the
//! articles themselves — sections with their parents, tags, people (with
//! their positions when the page shows them), organizations, events, body
//! images, media rows — as one
//! key type, so that the level costs one batch and one statement whatever
//! mix of relations it asks for. Per relation, a page of 20 cards paid a
//! statement, a round trip and the pool's ping for each of five or six
//! relations, and one more level for the people's positions.
//!
//! Each kind of key is one arm of a `UNION ALL`. An arm answers one row
//! per link: the link and its target as one JSON array (`json_build_array`
//! on PostgreSQL, `json_array` on SQLite, columns in the entity's field
//! order) that the entities' serde derives decode, so every arm has the
//! same row shape whatever its columns. Positions come inside their
//! person's array, aggregated in the database.

use std::collections::HashMap;

use entity::{
    article_event, article_image, article_organization, article_person, article_tag, event, media,
    organization, person, position, section, tag,
};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityName, EntityTrait, IdenStatic,
    Iterable, Statement, Value,
};
use serde::de::DeserializeOwned;

use super::loaders::{BatchKey, LoadResult, id_array};

/// One relation of one article, or one media row.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Linked {
    /// The article's tags, in the newsroom's order.
    Tags(i64),
    /// The people linked to the article, in byline order; with each
    /// person's positions and their organizations when `positions`.
    People { article: i64, positions: bool },
    /// The organizations the article is about.
    Organizations(i64),
    /// The events the article covers.
    Events(i64),
    /// The images inside the article's body, in order.
    Images(i64),
    /// A media row by id (lead images, body photos).
    Media(i64),
    /// A section by id, with its parent (breadcrumbs, URLs).
    Section(i64),
}

/// A person linked to an article: the link, the person, and the person's
/// positions (oldest first, each with its organization) when they were
/// asked for.
pub type PersonLink = (
    article_person::Model,
    person::Model,
    Option<Vec<(position::Model, organization::Model)>>,
);

/// What a [`Linked`] key loads: the variant of its own kind.
#[derive(Clone, Debug)]
pub enum LinkedRows {
    Tags(Vec<(article_tag::Model, tag::Model)>),
    People(Vec<PersonLink>),
    Organizations(Vec<(article_organization::Model, organization::Model)>),
    Events(Vec<(article_event::Model, event::Model)>),
    Images(Vec<(article_image::Model, media::Model)>),
    Media(Box<media::Model>),
    Section(Box<(section::Model, Option<section::Model>)>),
}

/// The arms of the statement, numbered as its first column.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Arm {
    Tags = 1,
    People = 2,
    PeopleWithPositions = 3,
    Organizations = 4,
    Events = 5,
    Images = 6,
    Media = 7,
    Section = 8,
}

const ARMS: [Arm; 8] = [
    Arm::Tags,
    Arm::People,
    Arm::PeopleWithPositions,
    Arm::Organizations,
    Arm::Events,
    Arm::Images,
    Arm::Media,
    Arm::Section,
];

impl Arm {
    fn of(number: i32) -> Option<Arm> {
        ARMS.into_iter().find(|arm| *arm as i32 == number)
    }
}

/// The ids each arm reads, from a batch's keys. An article whose people
/// are asked for both with and without positions is read once, with them.
fn ids_per_arm(keys: &[Linked]) -> Vec<(Arm, Vec<i64>)> {
    let mut ids: Vec<(Arm, Vec<i64>)> = ARMS.iter().map(|arm| (*arm, Vec::new())).collect();
    let push = |ids: &mut Vec<(Arm, Vec<i64>)>, arm: Arm, id: i64| {
        let list = &mut ids[arm as usize - 1].1;
        if !list.contains(&id) {
            list.push(id);
        }
    };
    for key in keys {
        match *key {
            Linked::Tags(id) => push(&mut ids, Arm::Tags, id),
            Linked::People {
                article,
                positions: true,
            } => push(&mut ids, Arm::PeopleWithPositions, article),
            Linked::People { .. } => {}
            Linked::Organizations(id) => push(&mut ids, Arm::Organizations, id),
            Linked::Events(id) => push(&mut ids, Arm::Events, id),
            Linked::Images(id) => push(&mut ids, Arm::Images, id),
            Linked::Media(id) => push(&mut ids, Arm::Media, id),
            Linked::Section(id) => push(&mut ids, Arm::Section, id),
        }
    }
    for key in keys {
        if let Linked::People {
            article,
            positions: false,
        } = *key
            && !ids[Arm::PeopleWithPositions as usize - 1]
                .1
                .contains(&article)
        {
            push(&mut ids, Arm::People, article);
        }
    }
    ids.retain(|(_, list)| !list.is_empty());
    ids
}

/// Builds the statement's text and its bound values.
struct Sql {
    backend: DbBackend,
    values: Vec<Value>,
}

impl Sql {
    /// `alias.column` is one of `ids`: one bound array on PostgreSQL (one
    /// text for any number of ids), an `IN` list elsewhere.
    fn id_in(&mut self, column: &str, ids: &[i64]) -> String {
        match self.backend {
            DbBackend::Postgres => {
                self.values.push(id_array(ids));
                format!("{column} = ANY(CAST(${} AS BIGINT[]))", self.values.len())
            }
            _ => {
                self.values.extend(ids.iter().map(|id| Value::from(*id)));
                let marks = vec!["?"; ids.len()].join(", ");
                format!("{column} IN ({marks})")
            }
        }
    }

    /// A JSON array of these values.
    fn array(&self, items: &[String]) -> String {
        let function = match self.backend {
            DbBackend::Postgres => "json_build_array",
            _ => "json_array",
        };
        format!("{function}({})", items.join(", "))
    }

    /// The row `alias` of `E` as a JSON array, columns in field order.
    fn row<E: EntityTrait>(&self, alias: &str) -> String {
        let columns: Vec<String> = E::Column::iter()
            .map(|column| format!("{alias}.\"{}\"", column.as_str()))
            .collect();
        self.array(&columns)
    }

    /// Each position of the person `p`, with its organization, oldest
    /// first, as one JSON array (null or empty when none).
    fn positions_of_person(&self) -> String {
        let pair = self.array(&[
            self.row::<position::Entity>("pos"),
            self.row::<organization::Entity>("o"),
        ]);
        let from = format!(
            "FROM \"{}\" pos JOIN \"{}\" o ON o.\"id\" = pos.\"organization_id\" \
             WHERE pos.\"person_id\" = p.\"id\"",
            position::Entity.table_name(),
            organization::Entity.table_name(),
        );
        let order = "ORDER BY pos.\"start_date\", pos.\"id\"";
        match self.backend {
            DbBackend::Postgres => format!("(SELECT json_agg({pair} {order}) {from})"),
            // `json()` keeps the aggregate JSON inside the person's array
            // rather than a string.
            _ => format!("json((SELECT json_group_array({pair} {order}) {from}))"),
        }
    }

    /// One arm: the links of `L` (alias `l`) whose `article_id` is one of
    /// `ids`, each joined to its `T` (alias `alias`) through `target`,
    /// sorted by position and `target`; `extra` is a third item of the
    /// payload.
    fn links<L: EntityTrait, T: EntityTrait>(
        &mut self,
        arm: Arm,
        (target, alias): (&str, &str),
        extra: Option<String>,
        ids: &[i64],
    ) -> String {
        let parent = "article_id";
        let mut items = vec![self.row::<L>("l"), self.row::<T>(alias)];
        items.extend(extra);
        let payload = self.array(&items);
        let filter = self.id_in(&format!("l.\"{parent}\""), ids);
        format!(
            "SELECT {arm} AS arm, l.\"{parent}\" AS parent, l.\"position\" AS first, \
             l.\"{target}\" AS second, CAST({payload} AS TEXT) AS payload \
             FROM \"{link}\" l JOIN \"{table}\" {alias} ON {alias}.\"id\" = l.\"{target}\" \
             WHERE {filter}",
            arm = arm as i32,
            link = L::default().table_name(),
            table = T::default().table_name(),
        )
    }

    fn arm(&mut self, arm: Arm, ids: &[i64]) -> String {
        match arm {
            Arm::Tags => {
                self.links::<article_tag::Entity, tag::Entity>(arm, ("tag_id", "t"), None, ids)
            }
            Arm::People | Arm::PeopleWithPositions => {
                let positions = if arm == Arm::PeopleWithPositions {
                    self.positions_of_person()
                } else {
                    "NULL".to_owned()
                };
                // The positions' sub-select names the person `p`.
                self.links::<article_person::Entity, person::Entity>(
                    arm,
                    ("person_id", "p"),
                    Some(positions),
                    ids,
                )
            }
            Arm::Organizations => self.links::<article_organization::Entity, organization::Entity>(
                arm,
                ("organization_id", "t"),
                None,
                ids,
            ),
            Arm::Events => self.links::<article_event::Entity, event::Entity>(
                arm,
                ("event_id", "t"),
                None,
                ids,
            ),
            Arm::Images => self.links::<article_image::Entity, media::Entity>(
                arm,
                ("media_id", "t"),
                None,
                ids,
            ),
            Arm::Media => {
                let payload = self.row::<media::Entity>("m");
                let filter = self.id_in("m.\"id\"", ids);
                format!(
                    "SELECT {arm} AS arm, m.\"id\" AS parent, 0 AS first, 0 AS second, \
                     CAST({payload} AS TEXT) AS payload FROM \"{table}\" m WHERE {filter}",
                    arm = arm as i32,
                    table = media::Entity.table_name(),
                )
            }
            Arm::Section => {
                // No parent is null, not an array of nulls.
                let payload = self.array(&[
                    self.row::<section::Entity>("s"),
                    format!(
                        "CASE WHEN p.\"id\" IS NULL THEN NULL ELSE {} END",
                        self.row::<section::Entity>("p")
                    ),
                ]);
                let filter = self.id_in("s.\"id\"", ids);
                format!(
                    "SELECT {arm} AS arm, s.\"id\" AS parent, 0 AS first, 0 AS second, \
                     CAST({payload} AS TEXT) AS payload FROM \"{table}\" s \
                     LEFT JOIN \"{table}\" p ON p.\"id\" = s.\"parent_id\" WHERE {filter}",
                    arm = arm as i32,
                    table = section::Entity.table_name(),
                )
            }
        }
    }
}

/// The one statement that answers a batch.
fn statement(backend: DbBackend, arms: &[(Arm, Vec<i64>)]) -> Statement {
    let mut sql = Sql {
        backend,
        values: Vec::new(),
    };
    let parts: Vec<String> = arms.iter().map(|(arm, ids)| sql.arm(*arm, ids)).collect();
    let text = format!("{} ORDER BY 1, 2, 3, 4", parts.join(" UNION ALL "));
    Statement::from_sql_and_values(backend, text, sql.values)
}

/// Decodes one row's JSON into `T`, naming the arm if it does not fit.
fn decode<T: DeserializeOwned>(arm: Arm, payload: &str) -> Result<T, DbErr> {
    serde_json::from_str(payload).map_err(|e| DbErr::Json(format!("{arm:?} row: {e}")))
}

/// Rows grouped by parent id, one map per arm.
#[derive(Default)]
struct Grouped {
    tags: HashMap<i64, Vec<(article_tag::Model, tag::Model)>>,
    people: HashMap<i64, Vec<PersonLink>>,
    organizations: HashMap<i64, Vec<(article_organization::Model, organization::Model)>>,
    events: HashMap<i64, Vec<(article_event::Model, event::Model)>>,
    images: HashMap<i64, Vec<(article_image::Model, media::Model)>>,
    media: HashMap<i64, media::Model>,
    sections: HashMap<i64, (section::Model, Option<section::Model>)>,
}

impl Grouped {
    fn add(&mut self, arm: Arm, parent: i64, payload: &str) -> Result<(), DbErr> {
        match arm {
            Arm::Tags => push(&mut self.tags, parent, decode(arm, payload)?),
            Arm::People => push(&mut self.people, parent, decode(arm, payload)?),
            Arm::PeopleWithPositions => {
                let (link, person, positions): PersonLink = decode(arm, payload)?;
                // No positions aggregate to null on PostgreSQL: none held,
                // not unread.
                let positions = Some(positions.unwrap_or_default());
                push(&mut self.people, parent, (link, person, positions))
            }
            Arm::Organizations => push(&mut self.organizations, parent, decode(arm, payload)?),
            Arm::Events => push(&mut self.events, parent, decode(arm, payload)?),
            Arm::Images => push(&mut self.images, parent, decode(arm, payload)?),
            Arm::Media => {
                self.media.insert(parent, decode(arm, payload)?);
            }
            Arm::Section => {
                self.sections.insert(parent, decode(arm, payload)?);
            }
        }
        Ok(())
    }

    /// The value of `key`; `None` when it has no rows (no links, or no
    /// such media).
    fn value_of(&self, key: Linked) -> Option<LinkedRows> {
        match key {
            Linked::Tags(id) => self.tags.get(&id).cloned().map(LinkedRows::Tags),
            Linked::People { article, .. } => {
                self.people.get(&article).cloned().map(LinkedRows::People)
            }
            Linked::Organizations(id) => self
                .organizations
                .get(&id)
                .cloned()
                .map(LinkedRows::Organizations),
            Linked::Events(id) => self.events.get(&id).cloned().map(LinkedRows::Events),
            Linked::Images(id) => self.images.get(&id).cloned().map(LinkedRows::Images),
            Linked::Media(id) => self
                .media
                .get(&id)
                .map(|row| LinkedRows::Media(Box::new(row.clone()))),
            Linked::Section(id) => self
                .sections
                .get(&id)
                .map(|rows| LinkedRows::Section(Box::new(rows.clone()))),
        }
    }
}

fn push<T>(map: &mut HashMap<i64, Vec<T>>, parent: i64, row: T) {
    map.entry(parent).or_default().push(row);
}

impl BatchKey for Linked {
    type Value = LinkedRows;

    async fn fetch(db: &DatabaseConnection, keys: &[Linked]) -> LoadResult<Linked, LinkedRows> {
        let arms = ids_per_arm(keys);
        if arms.is_empty() {
            return Ok(HashMap::new());
        }
        let rows = db
            .query_all_raw(statement(db.get_database_backend(), &arms))
            .await?;
        let mut grouped = Grouped::default();
        for row in rows {
            let number: i32 = row.try_get_by_index(0)?;
            let arm =
                Arm::of(number).ok_or_else(|| DbErr::Type(format!("no arm numbered {number}")))?;
            let parent: i64 = row.try_get_by_index(1)?;
            let payload: String = row.try_get_by_index(4)?;
            grouped.add(arm, parent, &payload)?;
        }
        Ok(keys
            .iter()
            .filter_map(|key| Some((*key, grouped.value_of(*key)?)))
            .collect())
    }
}

impl LinkedRows {
    /// The tags of a [`Linked::Tags`] key's value.
    pub fn tags(value: Option<Self>) -> Vec<(article_tag::Model, tag::Model)> {
        match value {
            Some(Self::Tags(rows)) => rows,
            _ => Vec::new(),
        }
    }

    /// The people of a [`Linked::People`] key's value.
    pub fn people(value: Option<Self>) -> Vec<PersonLink> {
        match value {
            Some(Self::People(rows)) => rows,
            _ => Vec::new(),
        }
    }

    /// The organizations of a [`Linked::Organizations`] key's value.
    pub fn organizations(
        value: Option<Self>,
    ) -> Vec<(article_organization::Model, organization::Model)> {
        match value {
            Some(Self::Organizations(rows)) => rows,
            _ => Vec::new(),
        }
    }

    /// The events of a [`Linked::Events`] key's value.
    pub fn events(value: Option<Self>) -> Vec<(article_event::Model, event::Model)> {
        match value {
            Some(Self::Events(rows)) => rows,
            _ => Vec::new(),
        }
    }

    /// The images of a [`Linked::Images`] key's value.
    pub fn images(value: Option<Self>) -> Vec<(article_image::Model, media::Model)> {
        match value {
            Some(Self::Images(rows)) => rows,
            _ => Vec::new(),
        }
    }

    /// The section and its parent of a [`Linked::Section`] key's value.
    pub fn section(value: Option<Self>) -> Option<(section::Model, Option<section::Model>)> {
        match value {
            Some(Self::Section(rows)) => Some(*rows),
            _ => None,
        }
    }

    /// The media row of a [`Linked::Media`] key's value.
    pub fn media(value: Option<Self>) -> Option<media::Model> {
        match value {
            Some(Self::Media(row)) => Some(*row),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Vec<Linked> {
        vec![
            Linked::Tags(1),
            Linked::People {
                article: 1,
                positions: false,
            },
            Linked::People {
                article: 1,
                positions: true,
            },
            Linked::People {
                article: 2,
                positions: false,
            },
            Linked::Media(9),
            Linked::Tags(2),
        ]
    }

    #[test]
    fn people_asked_with_and_without_positions_are_read_once() {
        let arms = ids_per_arm(&keys());
        assert_eq!(
            arms,
            vec![
                (Arm::Tags, vec![1, 2]),
                (Arm::People, vec![2]),
                (Arm::PeopleWithPositions, vec![1]),
                (Arm::Media, vec![9]),
            ]
        );
    }

    #[test]
    fn postgres_binds_one_array_per_arm_and_its_text_does_not_depend_on_the_ids() {
        let few = statement(DbBackend::Postgres, &ids_per_arm(&keys()));
        let more: Vec<Linked> = keys()
            .into_iter()
            .chain((10..40).map(Linked::Tags))
            .collect();
        let many = statement(DbBackend::Postgres, &ids_per_arm(&more));
        assert_eq!(few.sql, many.sql);
        assert_eq!(few.values.map(|v| v.0.len()), Some(4));
        assert!(few.sql.contains("json_agg("), "{}", few.sql);
        assert!(few.sql.ends_with("ORDER BY 1, 2, 3, 4"), "{}", few.sql);
    }

    #[test]
    fn sqlite_lists_the_ids_and_keeps_the_positions_as_json() {
        let statement = statement(DbBackend::Sqlite, &ids_per_arm(&keys()));
        assert_eq!(statement.values.map(|v| v.0.len()), Some(5));
        assert!(
            statement.sql.contains("json((SELECT json_group_array("),
            "{}",
            statement.sql
        );
        assert!(!statement.sql.contains("json_build_array"));
    }
}
