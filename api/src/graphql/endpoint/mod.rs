//! The GraphQL face over HTTP: `GET /graphql` and `POST /graphql`,
//! following the GraphQL-over-HTTP specification (content negotiation,
//! status codes, queries only over GET), HTTP caching of GET answers
//! ([`cache`]), persisted queries ([`persisted`]) and GraphiQL.

pub mod cache;
mod exposure;
mod graphiql;
mod negotiate;
pub mod persisted;
mod state;

pub use state::{Endpoint, EndpointState};

use std::collections::BTreeMap;

use async_graphql::{
    ErrorExtensionValues, ServerError,
    parser::types::{DocumentOperations, OperationType},
};
use axum::{
    Extension, Router,
    extract::{RawQuery, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing,
};
use chrono::Utc;

use self::{
    cache as graphql_cache,
    negotiate::{ResponseType, negotiate},
};
use crate::{
    domain::viewer::Viewer,
    graphql::{
        RequestContext, dataloader,
        limits::{self, RootFieldSlots},
        surrogate::SurrogateKeys,
    },
    platform::auth,
    platform::error::code,
    platform::ratelimit::Ticket,
};

/// The endpoint's routes, with their state (GraphiQL's assets only when
/// GraphiQL is on).
pub fn routes(state: EndpointState) -> Router {
    let router = Router::new().route("/graphql", routing::get(get).post(post));
    let router = if state.exposure.graphiql {
        router.route("/graphiql/assets/{file}", routing::get(graphiql::asset))
    } else {
        router
    };
    router.with_state(state)
}

/// `GET /graphql`: a query in the URL, or the GraphiQL page for a browser.
pub async fn get(
    State(state): State<EndpointState>,
    ticket: Option<Extension<Ticket>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let query = query.unwrap_or_default();
    let Some(response_type) = negotiate(&headers, true) else {
        return not_acceptable();
    };
    if response_type == ResponseType::Html {
        if !state.exposure.graphiql {
            return (StatusCode::NOT_FOUND, "GraphiQL is off on this server").into_response();
        }
        return graphiql::page().into_response();
    }
    let viewer = match viewer(&state, &headers, response_type).await {
        Ok(viewer) => viewer,
        Err(response) => return response,
    };
    // An anonymous reader's answer is known to be current without running
    // it while the content generation is unchanged.
    let early_tag = match viewer {
        Viewer::Anonymous => {
            state
                .validators
                .early_tag(&state.db, response_type, &query, Utc::now())
                .await
        }
        Viewer::User(_) => None,
    };
    if let Some(tag) = &early_tag
        && graphql_cache::matches(&headers, tag)
    {
        return graphql_cache::not_modified(tag);
    }
    let request = match request_from_url(&query) {
        Ok(request) => request,
        Err(err) => {
            return bad_request(
                response_type,
                &format!("invalid GraphQL request in the URL: {err}"),
            );
        }
    };
    let get = Get {
        headers: &headers,
        early_tag,
    };
    let ticket = ticket.map(|Extension(ticket)| ticket);
    execute(&state, request, ticket, viewer, response_type, Some(get)).await
}

/// What a `GET` adds to a request: its headers and the validator known
/// before running it.
struct Get<'a> {
    headers: &'a HeaderMap,
    early_tag: Option<String>,
}

/// `POST /graphql` with a JSON body (`query`, `variables`, `operationName`).
pub async fn post(
    State(state): State<EndpointState>,
    ticket: Option<Extension<Ticket>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    let Some(response_type) = negotiate(&headers, false) else {
        return not_acceptable();
    };
    let viewer = match viewer(&state, &headers, response_type).await {
        Ok(viewer) => viewer,
        Err(response) => return response,
    };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let is_json = content_type.as_deref().is_some_and(|ct| {
        ct.starts_with("application/json") || ct.starts_with("application/graphql")
    });
    if !is_json {
        return status_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            response_type,
            "send the request as application/json",
        );
    }
    let request = if content_type
        .as_deref()
        .is_some_and(|ct| ct.starts_with("application/graphql"))
    {
        match std::str::from_utf8(&body) {
            Ok(query) => async_graphql::Request::new(query),
            Err(_) => return bad_request(response_type, "the query is not valid UTF-8"),
        }
    } else {
        match serde_json::from_slice::<async_graphql::Request>(&body) {
            Ok(request) => request,
            Err(err) => {
                return bad_request(
                    response_type,
                    &format!("invalid GraphQL request body: {err}"),
                );
            }
        }
    };
    let ticket = ticket.map(|Extension(ticket)| ticket);
    execute(&state, request, ticket, viewer, response_type, None).await
}

