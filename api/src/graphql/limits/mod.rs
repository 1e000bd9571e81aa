//! What a GraphQL document may cost, checked before any resolver runs.
//!
//! | measure      | setting                   | counted                                   | by            |
//! |--------------|---------------------------|-------------------------------------------|---------------|
//! | `rootFields` | `GRAPHQL_MAX_ROOT_FIELDS` | fields at the root of an operation        | [`measure`]   |
//! | `aliases`    | `GRAPHQL_MAX_ALIASES`     | aliased fields of an operation            | [`measure`]   |
//! | `fields`     | `GRAPHQL_MAX_FIELDS`      | fields of the document, fragments expanded | [`measure`]  |
//! | `complexity` | `GRAPHQL_MAX_COMPLEXITY`  | `graphql/cost.rs`: pages count ≥ 1 item   | async-graphql |
//! | `depth`      | `GRAPHQL_MAX_DEPTH`       | nesting of selections                     | async-graphql |
//!
//! The endpoint measures the parsed document first (a walk that counts each
//! fragment once, so a fragment bomb is refused without being expanded);
//! then async-graphql validates it with its complexity and depth limits.
//! Every refusal is `QUERY_TOO_COMPLEX` with `extensions.measure`,
//! `extensions.limit` and `extensions.cost` (the measured value).
//!
//! async-graphql reports its own two limits without their values, so a
//! document it refuses is validated once more by a *measuring* schema (the
//! same schema with no limits and the [`MeasureOnly`] extension, which
//! records the values and stops before execution). Only refused documents
//! pay for that; the serving schema has no extension, so its fields resolve
//! on async-graphql's fast path.

pub mod fair;
pub mod measure;

use std::sync::{Arc, OnceLock};

use async_graphql::{
    ErrorExtensionValues, Request, Schema, ServerError, ValidationResult, Variables,
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextValidation},
    parser::types::ExecutableDocument,
};

pub use fair::{Fair, RootFieldSlots};

use crate::platform::{config::Config, error::code};

/// async-graphql's message when a document is over `limit_complexity`.
const COMPLEXITY_MESSAGE: &str = "Query is too complex.";
/// async-graphql's message when a document is over `limit_depth`.
const DEPTH_MESSAGE: &str = "Query is nested too deep.";

/// What a refusal measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Measure {
    RootFields,
    Aliases,
    Fields,
    Complexity,
    Depth,
}

impl Measure {
    /// Its name in `extensions.measure`.
    pub fn name(self) -> &'static str {
        match self {
            Self::RootFields => "rootFields",
            Self::Aliases => "aliases",
            Self::Fields => "fields",
            Self::Complexity => "complexity",
            Self::Depth => "depth",
        }
    }

    fn describe(self, cost: usize, limit: usize) -> String {
        match self {
            Self::RootFields => format!("{cost} root fields in one operation, at most {limit}"),
            Self::Aliases => format!("{cost} aliases in one operation, at most {limit}"),
            Self::Fields => {
                format!("{cost} fields once fragments are expanded, at most {limit}")
            }
            Self::Complexity => format!("a complexity of {cost}, at most {limit}"),
            Self::Depth => format!("a depth of {cost}, at most {limit}"),
        }
    }
}

/// The limits of a configuration.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub root_fields: usize,
    pub aliases: usize,
    pub fields: usize,
    pub complexity: usize,
    pub depth: usize,
}

impl Limits {
    /// The limits `config` sets.
    pub fn of(config: &Config) -> Self {
        let shape = &config.query_limits;
        Self {
            root_fields: shape.graphql_max_root_fields,
            aliases: shape.graphql_max_aliases,
            fields: shape.graphql_max_fields,
            complexity: config.graphql_max_complexity,
            depth: config.graphql_max_depth,
        }
    }

    fn limit(&self, measure: Measure) -> usize {
        match measure {
            Measure::RootFields => self.root_fields,
            Measure::Aliases => self.aliases,
            Measure::Fields => self.fields,
            Measure::Complexity => self.complexity,
            Measure::Depth => self.depth,
        }
    }

    /// Refuses a document with too many root fields, aliases or fields.
    pub fn check(&self, document: &ExecutableDocument) -> Result<(), ServerError> {
        let measured = measure::measure(document);
        for (measure, cost) in [
            (Measure::RootFields, measured.root_fields),
            (Measure::Aliases, measured.aliases),
            (Measure::Fields, measured.fields),
        ] {
            if cost > self.limit(measure) {
                return Err(self.refusal(measure, cost));
            }
        }
        Ok(())
    }

