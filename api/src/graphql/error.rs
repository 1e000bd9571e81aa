//! Domain errors as GraphQL errors: the message (internals hidden) and
//! `extensions.code`, plus `field`, `errors` and `currentVersion` where
//! they apply.

use async_graphql::ErrorExtensions;

use crate::platform::error::{AppError, FieldError};

impl From<AppError> for async_graphql::Error {
    fn from(err: AppError) -> Self {
        if let AppError::Internal(cause) = &err {
            tracing::error!(%cause, "internal error while resolving a request");
        }
        let code = err.code();
        let fields: Vec<FieldError> = match &err {
            AppError::BadUserInput { field, message } => vec![FieldError {
                field: field.clone(),
                message: message.clone(),
            }],
            AppError::Invalid(errors) => errors.clone(),
            _ => Vec::new(),
        };
        let current_version = match &err {
            AppError::StaleVersion { current, .. } => Some(*current),
            _ => None,
        };
        async_graphql::Error::new(err.message()).extend_with(|_, ext| {
            ext.set("code", code);
            if let Some(current) = current_version {
                ext.set("currentVersion", current);
            }
            if let Some(first) = fields.first() {
                ext.set("field", first.field.as_str());
            }
            if fields.len() > 1 {
                let list: Vec<async_graphql::Value> = fields
                    .iter()
                    .map(|e| {
                        let mut map = async_graphql::indexmap::IndexMap::new();
                        map.insert(async_graphql::Name::new("field"), e.field.clone().into());
                        map.insert(
                            async_graphql::Name::new("message"),
                            e.message.clone().into(),
                        );
                        async_graphql::Value::Object(map)
                    })
                    .collect();
                ext.set("errors", list);
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::error::Errors;

    fn code_of(err: AppError) -> String {
        let gql: async_graphql::Error = err.into();
        let ext = gql.extensions.expect("extensions are set");
        match ext.get("code") {
            Some(async_graphql::Value::String(code)) => code.clone(),
            other => panic!("unexpected code {other:?}"),
        }
    }

    #[test]
    fn every_variant_maps_to_its_stable_code() {
        let cases = [
            (AppError::NotFound("article".into()), "NOT_FOUND"),
            (AppError::Unauthenticated, "UNAUTHENTICATED"),
            (AppError::Forbidden("no".into()), "FORBIDDEN"),
            (AppError::bad_input("first", "too big"), "BAD_USER_INPUT"),
            (AppError::Conflict("stale".into()), "CONFLICT"),
            (AppError::RateLimited, "RATE_LIMITED"),
            (AppError::Busy, "DATABASE_BUSY"),
            (AppError::Timeout, "TIMEOUT"),
            (AppError::Unavailable, "SERVICE_UNAVAILABLE"),
            (AppError::Internal("boom".into()), "INTERNAL_SERVER_ERROR"),
        ];
        for (err, expected) in cases {
            assert_eq!(code_of(err), expected);
        }
    }

    #[test]
    fn internal_errors_hide_their_cause() {
        let gql: async_graphql::Error = AppError::Internal("secret table name".into()).into();
        assert_eq!(gql.message, "internal server error");
    }

    #[test]
    fn several_input_errors_are_reported_together() {
        let mut errors = Errors::default();
        errors.add("input.title", "must not be empty");
        errors.add("input.body[1].image.url", "must be an http(s) URL");
        let gql: async_graphql::Error = errors.finish().unwrap_err().into();
        assert!(gql.message.starts_with("2 input errors"));
        let ext = gql.extensions.expect("extensions are set");
        assert_eq!(
            ext.get("field"),
            Some(&async_graphql::Value::String("input.title".into()))
        );
        match ext.get("errors") {
            Some(async_graphql::Value::List(list)) => assert_eq!(list.len(), 2),
            other => panic!("no error list: {other:?}"),
        }
    }

    #[test]
    fn bad_input_names_the_field() {
        let gql: async_graphql::Error = AppError::bad_input("first", "too big").into();
        let ext = gql.extensions.expect("extensions are set");
        assert_eq!(
            ext.get("field"),
            Some(&async_graphql::Value::String("first".into()))
        );
    }
}
