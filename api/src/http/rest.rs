//! Who is asking a REST route: the bearer token, verified once, as for
//! GraphQL. Errors are `rest_error::ApiError` (GraphQL-shaped JSON with
//! the HTTP status of their code).

use axum::http::{HeaderMap, header};

use super::RestState;
pub use super::rest_error::ApiError;
use crate::{domain::viewer::Viewer, platform::auth};

/// The viewer of a request: no `Authorization` header is anonymous; a
/// header that does not verify is `401 UNAUTHENTICATED`, never anonymous.
pub async fn viewer(state: &RestState, headers: &HeaderMap) -> Result<Viewer, ApiError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(Viewer::Anonymous);
    };
    let refuse = |message: &str| ApiError::unauthenticated(message);
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
