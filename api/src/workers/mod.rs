//! Background faces over the domain: loops that call it on a timer.

pub mod live;
pub mod scheduler;
pub mod webhooks;
