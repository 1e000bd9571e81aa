//! What the REST routes share: who is asking (the bearer token, verified
//! once, as for GraphQL) and JSON errors with the same stable codes:
//! `{"error": {"code": "NOT_FOUND", "message": "…", "field": "…"}}` with
//! the matching HTTP status.

use axum::{
    Json,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use serde_json::json;

use crate::{
    app::AppState,
    auth,
    error::{AppError, code},
    viewer::Viewer,
};

/// An error answered as JSON with its HTTP status.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
    field: Option<String>,
}

impl ApiError {
    /// `400 BAD_USER_INPUT` about query parameter `field`.
    pub fn bad_input(field: &str, message: impl Into<String>) -> Self {
        AppError::bad_input(field, message).into()
    }
}

impl From<AppError> for ApiError {
    fn from(err: AppError) -> Self {
        if let AppError::Internal(cause) = &err {
            tracing::error!(%cause, "internal error while answering a REST request");
        }
        let status = match err.code() {
            code::NOT_FOUND => StatusCode::NOT_FOUND,
            code::UNAUTHENTICATED => StatusCode::UNAUTHORIZED,
            code::FORBIDDEN => StatusCode::FORBIDDEN,
            code::BAD_USER_INPUT => StatusCode::BAD_REQUEST,
            code::CONFLICT => StatusCode::CONFLICT,
            code::RATE_LIMITED => StatusCode::TOO_MANY_REQUESTS,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        let field = match &err {
            AppError::BadUserInput { field, .. } => Some(field.clone()),
            _ => None,
        };
        Self {
            status,
            code: err.code(),
            message: err.message(),
            field,
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
        let mut body = json!({ "code": self.code, "message": self.message });
        if let (Some(field), Some(map)) = (self.field, body.as_object_mut()) {
            map.insert("field".to_owned(), field.into());
        }
        let mut response = (self.status, Json(json!({ "error": body }))).into_response();
        if self.status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

/// The viewer of a request: no `Authorization` header is anonymous; a
/// header that does not verify is `401 UNAUTHENTICATED`, never anonymous.
pub async fn viewer(state: &AppState, headers: &HeaderMap) -> Result<Viewer, ApiError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(Viewer::Anonymous);
    };
    let refuse = |message: &str| ApiError {
        status: StatusCode::UNAUTHORIZED,
        code: code::UNAUTHENTICATED,
        message: message.to_owned(),
        field: None,
    };
    let value = value
        .to_str()
        .map_err(|_| refuse("the Authorization header is not readable text"))?;
    let token = auth::bearer_token(value).map_err(|e| refuse(e.message()))?;
    let user = state
        .verifier
        .verify(token)
        .await
        .map_err(|e| refuse(e.message()))?;
    Ok(Viewer::User(user))
}
