//! Bringing an existing archive in: readers turn a source (a WordPress
//! export, ninjs items) into [`source::SourceArticle`]s; the importer
//! writes each in its own transaction, matched by the source's own id.

pub mod html;
pub mod source;
pub mod wordpress;
