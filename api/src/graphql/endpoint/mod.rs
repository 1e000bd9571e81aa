//! The GraphQL face over HTTP: `GET /graphql` and `POST /graphql`,
//! following the GraphQL-over-HTTP specification (content negotiation,
//! status codes, queries only over GET), HTTP caching of GET answers
//! ([`cache`]), persisted queries ([`persisted`]) and GraphiQL.

pub mod cache;
pub mod documents;
mod exposure;
mod graphiql;
pub mod live;
mod negotiate;
pub mod persisted;
pub mod read_route;
pub mod response_cache;
mod stamp;
mod state;

pub use state::{Endpoint, EndpointState};

use std::{collections::BTreeMap, sync::Arc};

use async_graphql::{
    ErrorExtensionValues, ServerError,
    parser::types::{DocumentOperations, OperationType},
};
use axum::{
    Extension, Router,
    extract::{
        ConnectInfo, RawQuery, State,
        ws::{WebSocketUpgrade, rejection::WebSocketUpgradeRejection},
    },
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
    routing,
};
use chrono::Utc;

use self::{
    cache as graphql_cache,
    negotiate::{ResponseType, negotiate},
    response_cache::{CACHE_STATUS, Entry, Lookup, ResponseCache, Status, root::root_fields},
};
use crate::{
    domain::viewer::Viewer,
    graphql::{
        limits,
        surrogate::{self, SurrogateKeys},
    },
    platform::auth,
    platform::db::lsn::Lsn,
    platform::error::code,
    platform::ratelimit::Ticket,
    platform::request_scope,
    platform::signals::Notice,
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
    peer: Option<Extension<ConnectInfo<std::net::SocketAddr>>>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let query = query.unwrap_or_default();
    let peer = peer.map(|Extension(ConnectInfo(addr))| addr.ip());
    if let Ok(upgrade) = upgrade {
        return open_live(&state, &headers, peer, |state, viewer, permit| {
            live::ws::upgrade(state, upgrade, viewer, permit)
        })
        .await;
    }
    if live::wants_events(&headers) {
        let request = match request_from_url(&query) {
            Ok(request) => request,
            Err(err) => {
                return bad_request(
                    ResponseType::Json,
                    &format!("invalid GraphQL request in the URL: {err}"),
                );
            }
        };
        return open_live(&state, &headers, peer, |state, viewer, permit| {
            live::sse::serve(state, request, viewer, permit)
        })
        .await;
    }
    let Some(response_type) = negotiate(&headers, true) else {
        return not_acceptable();
    };
    if response_type == ResponseType::Html {
        if !state.exposure.graphiql {
            return (StatusCode::NOT_FOUND, "GraphiQL is off on this server").into_response();
        }
        let token =
            graphiql::dev_token_for(state.dev_token.get().map(String::as_str), peer, &headers);
        return graphiql::page(token).into_response();
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
    let seen = read_route::seen(&headers);
    execute(
        &state,
        request,
        ticket,
        viewer,
        response_type,
        Some(get),
        seen,
    )
    .await
}

/// Opens a live connection (WebSocket or Server-Sent Events) once the
/// request's `Authorization` header verifies (a bad one is `401`, as for
/// queries) and the client has a place ([`live::admit`]).
async fn open_live(
    state: &EndpointState,
    headers: &HeaderMap,
    peer: Option<std::net::IpAddr>,
    open: impl FnOnce(EndpointState, Viewer, live::Permit) -> Response,
) -> Response {
    let viewer = match viewer(state, headers, ResponseType::Json).await {
        Ok(viewer) => viewer,
        Err(response) => return response,
    };
    match live::admit(state, headers, peer) {
        Ok(permit) => open(state.clone(), viewer, permit),
        Err(err) => live::refusal(&err),
    }
}

/// What a `GET` adds to a request: its headers and the validator known
/// before running it.
struct Get<'a> {
    headers: &'a HeaderMap,
    early_tag: Option<String>,
}

