//! Errors of the REST routes (feeds, sitemaps): the HTTP status of the
//! error's code and a JSON body shaped like a GraphQL error, so clients
//! parse one error format everywhere:
//! `{"errors":[{"message":"…","extensions":{"code":"NOT_FOUND"}}]}`.

use axum::{
    Json,
    http::StatusCode,
    response::{IntoResponse, Response},
};
use serde_json::json;

use crate::error::{AppError, code};

/// The HTTP status of an error code.
pub fn status_of(code: &str) -> StatusCode {
    match code {
        code::NOT_FOUND => StatusCode::NOT_FOUND,
        code::BAD_USER_INPUT | code::BAD_REQUEST => StatusCode::BAD_REQUEST,
        code::UNAUTHENTICATED => StatusCode::UNAUTHORIZED,
        code::FORBIDDEN => StatusCode::FORBIDDEN,
        code::CONFLICT => StatusCode::CONFLICT,
        code::RATE_LIMITED => StatusCode::TOO_MANY_REQUESTS,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(cause) = &self {
            tracing::error!(%cause, "internal error while answering a REST request");
        }
        let code = self.code();
        let mut extensions = json!({ "code": code });
        if let AppError::BadUserInput { field, .. } = &self {
            extensions["field"] = json!(field);
        }
        let body = json!({
            "errors": [{ "message": self.message(), "extensions": extensions }]
        });
        (status_of(code), Json(body)).into_response()
    }
}