/// Who sends the request: no `Authorization` header is an anonymous
/// reader; a header that does not verify is refused with 401, never
/// silently downgraded to anonymous.
async fn viewer(
    state: &EndpointState,
    headers: &HeaderMap,
    response_type: ResponseType,
) -> Result<Viewer, Response> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Ok(Viewer::Anonymous);
    };
    let result = match value.to_str().map(auth::bearer_token) {
        Ok(Ok(token)) => state.verifier.verify(token).await.map_err(|e| e.0),
        Ok(Err(e)) => Err(e.0),
        Err(_) => Err("the Authorization header is not readable text".to_owned()),
    };
    result.map(Viewer::User).map_err(|message| {
        let response =
            async_graphql::Response::from_errors(vec![coded_error(message, code::UNAUTHENTICATED)]);
        let mut response = respond_with_status(StatusCode::UNAUTHORIZED, response_type, &response);
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer error=\"invalid_token\""),
        );
        response
    })
}

async fn execute(
    state: &EndpointState,
    request: async_graphql::Request,
    ticket: Option<Ticket>,
    viewer: Viewer,
    response_type: ResponseType,
    get: Option<Get<'_>>,
) -> Response {
    state.metrics.graphql_request();
    let over_get = get.is_some();
    let anonymous = matches!(viewer, Viewer::Anonymous);
    let mut request = request;
    let registration = match state.persisted.resolve(&mut request) {
        Ok(registration) => registration,
        Err((code, message)) => {
            return respond(
                response_type,
                async_graphql::Response::from_errors(vec![coded_error(message, code)]),
            );
        }
    };
    // Parse first: a document that does not parse is a request error with a
    // code of its own, and GET must refuse mutations before running them.
    // The request keeps the parsed document, so the executor does not parse
    // it a second time. Its size is checked before validation walks it.
    let operation_name = request.operation_name.clone();
    let may_introspect = state.exposure.may_introspect(&viewer);
    let mutation = match request.parsed_query() {
        Ok(document) => {
            if let Err(error) = state.limits.check(document) {
                return respond(
                    response_type,
                    async_graphql::Response::from_errors(vec![error]),
                );
            }
            if !may_introspect && exposure::introspects(document) {
                let error = coded_error(
                    "introspection is off for this viewer (INTROSPECTION): editors and admins \
                     may introspect with their token",
                    if anonymous {
                        code::UNAUTHENTICATED
                    } else {
                        code::FORBIDDEN
                    },
                );
                return respond(
                    response_type,
                    async_graphql::Response::from_errors(vec![error]),
                );
            }
            is_mutation(&document.operations, operation_name.as_deref())
        }
        Err(err) => {
            let error = coded_error(err.message, code::GRAPHQL_PARSE_FAILED);
            return respond(
                response_type,
                async_graphql::Response::from_errors(vec![error]),
            );
        }
    };
    if over_get && mutation {
        let mut response = status_error(
            StatusCode::METHOD_NOT_ALLOWED,
            response_type,
            "mutations are only accepted over POST",
        );
        response
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return response;
    }
    let mut request = request;
    if !may_introspect {
        // Belt and braces: the document was checked above.
        request = request.disable_introspection();
    }
    // What the measuring schema needs if validation refuses the document.
    let measurable = (request.query.clone(), request.variables.clone());
    // A rate-limited client pays the operation's complexity before it
    // runs. A document that does not validate pays only its arrival: its
    // validation errors come from the execution below.
    if let Some(ticket) = ticket.as_ref().filter(|t| t.decision().is_some())
        && let Ok(measured) = limits::measured(
            &state.measuring,
            measurable.0.clone(),
            measurable.1.clone(),
            operation_name.clone(),
        )
        .await
        && let Err(error) = crate::graphql::rate_limit::settle(ticket, measured.complexity)
    {
        return respond(
            response_type,
            async_graphql::Response::from_errors(vec![error]),
        );
    }
    let mut request = request
        .data(dataloader::for_request(state.db.clone()))
        .data(RootFieldSlots::new(state.root_field_concurrency))
        .data(RequestContext {
            viewer,
            now: Utc::now(),
        });
    // Only a GET answer can be cached, so only a GET collects its keys.
    let keys = SurrogateKeys::default();
    if over_get {
        request = request.data(keys.clone());
    }
    let mut response = state.schema.execute(request).await;
    if response.data == async_graphql::Value::Null
        && let Some(measure) = limits::refused_by_validation(&response.errors)
    {
        response.errors = measured_refusal(state, measure, measurable, operation_name).await;
    }
    if let Some(registration) = registration
        && reached_execution(&response)
    {
        state.persisted.register(registration);
    }
    if mutation {
        // This replica's next answers know of its own write at once.
        if let Err(err) = state.validators.generation.refresh(&state.db).await {
            tracing::warn!(?err, "reading the content generation after a write failed");
        }
    }
    if response.data == async_graphql::Value::Null {
        // No data at all: the request failed validation (or a limit).
        for error in &mut response.errors {
            let extensions = error
                .extensions
                .get_or_insert_with(ErrorExtensionValues::default);
            if extensions.get("code").is_none() {
                extensions.set("code", code::GRAPHQL_VALIDATION_FAILED);
            }
        }
    }
    let Some(get) = get else {
        return respond(response_type, response);
    };
    let cacheability = graphql_cache::Cacheability {
        anonymous,
        without_errors: response.errors.is_empty(),
        hint: response.cache_control,
        early_tag: get.early_tag,
        keys: keys.finish(),
    };
    let http = respond(response_type, response);
    graphql_cache::apply(http, get.headers, cacheability).await
}

