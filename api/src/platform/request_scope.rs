//! What one HTTP request carries while it is served: its request id (for
//! error bodies), and what the GraphQL endpoint learns of it (operation
//! name, error codes) for the access log and the metrics. A task-local set
//! by the application's outermost middleware: handlers run inside that
//! middleware's future, so any layer reads it without threading it
//! through signatures.

use std::sync::{Arc, Mutex};

use tokio::task_local;

task_local! {
    static CURRENT: Arc<RequestScope>;
}

/// One request's record.
#[derive(Debug, Default)]
pub struct RequestScope {
    id: String,
    graphql: Mutex<Option<GraphqlOutcome>>,
}

/// What the GraphQL endpoint did with a request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GraphqlOutcome {
    /// The operation's name, when it has one.
    pub operation: Option<String>,
    /// The `extensions.code` of every error answered.
    pub error_codes: Vec<String>,
}

impl RequestScope {
    /// The record of a request with id `id`.
    pub fn new(id: impl Into<String>) -> Arc<Self> {
        Arc::new(Self {
            id: id.into(),
            graphql: Mutex::default(),
        })
    }

    /// The request id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// What the GraphQL endpoint recorded, if the request reached it.
    pub fn graphql(&self) -> Option<GraphqlOutcome> {
        self.graphql.lock().ok().and_then(|g| g.clone())
    }

    /// Runs `future` with `self` as the current request.
    pub async fn run<F: Future>(self: Arc<Self>, future: F) -> F::Output {
        CURRENT.scope(self, future).await
    }
}

/// The current request's id, outside a request `None`.
pub fn request_id() -> Option<String> {
    CURRENT.try_with(|scope| scope.id.clone()).ok()
}

/// The GraphQL endpoint runs an operation named `name`.
pub fn graphql_operation(name: Option<&str>) {
    let _ = CURRENT.try_with(|scope| {
        if let Ok(mut graphql) = scope.graphql.lock() {
            let outcome = graphql.get_or_insert_with(GraphqlOutcome::default);
            if name.is_some() {
                outcome.operation = name.map(str::to_owned);
            }
        }
    });
}

/// The GraphQL endpoint answers errors with these codes.
pub fn graphql_errors<'a>(codes: impl IntoIterator<Item = &'a str>) {
    let _ = CURRENT.try_with(|scope| {
        if let Ok(mut graphql) = scope.graphql.lock() {
            let outcome = graphql.get_or_insert_with(GraphqlOutcome::default);
            outcome
                .error_codes
                .extend(codes.into_iter().map(str::to_owned));
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_request_sees_its_own_record() {
        assert_eq!(request_id(), None);
        let scope = RequestScope::new("abc");
        scope
            .clone()
            .run(async {
                assert_eq!(request_id().as_deref(), Some("abc"));
                graphql_operation(Some("Home"));
                graphql_errors(["NOT_FOUND"]);
            })
            .await;
        let outcome = scope.graphql().unwrap_or_default();
        assert_eq!(outcome.operation.as_deref(), Some("Home"));
        assert_eq!(outcome.error_codes, ["NOT_FOUND"]);
    }
}