/// `POST /graphql` with a JSON body (`query`, `variables`, `operationName`),
/// or a GraphQL multipart request (uploads).
pub async fn post(
    State(state): State<EndpointState>,
    ticket: Option<Extension<Ticket>>,
    peer: Option<Extension<ConnectInfo<std::net::SocketAddr>>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    if live::wants_events(&headers) {
        let request = match serde_json::from_slice::<async_graphql::Request>(&body) {
            Ok(request) => request,
            Err(err) => {
                return bad_request(
                    ResponseType::Json,
                    &format!("invalid GraphQL request body: {err}"),
                );
            }
        };
        let peer = peer.map(|Extension(ConnectInfo(addr))| addr.ip());
        return open_live(&state, &headers, peer, |state, viewer, permit| {
            live::sse::serve(state, request, viewer, permit)
        })
        .await;
    }
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
    if content_type
        .as_deref()
        .is_some_and(|ct| ct.starts_with("multipart/form-data"))
    {
        // The GraphQL multipart request spec: file uploads (`uploadMedia`).
        let options = async_graphql::http::MultipartOptions::default()
            .max_file_size(state.media.max_bytes())
            .max_num_files(1);
        let request = match async_graphql::http::receive_body(content_type, &body[..], options)
            .await
        {
            Ok(request) => request,
            Err(async_graphql::ParseRequestError::PayloadTooLarge) => {
                return status_error(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    response_type,
                    "the file is larger than MEDIA_MAX_MB",
                );
            }
            Err(err) => {
                return bad_request(response_type, &format!("invalid multipart request: {err}"));
            }
        };
        let ticket = ticket.map(|Extension(ticket)| ticket);
        let seen = read_route::seen(&headers);
        return execute(&state, request, ticket, viewer, response_type, None, seen).await;
    }
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
    let seen = read_route::seen(&headers);
    execute(&state, request, ticket, viewer, response_type, None, seen).await
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
        let mut response = respond_with_status(StatusCode::UNAUTHORIZED, response_type, response);
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
    seen: Option<Lsn>,
) -> Response {
    state.metrics.graphql_request();
    request_scope::graphql_operation(request.operation_name.as_deref());
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
    // Anonymous reads may be answered from memory, before any parsing:
    // the key is the request itself.
    let mut lead = None;
    if let Some(cache) = state.cache.as_deref().filter(|_| anonymous) {
        let key = ResponseCache::key(response_type, &request, Utc::now());
        let found = match cache.lookup(key).await {
            Lookup::Hit(entry) => Some((entry, Status::Hit)),
            Lookup::Collapsed(entry) => Some((entry, Status::Collapsed)),
            Lookup::Lead(duty) => {
                lead = Some(duty);
                None
            }
            Lookup::Alone => None,
        };
        if let Some((entry, status)) = found {
            request_scope::graphql_operation(entry.operation.as_deref());
            if let Some(refusal) = charge(state, ticket.as_ref(), &entry, &request).await {
                return respond(response_type, refusal);
            }
            return served(&entry, get, status).await;
        }
    }
    // Parse first: a document that does not parse is a request error with a
    // code of its own, and GET must refuse mutations before running them.
    // The request keeps the parsed document, so the executor does not parse
    // it a second time; a document seen before is not parsed at all
    // ([`documents`]). Its size is checked before validation walks it.
    let operation_name = request.operation_name.clone();
    let may_introspect = state.exposure.may_introspect(&viewer);
    let (mutation, roots, named) = match state.documents.parse(&mut request) {
        Ok(document) => {
            let named = operation_name
                .clone()
                .or_else(|| only_name(&document.operations));
            request_scope::graphql_operation(named.as_deref());
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
            (
                is_mutation(&document.operations, operation_name.as_deref()),
                root_fields(document, operation_name.as_deref()),
                named,
            )
        }
        Err(err) => {
            let error = coded_error(err.message, code::GRAPHQL_PARSE_FAILED);
            return respond(
                response_type,
                async_graphql::Response::from_errors(vec![error]),
            );
        }
    };
    if mutation {
        // Only answers of queries are shared or kept.
        lead = None;
    }
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
    let mut cost = None;
    if let Some(ticket) = ticket.as_ref().filter(|t| t.decision().is_some())
        && let Ok(measured) = limits::measured(
            &state.measuring,
            measurable.0.clone(),
            measurable.1.clone(),
            operation_name.clone(),
        )
        .await
    {
        cost = Some(measured.complexity);
        if let Err(error) = crate::graphql::rate_limit::settle(ticket, measured.complexity) {
            return respond(
                response_type,
                async_graphql::Response::from_errors(vec![error]),
            );
        }
    }
    // Answers that may be cached (a GET by a CDN, an anonymous read in
    // memory) collect the surrogate keys of what they show.
    let keys = (over_get || lead.is_some()).then(|| {
        let keys = SurrogateKeys::default();
        for root in &roots {
            for kind in surrogate::read_by(root) {
                keys.insert((*kind).to_owned());
            }
        }
        keys
    });
    let sub = viewer.sub().map(str::to_owned);
    let run = read_route::Run {
        primary: read_route::needs_primary(mutation, &roots),
        viewer,
        keys: keys.clone(),
        seen,
    };
    let mut response = read_route::run(state, request, run).await;
    if response.data == async_graphql::Value::Null
        && let Some(measure) = limits::refused_by_validation(&response.errors)
    {
        response.errors = measured_refusal(state, measure, measurable, operation_name).await;
    }
    let executed = reached_execution(&response);
    if let Some(registration) = registration
        && executed
    {
        state.persisted.register(registration);
    }
    let mut commit_lsn = None;
    if mutation {
        after_write(state, &roots, executed).await;
        if executed {
            commit_lsn = read_route::after_write(state, sub.as_deref()).await;
        }
    }
    code_request_errors(&mut response);
    let without_errors = response.errors.is_empty();
    let hint = response.cache_control;
    let keys = keys.map(|k| k.finish()).unwrap_or_default();
    let mut http = respond(response_type, response);
    if let Some(lsn) = commit_lsn {
        http.headers_mut().insert(read_route::COMMIT_LSN, lsn);
    }
    if let Some(lead) = lead {
        let (parts, body) = http.into_parts();
        let Ok(body) = axum::body::to_bytes(body, usize::MAX).await else {
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        };
        let mut entry = Entry::new(
            parts.status,
            parts.headers,
            body,
            keys,
            without_errors,
            hint,
        );
        entry.cost = cost;
        entry.operation = named;
        let entry = Arc::new(entry);
        let status = lead.finish(entry.clone());
        return served(&entry, get, status).await;
    }
    let status = if anonymous && !mutation && state.cache.is_some() {
        Status::Miss
    } else {
        Status::Bypass
    };
    let mut http = match get {
        Some(get) => {
            let cacheability = graphql_cache::Cacheability {
                anonymous,
                without_errors,
                hint,
                early_tag: get.early_tag,
                keys,
            };
            graphql_cache::apply(http, get.headers, cacheability).await
        }
        None => http,
    };
    http.headers_mut().insert(CACHE_STATUS, status.header());
    http
}

