//! Root fields of one request take turns on the database pool.
//!
//! async-graphql runs the root fields of a query concurrently, and each
//! holds a pooled connection while its query runs: twenty aliases of a
//! search would take twenty connections, every other request waiting. The
//! query root is wrapped in [`Fair`], which takes a permit of the request's
//! [`RootFieldSlots`] before resolving a root field and keeps it until the
//! field's whole selection is resolved. Below the root, the request's
//! DataLoaders already turn each level of a selection into one statement
//! per relation, so the permits bound what one request runs at once.
//!
//! Only the root is wrapped: nested fields pay nothing for it.

use std::borrow::Cow;

use async_graphql::{
    Context, ContextSelectionSet, ObjectType, OutputType, Positioned, ServerResult, Value,
    parser::types::Field,
    registry::Registry,
    resolver_utils::{ContainerType, resolve_container},
};
use tokio::sync::Semaphore;

/// How many root fields of one request may run at once (request data; a
/// request without it runs them all at once, as SDL export and unit tests
/// of the schema do).
pub struct RootFieldSlots(Semaphore);

impl RootFieldSlots {
    /// `permits` root fields at once (at least one).
    pub fn new(permits: usize) -> Self {
        Self(Semaphore::new(permits.max(1)))
    }
}

/// A query root whose fields take turns through [`RootFieldSlots`].
#[derive(Default)]
pub struct Fair<Q>(pub Q);

impl<Q: ContainerType> ContainerType for Fair<Q> {
    async fn resolve_field(&self, ctx: &Context<'_>) -> ServerResult<Option<Value>> {
        // The semaphore is never closed, so acquiring only fails if it
        // were: the field then runs without a turn rather than not at all.
        let _turn = match ctx.data_opt::<RootFieldSlots>() {
            Some(slots) => slots.0.acquire().await.ok(),
            None => None,
        };
        self.0.resolve_field(ctx).await
    }

    async fn find_entity(&self, ctx: &Context<'_>, params: &Value) -> ServerResult<Option<Value>> {
        self.0.find_entity(ctx, params).await
    }
}

impl<Q: ContainerType> OutputType for Fair<Q> {
    fn type_name() -> Cow<'static, str> {
        Q::type_name()
    }

    fn create_type_info(registry: &mut Registry) -> String {
        Q::create_type_info(registry)
    }

    async fn resolve(
        &self,
        ctx: &ContextSelectionSet<'_>,
        _field: &Positioned<Field>,
    ) -> ServerResult<Value> {
        resolve_container(ctx, self).await
    }
}

impl<Q: ObjectType> ObjectType for Fair<Q> {}

#[cfg(test)]
mod tests {
    use std::{
        sync::{
            Arc,
            atomic::{AtomicUsize, Ordering},
        },
        time::Duration,
    };

    use async_graphql::{EmptyMutation, EmptySubscription, Object, Request, Schema};

    use super::*;

    /// How many fields run at once, and the most that ever did.
    #[derive(Default)]
    struct Counters {
        running: AtomicUsize,
        most: AtomicUsize,
    }

    struct Probe(Arc<Counters>);

    #[Object]
    impl Probe {
        /// Takes 20 ms, like a slow query.
        async fn slow(&self) -> i32 {
            let now = self.0.running.fetch_add(1, Ordering::SeqCst) + 1;
            self.0.most.fetch_max(now, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(20)).await;
            self.0.running.fetch_sub(1, Ordering::SeqCst);
            1
        }
    }

    async fn most_at_once(slots: Option<usize>) -> usize {
        let counters = Arc::new(Counters::default());
        let root = Fair(Probe(counters.clone()));
        let schema = Schema::build(root, EmptyMutation, EmptySubscription).finish();
        let mut request = Request::new("{ a: slow b: slow c: slow d: slow e: slow f: slow }");
        if let Some(n) = slots {
            request = request.data(RootFieldSlots::new(n));
        }
        let response = schema.execute(request).await;
        assert!(response.errors.is_empty(), "{:?}", response.errors);
        counters.most.load(Ordering::SeqCst)
    }

    #[tokio::test]
    async fn root_fields_of_a_request_take_turns() {
        assert_eq!(most_at_once(Some(2)).await, 2);
        assert_eq!(most_at_once(Some(1)).await, 1);
        assert_eq!(most_at_once(None).await, 6, "without slots, all at once");
    }
}
