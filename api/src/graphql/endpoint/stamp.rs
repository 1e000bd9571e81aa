//! The request's mark on its GraphQL errors: every error answered carries
//! `extensions.requestId` (the `X-Request-Id` of the response, which the
//! access log line carries too), and its code is recorded for the access
//! log and `toasoan_graphql_errors_total`.

use async_graphql::{ErrorExtensionValues, ServerError, Value};

use crate::platform::request_scope;

/// Adds the request id to every error and records their codes.
pub fn errors(errors: &mut [ServerError]) {
    if errors.is_empty() {
        return;
    }
    let id = request_scope::request_id();
    let mut codes = Vec::with_capacity(errors.len());
    for error in errors.iter_mut() {
        let extensions = error
            .extensions
            .get_or_insert_with(ErrorExtensionValues::default);
        if let Some(id) = &id {
            extensions.set("requestId", id.as_str());
        }
        let code = match extensions.get("code") {
            Some(Value::String(code)) => code.clone(),
            Some(Value::Enum(code)) => code.to_string(),
            _ => String::new(),
        };
        codes.push(code);
    }
    request_scope::graphql_errors(codes.iter().map(String::as_str));
}
