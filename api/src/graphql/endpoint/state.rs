//! What the GraphQL endpoint's handlers share: one [`Endpoint`] behind an
//! `Arc`, handed to them by the router (the application builds it).

use std::{ops::Deref, sync::Arc};

use sea_orm::DatabaseConnection;

use super::{cache::Validators, exposure::Exposure, persisted::PersistedQueries};
use crate::{
    graphql::AppSchema, platform::auth::Verifier, platform::config::Config,
    platform::generation::ContentGeneration, platform::metrics::Metrics,
};

/// The endpoint's long-lived parts.
pub struct Endpoint {
    pub db: DatabaseConnection,
    pub schema: AppSchema,
    /// Verifies bearer tokens once per request.
    pub verifier: Arc<Verifier>,
    /// Automatic persisted queries registered on this replica.
    pub persisted: PersistedQueries,
    /// The content generation and what else `GET /graphql` validators
    /// depend on.
    pub validators: Validators,
    /// Counters served at `GET /metrics`.
    pub metrics: Arc<Metrics>,
    /// GraphiQL and introspection, as configured.
    pub exposure: Exposure,
}

/// The endpoint's router state: cheap to clone.
#[derive(Clone)]
pub struct EndpointState(pub Arc<Endpoint>);

impl Deref for EndpointState {
    type Target = Endpoint;

    fn deref(&self) -> &Endpoint {
        &self.0
    }
}

impl EndpointState {
    /// The endpoint over `db`: the schema, the persisted-query store and
    /// the validators of `GET` answers.
    pub fn new(
        db: DatabaseConnection,
        config: Arc<Config>,
        verifier: Arc<Verifier>,
        generation: Arc<ContentGeneration>,
        metrics: Arc<Metrics>,
    ) -> Self {
        let schema = crate::graphql::build_schema(db.clone(), config.clone());
        let persisted = PersistedQueries::new(
            config.persisted_queries,
            config.persisted_queries_file.clone(),
        );
        let exposure = Exposure {
            graphiql: config.graphiql_on(),
            introspection: config.introspection(),
        };
        let validators = Validators::new(
            generation,
            // The settings that show in answers, and the schema.
            &format!(
                "{}\n{}\n{:?}\n{:?}\n{}",
                config.base_url(),
                config.publication_name,
                config.publisher_logo_url,
                exposure.introspection,
                schema.sdl()
            ),
        );
        Self(Arc::new(Endpoint {
            db,
            schema,
            verifier,
            persisted,
            validators,
            metrics,
            exposure,
        }))
    }
}
