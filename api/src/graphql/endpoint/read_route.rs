//! Running a GraphQL request on the database its reader calls for (read
//! replicas, see `platform::db::read_replicas`), and read-your-writes over
//! HTTP: after a mutation the answer carries the primary's WAL position
//! in `Toasoan-Commit-Lsn`; a client that sends it back on later requests
//! (to this server or another) reads only from replicas that replayed it.

use async_graphql::{IntrospectionMode, Variables};
use axum::http::{HeaderMap, HeaderName, HeaderValue};
use sea_orm::DatabaseConnection;

use super::EndpointState;
use crate::{
    domain::viewer::Viewer,
    graphql::{RequestContext, dataloader, limits::RootFieldSlots, surrogate::SurrogateKeys},
    platform::db::{
        Reader,
        lsn::{self, Lsn},
    },
    platform::error::code,
};

/// The read-your-writes header (`Toasoan-Commit-Lsn`).
pub const COMMIT_LSN: HeaderName = HeaderName::from_static(lsn::COMMIT_LSN_HEADER);

/// The position a request's `Toasoan-Commit-Lsn` names, if readable.
pub(super) fn seen(headers: &HeaderMap) -> Option<Lsn> {
    lsn::from_headers(headers)
}

/// After a mutation: the commit position to send back, remembered for the
/// writer (nothing without read replicas).
pub(super) async fn after_write(
    state: &EndpointState,
    viewer_sub: Option<&str>,
) -> Option<HeaderValue> {
    let lsn = state.databases.note_write(viewer_sub).await?;
    HeaderValue::from_str(&lsn.to_string()).ok()
}

/// What a request needs to run.
pub(super) struct Run {
    /// A mutation, or a read of the change log (its head, and the
    /// articles of its entries, must be current): the primary serves.
    pub primary: bool,
    pub viewer: Viewer,
    pub keys: Option<SurrogateKeys>,
    /// The client's `Toasoan-Commit-Lsn`.
    pub seen: Option<Lsn>,
}

/// The root fields whose requests read from the primary: the change log
/// (a partner that stored a cursor past an entry whose article it read
/// stale would never see that change).
const PRIMARY_ROOTS: &[&str] = &["changes"];

/// Whether a request with these root fields must read from the primary.
pub(super) fn needs_primary(mutation: bool, roots: &[String]) -> bool {
    mutation || roots.iter().any(|r| PRIMARY_ROOTS.contains(&r.as_str()))
}

/// Runs `request` with its per-request data, on the primary or a replica.
/// A read that fails on a replica (an internal or unavailability error:
/// the replica went away) marks the replica down and runs again on the
/// primary: a query reads only, so running it twice is harmless.
pub(super) async fn run(
    state: &EndpointState,
    request: async_graphql::Request,
    run: Run,
) -> async_graphql::Response {
    let anonymous = matches!(run.viewer, Viewer::Anonymous);
    let routed = if run.primary {
        None
    } else {
        let reader = Reader {
            staff: run.viewer.is_staff(),
            sub: run.viewer.sub(),
            seen: run.seen,
            // Anonymous answers are cached and validated against it.
            generation: anonymous.then(|| state.validators.generation.known()),
        };
        Some(state.databases.for_read(&reader))
    };
    let Some(replica) = routed.as_ref().and_then(|r| r.replica.clone()) else {
        let request = with_data(
            state,
            request,
            &state.db,
            state.databases.batch_reads(),
            &run,
        );
        return state.schema.execute(request).await;
    };
    let again = Again::of(&request);
    let db = routed.map_or_else(|| state.db.clone(), |r| r.db);
    let response = state
        .schema
        .execute(with_data(state, request, &db, &db, &run))
        .await;
    if !failed(&response) {
        return response;
    }
    tracing::warn!(replica = %replica.name, "a read failed on a read replica: the primary answers it");
    replica.mark_down();
    let batch = state.databases.batch_reads();
    let request = with_data(state, again.request(), &state.db, batch, &run);
    state.schema.execute(request).await
}

/// `request` with the data of one run over `db`, its loaders' batches
/// over `batches` (the same database; on the primary, its pool with
/// generic plans).
fn with_data(
    state: &EndpointState,
    request: async_graphql::Request,
    db: &DatabaseConnection,
    batches: &DatabaseConnection,
    run: &Run,
) -> async_graphql::Request {
    let mut request = request
        .data(dataloader::for_request(batches.clone(), run.keys.clone()))
        .data(RootFieldSlots::new(state.root_field_concurrency))
        .data(RequestContext::at(run.viewer.clone(), chrono::Utc::now()))
        .data(db.clone());
    if let Some(keys) = &run.keys {
        request = request.data(keys.clone());
    }
    request
}

/// Whether an answer failed for a reason a working database would not
/// give.
fn failed(response: &async_graphql::Response) -> bool {
    response.errors.iter().any(|e| {
        e.extensions
            .as_ref()
            .and_then(|x| x.get("code"))
            .is_some_and(|c| {
                *c == async_graphql::Value::from(code::INTERNAL_SERVER_ERROR)
                    || *c == async_graphql::Value::from(code::SERVICE_UNAVAILABLE)
            })
    })
}

/// What it takes to run a request a second time.
struct Again {
    query: String,
    operation_name: Option<String>,
    variables: Variables,
    extensions: async_graphql::Extensions,
    introspection_mode: IntrospectionMode,
}

impl Again {
    fn of(request: &async_graphql::Request) -> Self {
        Self {
            query: request.query.clone(),
            operation_name: request.operation_name.clone(),
            variables: request.variables.clone(),
            extensions: request.extensions.clone(),
            introspection_mode: request.introspection_mode,
        }
    }

    fn request(self) -> async_graphql::Request {
        let mut request = async_graphql::Request::new(self.query).variables(self.variables);
        request.operation_name = self.operation_name;
        request.extensions = self.extensions;
        request.introspection_mode = self.introspection_mode;
        request
    }
}