/// Charges a rate-limited client for an answer from memory what running
/// it would cost (the cache saves the server, not the client's budget);
/// the refusal when it does not fit.
async fn charge(
    state: &EndpointState,
    ticket: Option<&Ticket>,
    entry: &Entry,
    request: &async_graphql::Request,
) -> Option<async_graphql::Response> {
    let ticket = ticket.filter(|t| t.decision().is_some())?;
    let cost = match entry.cost {
        Some(cost) => cost,
        // Built for a client without limits: measured now.
        None => {
            limits::measured(
                &state.measuring,
                request.query.clone(),
                request.variables.clone(),
                request.operation_name.clone(),
            )
            .await
            .ok()?
            .complexity
        }
    };
    let error = crate::graphql::rate_limit::settle(ticket, cost).err()?;
    Some(async_graphql::Response::from_errors(vec![error]))
}

/// After a mutation: this replica's next answers know of the write at
/// once (the content generation, the response cache), and the other
/// replicas hear of it.
async fn after_write(state: &EndpointState, roots: &[String], executed: bool) {
    let generation = match state.validators.generation.refresh(&state.db).await {
        Ok(generation) => generation,
        Err(err) => {
            tracing::warn!(?err, "reading the content generation after a write failed");
            0
        }
    };
    if !executed {
        return;
    }
    let mut notice = Notice {
        generation,
        keys: roots
            .iter()
            .flat_map(|r| surrogate::written_by(r))
            .collect(),
        ..Notice::default()
    };
    if let Some(invalidator) = &state.invalidator {
        invalidator.apply(&notice).await;
        notice.applied = true;
    }
    state.signals.publish(notice).await;
}

