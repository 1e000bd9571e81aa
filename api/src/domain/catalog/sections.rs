//! Sections: the tree of the newspaper's sections, each optionally
//! mapped to an IPTC Media Topic. Only an empty leaf can be deleted.

use chrono::{DateTime, Utc};
use entity::{article, section};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DatabaseTransaction,
    EntityTrait, NotSet, QueryFilter, QuerySelect, Set, UpdateMany,
    sea_query::{Expr, ExprTrait},
};

use super::{
    Catalogued, Named, Patch,
    links::{Link, join},
    tree::{self, Hierarchy},
};
use crate::{
    domain::search::names::NameKind,
    domain::versioning::write_conflict,
    platform::error::{AppError, AppResult, Errors},
};

/// What creating or updating a section takes: the name, the slug, and
/// these.
pub type SectionInput = Named<SectionFields>;

/// A section's fields besides the name and the slug.
#[derive(Default)]
pub struct SectionFields {
    /// The section above (global ID or slug); null: top-level.
    pub parent: Patch<String>,
    /// Menu order among siblings; a new section goes last by default.
    pub position: Option<i32>,
    /// `medtop:` and 8 digits; null clears it.
    pub iptc_media_topic: Patch<String>,
}

/// `SectionFields` cleaned, validated and resolved.
pub struct CleanSection {
    parent: Option<Option<i64>>,
    position: Option<i32>,
    iptc_media_topic: Option<Option<String>>,
}

/// Whether `code` is an IPTC Media Topic code: `medtop:` and 8 digits.
fn is_media_topic(code: &str) -> bool {
    code.strip_prefix("medtop:")
        .is_some_and(|digits| digits.len() == 8 && digits.bytes().all(|b| b.is_ascii_digit()))
}

/// The media topic change: blank clears it, anything else must be a code.
fn media_topic(errors: &mut Errors, value: &Patch<String>) -> Option<Option<String>> {
    let code = value.as_ref().change()?.map(|code| code.trim());
    Some(code.filter(|code| !code.is_empty()).map(|code| {
        errors.check(
            is_media_topic(code),
            "input.iptcMediaTopic",
            format!(
                "`{code}` is not an IPTC Media Topic code: use `medtop:` and 8 digits, e.g. `medtop:11000000`"
            ),
        );
        code.to_owned()
    }))
}

/// The position after the last sibling under `parent`.
async fn next_position(db: &impl ConnectionTrait, parent: Option<i64>) -> AppResult<i32> {
    let siblings = match parent {
        Some(parent) => section::Entity::find().filter(section::Column::ParentId.eq(parent)),
        None => section::Entity::find().filter(section::Column::ParentId.is_null()),
    };
    let last: Option<Option<i32>> = siblings
        .select_only()
        .expr(Expr::col(section::Column::Position).max())
        .into_tuple()
        .one(db)
        .await?;
    Ok(last.flatten().map_or(1, |p| p.saturating_add(1)))
}

impl Catalogued for section::Entity {
    type Fields = SectionFields;
    type Clean = CleanSection;
    const NAMES: NameKind = NameKind::Section;
    const PLURAL: &'static str = "sections";
    const A_NAME: &'static str = "a section";

    fn name_column() -> section::Column {
        section::Column::Name
    }

    fn links() -> Vec<Link> {
        // Every article has a section: these are never detached.
        vec![Link::on(article::Column::SectionId).named("article", "articles")]
    }

    fn hierarchy() -> Option<Hierarchy<section::Column>> {
        Some(Hierarchy {
            parent: section::Column::ParentId,
            child: ("sub-section", "sub-sections"),
        })
    }

    fn still_linked(parts: &[String]) -> AppError {
        AppError::Conflict(format!(
            "the section still has {}: move its articles to another section and move or \
             delete its sub-sections first (deleted articles count too, as they keep their \
             section); sections have no `detach`, since every article needs a section",
            join(parts)
        ))
    }

    async fn clean(
        db: &DatabaseConnection,
        input: &SectionFields,
        current: Option<&section::Model>,
        errors: &mut Errors,
    ) -> AppResult<CleanSection> {
        let own = current.map(|s| s.id);
        let hierarchy = Self::hierarchy().ok_or_else(|| AppError::Internal("no tree".into()))?;
        let parent = &input.parent;
        let parent =
            tree::parent::<section::Entity>(db, errors, parent, own, &hierarchy, Self::A_NAME)
                .await?;
        if let Some(position) = input.position {
            errors.check(position >= 0, "input.position", "must not be negative");
        }
        Ok(CleanSection {
            parent,
            position: input.position,
            iptc_media_topic: media_topic(errors, &input.iptc_media_topic),
        })
    }

    async fn add(
        txn: &DatabaseTransaction,
        name: String,
        slug: String,
        clean: CleanSection,
        _now: DateTime<Utc>,
    ) -> AppResult<section::Model> {
        let parent = clean.parent.flatten();
        let position = match clean.position {
            Some(position) => position,
            None => next_position(txn, parent).await?,
        };
        let row = section::ActiveModel {
            id: NotSet,
            parent_id: Set(parent),
            name: Set(name),
            slug: Set(slug),
            position: Set(position),
            iptc_media_topic: Set(clean.iptc_media_topic.flatten()),
            version: Set(1),
        };
        row.insert(txn).await.map_err(write_conflict)
    }

    fn set(mut update: UpdateMany<Self>, clean: &CleanSection) -> UpdateMany<Self> {
        use section::Column;
        if let Some(parent) = clean.parent {
            update = update.col_expr(Column::ParentId, Expr::value(parent));
        }
        if let Some(position) = clean.position {
            update = update.col_expr(Column::Position, Expr::value(position));
        }
        if let Some(code) = &clean.iptc_media_topic {
            update = update.col_expr(Column::IptcMediaTopic, Expr::value(code.clone()));
        }
        update
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_topic_codes_are_medtop_and_eight_digits() {
        assert!(is_media_topic("medtop:11000000"));
        for bad in [
            "11000000",
            "medtop:1100000",
            "medtop:110000000",
            "medtop:1100000a",
            "MEDTOP:11000000",
        ] {
            assert!(!is_media_topic(bad), "{bad}");
        }
    }
}
