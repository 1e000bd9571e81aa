//! Charging a GraphQL operation its cost. The HTTP layer admits a
//! request with a [`Ticket`] that paid for its arrival; once the endpoint
//! knows the operation's complexity (from the measuring schema, see
//! [`crate::graphql::limits::measured`]) it settles the rest here. A
//! refusal stops the request before anything runs, with
//! `extensions.code = RATE_LIMITED`.
//!
//! Not an async-graphql extension on the serving schema: any extension
//! sends every field of every query through async-graphql's slower
//! per-field path, a cost paid by each field of each answer rather than
//! once per request.

use async_graphql::{ErrorExtensionValues, ServerError};

use crate::platform::{error::code, ratelimit::Ticket};

/// Charges the rest of `complexity` to `ticket`: the error to answer with
/// when the client's budget cannot pay it.
pub fn settle(ticket: &Ticket, complexity: usize) -> Result<(), ServerError> {
    let Some(decision) = ticket.settle(complexity) else {
        return Ok(());
    };
    let retry_after = decision.retry_after.unwrap_or(1);
    let mut error = ServerError::new(
        format!(
            "too many requests: this operation costs {}, {} of {} per minute are left; \
             retry in {retry_after} s",
            complexity.max(1),
            decision.remaining,
            decision.quota
        ),
        None,
    );
    let mut extensions = ErrorExtensionValues::default();
    extensions.set("code", code::RATE_LIMITED);
    extensions.set("cost", complexity.max(1));
    extensions.set("retryAfter", retry_after);
    error.extensions = Some(extensions);
    Err(error)
}