/// An answer shared or kept by the response cache, with the caching
/// headers of a `GET` (or a `304`) and its `Cache-Status`.
async fn served(entry: &Entry, get: Option<Get<'_>>, status: Status) -> Response {
    let mut response = Response::new(axum::body::Body::from(entry.body.clone()));
    *response.status_mut() = entry.status;
    *response.headers_mut() = entry.headers.clone();
    let mut response = match get {
        Some(get) => {
            let cacheability = graphql_cache::Cacheability {
                anonymous: true,
                without_errors: entry.without_errors,
                hint: entry.hint,
                early_tag: get.early_tag,
                keys: entry.keys.clone(),
            };
            graphql_cache::apply(response, get.headers, cacheability).await
        }
        None => response,
    };
    response.headers_mut().insert(CACHE_STATUS, status.header());
    response
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

/// A response with no data at all failed validation (or a limit): its
/// errors without a code get `GRAPHQL_VALIDATION_FAILED`.
fn code_request_errors(response: &mut async_graphql::Response) {
    if response.data != async_graphql::Value::Null {
        return;
    }
    for error in &mut response.errors {
        let extensions = error
            .extensions
            .get_or_insert_with(ErrorExtensionValues::default);
        if extensions.get("code").is_none() {
            extensions.set("code", code::GRAPHQL_VALIDATION_FAILED);
        }
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

/// The name of a document's only operation, when it is named.
fn only_name(operations: &DocumentOperations) -> Option<String> {
    match operations {
        DocumentOperations::Multiple(ops) if ops.len() == 1 => {
            ops.keys().next().map(|name| name.to_string())
        }
        _ => None,
    }
}

fn is_mutation(operations: &DocumentOperations, name: Option<&str>) -> bool {
    match operations {
        DocumentOperations::Single(op) => op.node.ty == OperationType::Mutation,
        DocumentOperations::Multiple(ops) => match name {
            Some(name) => ops
                .get(name)
                .is_some_and(|op| op.node.ty == OperationType::Mutation),
            // One named operation runs without being named in the request.
            None if ops.len() == 1 => ops.values().any(|op| op.node.ty == OperationType::Mutation),
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

fn respond_as_is(response_type: ResponseType, mut response: async_graphql::Response) -> Response {
    stamp::errors(&mut response.errors);
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
    respond_with_status(status, response_type, response)
}

/// Serializes an error-only response (no `data` entry) with `status`.
fn respond_with_status(
    status: StatusCode,
    response_type: ResponseType,
    mut response: async_graphql::Response,
) -> Response {
    stamp::errors(&mut response.errors);
    let body = serde_json::to_vec(&WithoutData::from(&response)).unwrap_or_default();
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