    /// The `QUERY_TOO_COMPLEX` error of a document whose `measure` is `cost`.
    pub fn refusal(&self, measure: Measure, cost: usize) -> ServerError {
        let limit = self.limit(measure);
        let mut error = ServerError::new(
            format!("Query is too complex: {}.", measure.describe(cost, limit)),
            None,
        );
        let mut extensions = ErrorExtensionValues::default();
        extensions.set("code", code::QUERY_TOO_COMPLEX);
        extensions.set("measure", measure.name());
        extensions.set("limit", u64::try_from(limit).unwrap_or(u64::MAX));
        extensions.set("cost", u64::try_from(cost).unwrap_or(u64::MAX));
        error.extensions = Some(extensions);
        error
    }
}

/// Which of async-graphql's own limits refused a request, from its errors.
pub fn refused_by_validation(errors: &[ServerError]) -> Option<Measure> {
    match errors {
        [error] if error.message == COMPLEXITY_MESSAGE => Some(Measure::Complexity),
        [error] if error.message == DEPTH_MESSAGE => Some(Measure::Depth),
        _ => None,
    }
}

/// The complexity and depth of a request's document, by the measuring
/// schema (`schema` must carry [`MeasureOnly`]), or the errors of a
/// document that does not validate (async-graphql checks its limits
/// before reporting other errors).
pub async fn measured<Q, M, S>(
    schema: &Schema<Q, M, S>,
    query: String,
    variables: Variables,
    operation_name: Option<String>,
) -> Result<ValidationResult, Vec<ServerError>>
where
    Q: async_graphql::ObjectType + 'static,
    M: async_graphql::ObjectType + 'static,
    S: async_graphql::SubscriptionType + 'static,
{
    let cell = Arc::new(Measured::default());
    let mut request = Request::new(query).variables(variables).data(cell.clone());
    request.operation_name = operation_name;
    // Nothing executes: the extension ends the request after validation.
    let response = schema.execute(request).await;
    cell.0.get().copied().ok_or(response.errors)
}

/// Where [`MeasureOnly`] leaves what it measured (request data).
#[derive(Default)]
struct Measured(OnceLock<ValidationResult>);

/// The extension of the measuring schema: records the validation's
/// complexity and depth, then ends the request before anything runs.
pub struct MeasureOnly;

impl ExtensionFactory for MeasureOnly {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(MeasureOnly)
    }
}

#[async_trait::async_trait]
impl Extension for MeasureOnly {
    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await?;
        if let Some(cell) = ctx.data_opt::<Arc<Measured>>() {
            let _ = cell.0.set(result);
        }
        Err(vec![ServerError::new("measured, not run", None)])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> Limits {
        Limits {
            root_fields: 2,
            aliases: 1,
            fields: 5,
            complexity: 100,
            depth: 3,
        }
    }

    fn refusal(query: &str) -> Option<(String, async_graphql::Value, async_graphql::Value)> {
        let document = async_graphql::parser::parse_query(query).unwrap();
        let error = limits().check(&document).err()?;
        let extensions = error.extensions.unwrap();
        assert_eq!(
            extensions.get("code"),
            Some(&async_graphql::Value::from(code::QUERY_TOO_COMPLEX))
        );
        let measure = match extensions.get("measure") {
            Some(async_graphql::Value::String(s)) => s.clone(),
            other => panic!("{other:?}"),
        };
        Some((
            measure,
            extensions.get("limit").cloned().unwrap(),
            extensions.get("cost").cloned().unwrap(),
        ))
    }

    #[test]
    fn each_shape_limit_refuses_with_its_measure_limit_and_cost() {
        assert_eq!(refusal("{ a b }"), None);
        let (measure, limit, cost) = refusal("{ a b c }").unwrap();
        assert_eq!(
            (measure.as_str(), limit, cost),
            ("rootFields", 2.into(), 3.into())
        );
        let (measure, _, cost) = refusal("{ x: a y: b }").unwrap();
        assert_eq!((measure.as_str(), cost), ("aliases", 2.into()));
        let (measure, limit, cost) = refusal("{ a { b { c { d { e { f } } } } } }").unwrap();
        assert_eq!(
            (measure.as_str(), limit, cost),
            ("fields", 5.into(), 6.into())
        );
    }

    #[test]
    fn async_graphql_s_own_refusals_are_recognised() {
        let error = |m: &str| vec![ServerError::new(m, None)];
        assert_eq!(
            refused_by_validation(&error(COMPLEXITY_MESSAGE)),
            Some(Measure::Complexity)
        );
        assert_eq!(
            refused_by_validation(&error(DEPTH_MESSAGE)),
            Some(Measure::Depth)
        );
        assert_eq!(refused_by_validation(&error("Unknown field")), None);
    }
}