/// async-graphql's complexity or depth refusal as `QUERY_TOO_COMPLEX`, with
/// the value the measuring schema finds (or the document's validation
/// error, which async-graphql reports only after its limits).
async fn measured_refusal(
    state: &EndpointState,
    measure: limits::Measure,
    (query, variables): (String, async_graphql::Variables),
    operation_name: Option<String>,
) -> Vec<ServerError> {
    match limits::measured(&state.measuring, query, variables, operation_name).await {
        Ok(measured) => {
            let cost = match measure {
                limits::Measure::Depth => measured.depth,
                _ => measured.complexity,
            };
            vec![state.limits.refusal(measure, cost)]
        }
        Err(errors) => errors,
    }
}

/// Whether a request got past parsing, validation and the limits: it has
/// data, or field errors (which have a path; request errors have none).
fn reached_execution(response: &async_graphql::Response) -> bool {
    response.data != async_graphql::Value::Null
        || response.errors.iter().any(|e| !e.path.is_empty())
}

/// The parameters of a GraphQL request in a URL, as GraphQL over HTTP
/// names them (`operationName`; async-graphql's own parser only reads
/// `operation_name`, which is still accepted).
#[derive(serde::Deserialize)]
struct UrlParameters {
    #[serde(default)]
    query: String,
    #[serde(rename = "operationName", alias = "operation_name")]
    operation_name: Option<String>,
    variables: Option<String>,
    extensions: Option<String>,
}

fn request_from_url(raw: &str) -> Result<async_graphql::Request, String> {
    let parameters: UrlParameters = serde_urlencoded::from_str(raw).map_err(|e| e.to_string())?;
    let mut request = async_graphql::Request::new(parameters.query);
    request.operation_name = parameters.operation_name;
    if let Some(variables) = parameters.variables {
        request.variables =
            serde_json::from_str(&variables).map_err(|e| format!("invalid variables: {e}"))?;
    }
    if let Some(extensions) = parameters.extensions {
        request.extensions =
            serde_json::from_str(&extensions).map_err(|e| format!("invalid extensions: {e}"))?;
    }
    Ok(request)
}

