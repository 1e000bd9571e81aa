//! Errors of the REST routes (feeds, sitemaps, ninjs, sync): the HTTP status of the
//! error's code and a JSON body shaped like a GraphQL error, so clients
//! parse one error format everywhere:
//! `{"errors":[{"message":"…","extensions":{"code":"NOT_FOUND","requestId":"…"}}]}`
//! (`requestId` is the response's `X-Request-Id`).

use axum::{
    Json,
    http::{HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde_json::json;

use crate::platform::{
    error::{AppError, code},
    request_scope,
};

/// The error body of every REST route, the GraphQL error shape (for the
/// OpenAPI document; the body is built by [`ApiError`]).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct ErrorBody {
    /// One error (REST routes answer one at a time).
    errors: Vec<ErrorItem>,
}

/// One error.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct ErrorItem {
    /// What went wrong, for people.
    message: String,
    extensions: ErrorExtensions,
}

/// What a program reads.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct ErrorExtensions {
    /// Stable: `BAD_USER_INPUT`, `UNAUTHENTICATED`, `FORBIDDEN`,
    /// `NOT_FOUND`, `CONFLICT`, `RATE_LIMITED`, `TIMEOUT`,
    /// `SERVICE_UNAVAILABLE`, `DATABASE_BUSY`, `INTERNAL_SERVER_ERROR`.
    code: String,
    /// The parameter or field at fault (`BAD_USER_INPUT`).
    field: Option<String>,
    /// The response's `X-Request-Id`, to quote when reporting a problem.
    #[schema(rename = "requestId")]
    request_id: Option<String>,
}

/// The HTTP status of an error code.
pub fn status_of(code: &str) -> StatusCode {
    match code {
        code::NOT_FOUND => StatusCode::NOT_FOUND,
        code::BAD_USER_INPUT | code::BAD_REQUEST => StatusCode::BAD_REQUEST,
        code::UNAUTHENTICATED => StatusCode::UNAUTHORIZED,
        code::FORBIDDEN => StatusCode::FORBIDDEN,
        code::CONFLICT => StatusCode::CONFLICT,
        code::RATE_LIMITED => StatusCode::TOO_MANY_REQUESTS,
        code::DATABASE_BUSY | code::TIMEOUT | code::SERVICE_UNAVAILABLE => {
            StatusCode::SERVICE_UNAVAILABLE
        }
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// An error answered as JSON with its HTTP status.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    field: Option<String>,
    /// `Retry-After` in seconds, for errors that a retry can cure.
    retry_after: Option<u64>,
}

impl ApiError {
    /// `400 BAD_USER_INPUT` about query parameter `field`.
    pub fn bad_input(field: &str, message: impl Into<String>) -> Self {
        AppError::bad_input(field, message).into()
    }

    /// `413` for an upload past its limit; the code is `BAD_USER_INPUT`
    /// on `file`, as for any other refused file.
    pub fn too_large(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            code: code::BAD_USER_INPUT,
            message: message.into(),
            field: Some("file".to_owned()),
            retry_after: None,
        }
    }

    /// `401 UNAUTHENTICATED`, saying what is wrong with the credentials.
    pub fn unauthenticated(message: impl Into<String>) -> Self {
        Self {
            status: StatusCode::UNAUTHORIZED,
            code: code::UNAUTHENTICATED,
            message: message.into(),
            field: None,
            retry_after: None,
        }
    }
}

impl From<AppError> for ApiError {
    fn from(err: AppError) -> Self {
        if let AppError::Internal(cause) = &err {
            tracing::error!(%cause, "internal error while answering a REST request");
        }
        let field = match &err {
            AppError::BadUserInput { field, .. } => Some(field.clone()),
            _ => None,
        };
        Self {
            status: status_of(err.code()),
            code: err.code(),
            message: err.message(),
            field,
            retry_after: err.retry_after_secs(),
        }
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(err: sea_orm::DbErr) -> Self {
        AppError::from(err).into()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut extensions = json!({ "code": self.code });
        if let Some(field) = self.field {
            extensions["field"] = json!(field);
        }
        if let Some(id) = request_scope::request_id() {
            extensions["requestId"] = json!(id);
        }
        let body = json!({
            "errors": [{ "message": self.message, "extensions": extensions }]
        });
        let mut response = (self.status, Json(body)).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        ApiError::from(self).into_response()
    }
}
