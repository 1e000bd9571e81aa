//! Charging a GraphQL operation its cost: an async-graphql extension that,
//! once validation has computed the operation's complexity, settles the
//! request's rate-limit [`Ticket`] (put in the request data by the
//! endpoint when the HTTP layer admitted it). A refusal stops the request
//! before anything runs, with `extensions.code = RATE_LIMITED`.

use std::sync::Arc;

use async_graphql::{
    ErrorExtensionValues, ServerError, ValidationResult,
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextValidation},
};

use crate::platform::{error::code, ratelimit::Ticket};

/// The extension's factory, registered on the schema.
pub struct ChargeComplexity;

impl ExtensionFactory for ChargeComplexity {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ChargeComplexity)
    }
}

#[async_graphql::async_trait::async_trait]
impl Extension for ChargeComplexity {
    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        let result = next.run(ctx).await?;
        let Some(ticket) = ctx.data_opt::<Ticket>() else {
            return Ok(result);
        };
        match ticket.settle(result.complexity) {
            None => Ok(result),
            Some(decision) => {
                let retry_after = decision.retry_after.unwrap_or(1);
                let mut error = ServerError::new(
                    format!(
                        "too many requests: this operation costs {}, {} of {} per minute \
                         are left; retry in {retry_after} s",
                        result.complexity.max(1),
                        decision.remaining,
                        decision.quota
                    ),
                    None,
                );
                let mut extensions = ErrorExtensionValues::default();
                extensions.set("code", code::RATE_LIMITED);
                extensions.set("cost", result.complexity.max(1));
                extensions.set("retryAfter", retry_after);
                error.extensions = Some(extensions);
                Err(vec![error])
            }
        }
    }
}
