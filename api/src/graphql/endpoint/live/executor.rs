//! Runs the operations of one live connection: the same document rules
//! as `POST /graphql` (size measures, complexity and depth, introspection
//! by role), mutations refused (they go over `POST`, where the caches
//! hear of them), and a bound on the subscriptions running at once.

use std::sync::{
    Arc, OnceLock,
    atomic::{AtomicUsize, Ordering},
};

use async_graphql::{Data, Executor, Request, Response, ServerError};
use futures_util::{StreamExt, stream::BoxStream};

use super::super::{
    EndpointState, code_request_errors, coded_error, exposure, is_mutation, measured_refusal, stamp,
};
use crate::{
    domain::viewer::Viewer,
    graphql::{RequestContext, limits},
    platform::error::code,
};

/// The code of a subscription refused because its connection runs as
/// many as it may (`SUBSCRIPTIONS_MAX_PER_CONNECTION`).
pub const TOO_MANY_SUBSCRIPTIONS: &str = "TOO_MANY_SUBSCRIPTIONS";

/// The executor of one connection (cheap to clone: its operations share
/// the counts).
#[derive(Clone)]
pub struct LiveExecutor {
    state: EndpointState,
    /// Who is connected: known after `connection_init` (WebSocket) or at
    /// once (Server-Sent Events).
    viewer: Arc<OnceLock<Viewer>>,
    /// Operations running now.
    running: Arc<AtomicUsize>,
    max_running: usize,
}

/// What every operation of a live connection reads from its context:
/// the subscriber, a clock read at each event, the replica's shared
/// loaders (no cache, so an event never shows what an earlier one loaded;
/// shared, so the thousands of subscribers resolving one event join the
/// same batches: one statement per relation, not one per subscriber),
/// the primary database (a replica may not have replayed the entry yet)
/// and the feed.
pub fn session_data(state: &EndpointState, viewer: Viewer) -> Data {
    let mut data = Data::default();
    data.insert(RequestContext::live(viewer));
    data.insert(state.live_loaders.clone());
    data.insert(limits::RootFieldSlots::new(state.root_field_concurrency));
    data.insert(state.db.clone());
    data.insert(state.live.clone());
    data
}

impl LiveExecutor {
    /// The executor of a new connection.
    pub fn new(state: EndpointState) -> Self {
        let max_running = state.live_config.subscriptions_max_per_connection.max(1);
        Self {
            state,
            viewer: Arc::new(OnceLock::new()),
            running: Arc::new(AtomicUsize::new(0)),
            max_running,
        }
    }

    /// Records who the connection is (the first call wins).
    pub fn identify(&self, viewer: Viewer) {
        let _ = self.viewer.set(viewer);
    }

    /// Operations running now.
    pub fn running(&self) -> usize {
        self.running.load(Ordering::Acquire)
    }

    /// `request`'s events, or the one response that refuses it.
    async fn start(self, request: Request, session: Arc<Data>) -> BoxStream<'static, Response> {
        let viewer = self.viewer.get().cloned().unwrap_or(Viewer::Anonymous);
        let request = match self.admit(request, &viewer) {
            Ok(request) => request,
            Err(error) => return refusal(error),
        };
        // Counted before it runs, so that a burst of `subscribe` messages
        // cannot all pass the bound.
        if self.running.fetch_add(1, Ordering::AcqRel) >= self.max_running {
            self.running.fetch_sub(1, Ordering::AcqRel);
            return refusal(coded_error(
                format!(
                    "this connection runs {} subscriptions already: complete one first",
                    self.max_running
                ),
                TOO_MANY_SUBSCRIPTIONS,
            ));
        }
        let running = Running(self.running.clone());
        let measurable = (request.query.clone(), request.variables.clone());
        let operation_name = request.operation_name.clone();
        let state = self.state.clone();
        let events = self
            .state
            .schema
            .execute_stream_with_session_data(request, session);
        let mut first = true;
        events
            .then(move |response| {
                let check = std::mem::take(&mut first);
                let state = state.clone();
                let measurable = measurable.clone();
                let operation_name = operation_name.clone();
                async move {
                    if check {
                        coded(&state, response, measurable, operation_name).await
                    } else {
                        stamped(response)
                    }
                }
            })
            .map(move |response| {
                // Held for as long as the stream lives.
                let _ = &running;
                response
            })
            .boxed()
    }

    /// The checks `POST /graphql` makes before running a document.
    fn admit(&self, mut request: Request, viewer: &Viewer) -> Result<Request, ServerError> {
        self.state
            .persisted
            .resolve(&mut request)
            .map_err(|(code, message)| coded_error(message, code))?;
        let operation_name = request.operation_name.clone();
        let document = request
            .parsed_query()
            .map_err(|err| coded_error(err.message, code::GRAPHQL_PARSE_FAILED))?;
        self.state.limits.check(document)?;
        if !self.state.exposure.may_introspect(viewer) && exposure::introspects(document) {
            return Err(coded_error(
                "introspection is off for this viewer (INTROSPECTION)",
                code::FORBIDDEN,
            ));
        }
        if is_mutation(&document.operations, operation_name.as_deref()) {
            return Err(coded_error(
                "mutations are only accepted over POST /graphql",
                code::BAD_REQUEST,
            ));
        }
        if !self.state.exposure.may_introspect(viewer) {
            request = request.disable_introspection();
        }
        Ok(request)
    }
}

impl Executor for LiveExecutor {
    async fn execute(&self, request: Request) -> Response {
        let mut events = self.execute_stream(request, None);
        events.next().await.unwrap_or_default()
    }

    fn execute_stream(
        &self,
        request: Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        let this = self.clone();
        let session = session_data.unwrap_or_default();
        futures_util::stream::once(this.start(request, session))
            .flatten()
            .boxed()
    }
}

/// Gives its operation's place back when the stream is dropped (the
/// client completed it, or the connection closed).
struct Running(Arc<AtomicUsize>);

impl Drop for Running {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A stream of one response: `error`.
fn refusal(error: ServerError) -> BoxStream<'static, Response> {
    let mut response = Response::from_errors(vec![error]);
    stamp::errors(&mut response.errors);
    futures_util::stream::once(std::future::ready(response)).boxed()
}

/// The first response of an operation: a document refused by
/// async-graphql's complexity or depth limits says what it measured, and
/// every request error has a code, as over `POST`.
async fn coded(
    state: &EndpointState,
    mut response: Response,
    measurable: (String, async_graphql::Variables),
    operation_name: Option<String>,
) -> Response {
    if response.data == async_graphql::Value::Null
        && let Some(measure) = limits::refused_by_validation(&response.errors)
    {
        response.errors = measured_refusal(state, measure, measurable, operation_name).await;
    }
    code_request_errors(&mut response);
    stamped(response)
}

fn stamped(mut response: Response) -> Response {
    stamp::errors(&mut response.errors);
    response
}
