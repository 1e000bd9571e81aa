//! SeaORM entities of the news graph. Only database mapping lives here: no
//! GraphQL derives, so the crate stays safe to regenerate.

pub mod article;
pub mod article_change;
pub mod article_event;
pub mod article_image;
pub mod article_organization;
pub mod article_person;
pub mod article_revision;
pub mod article_source;
pub mod article_tag;
pub mod event;
pub mod event_organization;
pub mod event_person;
pub mod import_job;
pub mod media;
pub mod organization;
pub mod person;
pub mod position;
pub mod section;
pub mod slug_alias;
pub mod stored_time;
pub mod tag;
pub mod webhook;
pub mod webhook_delivery;
