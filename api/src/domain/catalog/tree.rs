//! Catalogue kinds that form a tree (organizations, sections): the one
//! parent map, loop checks, and what happens to children.

use std::collections::HashMap;

use sea_orm::{
    ColumnTrait, ConnectionTrait, QueryFilter, QuerySelect,
    sea_query::{Expr, ExprTrait},
};

use super::Patch;
use crate::{
    domain::references,
    domain::slugs::Slugged,
    domain::versioning::{Versioned, write_conflict},
    platform::error::{AppResult, Errors},
};

/// How a kind hangs in its tree.
pub struct Hierarchy<C> {
    /// The column naming the parent.
    pub parent: C,
    /// Children in messages: ("sub-section", "sub-sections").
    pub child: (&'static str, &'static str),
}

/// Every row of `E` with its parent.
pub async fn tree<E: Slugged>(
    db: &impl ConnectionTrait,
    parent: E::Column,
) -> AppResult<HashMap<i64, Option<i64>>> {
    let rows: Vec<(i64, Option<i64>)> = E::find()
        .select_only()
        .column(<E as Slugged>::id_column())
        .column(parent)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Whether putting `id` under `parent` closes a loop: `parent` is `id`
/// itself or sits, at any depth, under it. `tree` maps rows to parents.
pub fn creates_cycle(tree: &HashMap<i64, Option<i64>>, id: i64, parent: i64) -> bool {
    let mut at = Some(parent);
    let mut steps = 0;
    while let Some(node) = at {
        if node == id || steps > tree.len() {
            return true;
        }
        steps += 1;
        at = tree.get(&node).copied().flatten();
    }
    false
}

/// The parent an input asks for, resolved and checked against loops:
/// `None` leaves it, `Some(None)` makes the row top-level. `own` is the
/// row being updated; `a_name` ("a section") and `children`
/// ("sub-sections") word the errors.
pub async fn parent<E: Slugged>(
    db: &impl ConnectionTrait,
    errors: &mut Errors,
    wanted: &Patch<String>,
    own: Option<i64>,
    hierarchy: &Hierarchy<E::Column>,
    a_name: &str,
) -> AppResult<Option<Option<i64>>> {
    let Some(wanted) = wanted.as_ref().change() else {
        return Ok(None);
    };
    let Some(value) = wanted else {
        return Ok(Some(None));
    };
    let field = "input.parent";
    let found = references::check::<E>(db, errors, value, field).await?;
    Ok(match (found, own) {
        (Some(parent), Some(own)) if parent == own => {
            errors.add(field, format!("{a_name} cannot be its own parent"));
            None
        }
        (Some(parent), Some(own))
            if creates_cycle(&tree::<E>(db, hierarchy.parent).await?, own, parent) =>
        {
            errors.add(
                field,
                format!(
                    "{a_name} cannot sit under one of its own {}",
                    hierarchy.child.1
                ),
            );
            None
        }
        (Some(parent), _) => Some(Some(parent)),
        (None, _) => None,
    })
}

/// Puts every child of `from` under `parent`, bumping their versions
/// (their parent changed) and, when the kind has one, their `updated`
/// column to `now`.
pub async fn move_children<E: Versioned + Slugged>(
    db: &impl ConnectionTrait,
    parent_column: E::Column,
    updated: Option<(E::Column, chrono::DateTime<chrono::Utc>)>,
    from: i64,
    parent: Option<i64>,
) -> AppResult<()> {
    let mut update = E::update_many()
        .col_expr(parent_column, Expr::value(parent))
        .col_expr(E::version_column(), Expr::col(E::version_column()).add(1));
    if let Some((column, now)) = updated {
        update = update.col_expr(column, Expr::value(now));
    }
    update
        .filter(parent_column.eq(from))
        .exec(db)
        .await
        .map_err(write_conflict)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_cannot_sit_under_itself_or_its_descendants() {
        // 1 ← 2 ← 3, and 4 on its own.
        let tree = HashMap::from([(1, None), (2, Some(1)), (3, Some(2)), (4, None)]);
        assert!(creates_cycle(&tree, 1, 1));
        assert!(creates_cycle(&tree, 1, 3));
        assert!(!creates_cycle(&tree, 3, 1));
        assert!(!creates_cycle(&tree, 2, 4));
    }
}
