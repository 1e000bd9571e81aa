//! The catalogue: people, organizations, events, sections and tags, and
//! the newsroom's rules for writing them. Plain Rust: the GraphQL mutations
//! are thin faces over it.
//!
//! Every kind goes through one flow ([`flow`]); what differs is a small
//! description of the kind ([`Catalogued`]): its input and validation, its
//! columns, its link tables ([`links::Link`]) and its tree, if any.
//!
//! | step    | what happens, in one transaction                                        |
//! |---------|--------------------------------------------------------------------------|
//! | create  | role → validate (every error at once) → insert → links → search names    |
//! | update  | role → validate → guarded version bump → columns → slug history → links → search |
//! | delete  | role → guarded bump → links counted: `CONFLICT` unless detached → aliases → row → search |
//! | merge   | role → `into` bumped → links moved (twins dropped) → slugs redirected → `from` deleted → search |

pub mod events;
pub mod fields;
mod flow;
pub mod links;
pub mod organizations;
pub mod people;
pub mod sections;
pub mod tags;
pub mod tree;

pub use flow::{Catalogued, Deleted, Named, Writer, create, delete, load, merge, target, update};

/// One field of a partial update: left out, cleared, or set.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Patch<T> {
    /// Not given: the column stays as it is.
    #[default]
    Absent,
    /// Given as null: the column is cleared.
    Null,
    /// Given with a value.
    Value(T),
}

impl<T> Patch<T> {
    /// `None` to leave the column, `Some(None)` to clear it, `Some(Some(_))`
    /// to set it.
    pub fn change(self) -> Option<Option<T>> {
        match self {
            Self::Absent => None,
            Self::Null => Some(None),
            Self::Value(value) => Some(Some(value)),
        }
    }

    /// The same patch, borrowing its value.
    pub fn as_ref(&self) -> Patch<&T> {
        match self {
            Self::Absent => Patch::Absent,
            Self::Null => Patch::Null,
            Self::Value(value) => Patch::Value(value),
        }
    }
}
