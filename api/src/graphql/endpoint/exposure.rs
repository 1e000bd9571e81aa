//! What the endpoint shows of the schema to whom (`GRAPHIQL`,
//! `INTROSPECTION`), and the answers that tell a client to come back
//! later (`503` with `Retry-After`).

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use axum::http::{HeaderValue, StatusCode, header};

use crate::{
    domain::viewer::Viewer,
    platform::config::exposure::Introspection,
    platform::error::{RETRY_AFTER_SECS, code},
};

/// The endpoint's exposure settings, resolved for its environment.
#[derive(Clone, Copy, Debug)]
pub struct Exposure {
    pub graphiql: bool,
    pub introspection: Introspection,
}

impl Exposure {
    /// Whether `viewer` may introspect: `staff` means editors and admins
    /// (codegen and GraphiQL with their token).
    pub fn may_introspect(&self, viewer: &Viewer) -> bool {
        match self.introspection {
            Introspection::On => true,
            Introspection::Off => false,
            Introspection::Staff => viewer.is_editor(),
        }
    }
}

/// Whether `document` asks for `__schema` or `__type` anywhere (fragments
/// included). `__typename` is not introspection of the schema.
pub fn introspects(document: &ExecutableDocument) -> bool {
    document
        .operations
        .iter()
        .any(|(_, op)| in_selection(&op.node.selection_set.node))
        || document
            .fragments
            .values()
            .any(|fragment| in_selection(&fragment.node.selection_set.node))
}

fn in_selection(set: &SelectionSet) -> bool {
    set.items.iter().any(|item| match &item.node {
        Selection::Field(field) => {
            let name = field.node.name.node.as_str();
            name == "__schema" || name == "__type" || in_selection(&field.node.selection_set.node)
        }
        Selection::InlineFragment(fragment) => in_selection(&fragment.node.selection_set.node),
        Selection::FragmentSpread(_) => false,
    })
}

/// A response whose errors say the server is overloaded or out of time
/// (`TIMEOUT`, `SERVICE_UNAVAILABLE`) is a `503`: the client should retry
/// later, whatever part of the answer it got.
pub fn overloaded(response: &async_graphql::Response) -> bool {
    response.errors.iter().any(|error| {
        error
            .extensions
            .as_ref()
            .and_then(|extensions| extensions.get("code"))
            .is_some_and(|value| {
                matches!(value, async_graphql::Value::String(c)
                    if c == code::TIMEOUT || c == code::SERVICE_UNAVAILABLE)
            })
    })
}

/// Turns `response` into a `503` with `Retry-After`.
pub fn retry_later(response: &mut axum::response::Response) {
    *response.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
    response
        .headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECS));
}