fn is_mutation(operations: &DocumentOperations, name: Option<&str>) -> bool {
    match operations {
        DocumentOperations::Single(op) => op.node.ty == OperationType::Mutation,
        DocumentOperations::Multiple(ops) => match name {
            Some(name) => ops
                .get(name)
                .is_some_and(|op| op.node.ty == OperationType::Mutation),
            None => false,
        },
    }
}

/// Serializes a GraphQL response with the status the media type calls for
/// (`503` with `Retry-After` when the server ran out of time or
/// connections).
fn respond(response_type: ResponseType, response: async_graphql::Response) -> Response {
    let overloaded = exposure::overloaded(&response);
    let mut http = respond_as_is(response_type, response);
    if overloaded {
        exposure::retry_later(&mut http);
    }
    http
}

fn respond_as_is(response_type: ResponseType, response: async_graphql::Response) -> Response {
    let request_error = response.data == async_graphql::Value::Null && response.is_err();
    let status = match response_type {
        ResponseType::GraphqlResponseJson if request_error => StatusCode::BAD_REQUEST,
        _ => StatusCode::OK,
    };
    // A request error never started execution: the specification says
    // the response then has no `data` entry at all.
    let body = if request_error {
        serde_json::to_vec(&WithoutData::from(&response))
    } else {
        serde_json::to_vec(&response)
    };
    let body = match body {
        Ok(body) => body,
        Err(err) => {
            tracing::error!(%err, "could not serialize a GraphQL response");
            return (StatusCode::INTERNAL_SERVER_ERROR, "internal server error").into_response();
        }
    };
    (
        status,
        [(header::CONTENT_TYPE, response_type.content_type())],
        body,
    )
        .into_response()
}

/// A response without its `data` entry. Serialized straight from the
/// response (not through `serde_json::Value`, whose maps are sorted): the
/// fields keep the order the executor gave them.
#[derive(serde::Serialize)]
struct WithoutData<'a> {
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    extensions: &'a BTreeMap<String, async_graphql::Value>,
    #[serde(skip_serializing_if = "<[ServerError]>::is_empty")]
    errors: &'a [ServerError],
}

impl<'a> From<&'a async_graphql::Response> for WithoutData<'a> {
    fn from(response: &'a async_graphql::Response) -> Self {
        Self {
            extensions: &response.extensions,
            errors: &response.errors,
        }
    }
}

fn coded_error(message: impl Into<String>, code: &str) -> ServerError {
    let mut error = ServerError::new(message, None);
    let mut extensions = ErrorExtensionValues::default();
    extensions.set("code", code);
    error.extensions = Some(extensions);
    error
}

/// A GraphQL-shaped error with an HTTP status of its own.
fn status_error(status: StatusCode, response_type: ResponseType, message: &str) -> Response {
    let response =
        async_graphql::Response::from_errors(vec![coded_error(message, code::BAD_REQUEST)]);
    respond_with_status(status, response_type, &response)
}

/// Serializes an error-only response (no `data` entry) with `status`.
fn respond_with_status(
    status: StatusCode,
    response_type: ResponseType,
    response: &async_graphql::Response,
) -> Response {
    let body = serde_json::to_vec(&WithoutData::from(response)).unwrap_or_default();
    let content_type = match response_type {
        ResponseType::Html => ResponseType::Json.content_type(),
        other => other.content_type(),
    };
    (status, [(header::CONTENT_TYPE, content_type)], body).into_response()
}

fn bad_request(response_type: ResponseType, message: &str) -> Response {
    status_error(StatusCode::BAD_REQUEST, response_type, message)
}

fn not_acceptable() -> Response {
    status_error(
        StatusCode::NOT_ACCEPTABLE,
        ResponseType::Json,
        "accept application/graphql-response+json or application/json",
    )
}
