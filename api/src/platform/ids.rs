//! Opaque global IDs for Relay's `node(id:)`: base64url of `Type:id`.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};

use crate::platform::error::{AppError, AppResult};

/// The object types that have a global ID.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NodeType {
    Article,
    Person,
    Organization,
    Event,
    Section,
    Tag,
    Media,
    ImportJob,
}

impl NodeType {
    const ALL: [NodeType; 8] = [
        NodeType::Article,
        NodeType::Person,
        NodeType::Organization,
        NodeType::Event,
        NodeType::Section,
        NodeType::Tag,
        NodeType::Media,
        NodeType::ImportJob,
    ];

    /// The type name with its indefinite article, for messages.
    fn article(self) -> String {
        let an = matches!(
            self,
            NodeType::Article | NodeType::Organization | NodeType::Event
        );
        format!("{} {}", if an { "an" } else { "a" }, self.name())
    }

    fn name(self) -> &'static str {
        match self {
            NodeType::Article => "Article",
            NodeType::Person => "Person",
            NodeType::Organization => "Organization",
            NodeType::Event => "Event",
            NodeType::Section => "Section",
            NodeType::Tag => "Tag",
            NodeType::Media => "Media",
            NodeType::ImportJob => "ImportJob",
        }
    }
}

/// Encodes the global ID of a row.
pub fn encode(kind: NodeType, id: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}:{id}", kind.name()))
}

/// Decodes any global ID into its type and row id.
pub fn decode_any(global: &str) -> Option<(NodeType, i64)> {
    let bytes = URL_SAFE_NO_PAD.decode(global.trim_end_matches('=')).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (name, id) = text.split_once(':')?;
    let kind = NodeType::ALL.into_iter().find(|k| k.name() == name)?;
    let id = id.parse::<i64>().ok().filter(|id| *id > 0)?;
    Some((kind, id))
}

/// Decodes a global ID that must be of `kind`; anything else is bad input
/// about `field`.
pub fn decode(kind: NodeType, global: &str, field: &str) -> AppResult<i64> {
    match decode_any(global) {
        Some((found, id)) if found == kind => Ok(id),
        Some((found, _)) => Err(AppError::bad_input(
            field,
            format!(
                "expected the ID of {}, got the ID of {}",
                kind.article(),
                found.article()
            ),
        )),
        None => Err(AppError::bad_input(field, "not a valid ID")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_stay_opaque() {
        let id = encode(NodeType::Article, 42);
        assert!(!id.contains("Article"));
        assert_eq!(decode_any(&id), Some((NodeType::Article, 42)));
    }

    #[test]
    fn wrong_type_and_garbage_are_rejected() {
        let person = encode(NodeType::Person, 1);
        assert!(decode(NodeType::Article, &person, "id").is_err());
        assert!(decode(NodeType::Article, "%%%", "id").is_err());
        assert_eq!(decode_any(&URL_SAFE_NO_PAD.encode("Article:-3")), None);
    }
}
