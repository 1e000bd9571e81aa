//! Reads a WordPress export (WXR 1.2, "Tools → Export") into
//! [`SourceArticle`](super::source::SourceArticle)s, streaming: pass 1
//! ([`scan_catalog`]) keeps what posts refer to (authors, categories,
//! tags, image attachments); pass 2 ([`items`]) yields the posts one at a
//! time. Neither holds more than one `<item>` in memory, so a 2 GB export
//! reads in bounded memory (the catalog aside).
//!
//! | WXR, per `<item>` of `wp:post_type` `post`        | `SourceArticle`                                   |
//! |---------------------------------------------------|---------------------------------------------------|
//! | `wp:post_id`                                      | `source_id` `wordpress:{base url}:{id}` (`wordpress::{id}` without one), stable across exports |
//! | the `<item>` start tag                            | `line`                                            |
//! | `title`                                           | `title`, entities decoded                         |
//! | `excerpt:encoded`                                 | `lead`, plain text                                |
//! | `content:encoded`                                 | `body`: the given converter, then photos completed from the attachments (`photos`) |
//! | `wp:status` `publish`, `future`, `draft`/`pending`, `private` | `Published`, `Scheduled`, `Draft`, `Unpublished` |
//! | `wp:post_date_gmt` (UTC), else `wp:post_date` at [`Options::offset`] | `published_at` (none for drafts) and `created_at` |
//! | `wp:post_name`, percent-decoded, slugified        | `slug` (`None` when empty)                        |
//! | `link`'s path below the site, percent-decoded; the decoded `wp:post_name` when slugify changed it | `aliases` (`2021/12/27/dân-vận`, `dân-vận`); `?p=123` links give none |
//! | first `category domain="category"` but `uncategorized`, with its catalog ancestors | `sections`, root first |
//! | `category domain="post_tag"`                      | `tags`                                            |
//! | `dc:creator` (a login)                            | `people`: the author's display name, `PersonRole::Author` (the login when unknown) |
//! | postmeta `_thumbnail_id`                          | `lead_image`: that attachment                     |
//! | —                                                 | `language` `None`; no organizations, no events    |
//!
//! Pages, attachments, menu items, revisions, and posts in the trash are
//! counted ([`Items::skipped`]), not yielded. A post that is well-formed
//! but wrong (no id, a date that is no date, no title and no content, an
//! unknown status) is an `Err(BadItem)` and the next one follows; XML that
//! is not well-formed ends the reading with one `Err(BadItem)`.
//!
//! ```no_run
//! # use std::{fs::File, io::BufReader, sync::Arc};
//! # use api::domain::import::wordpress;
//! # fn blocks_from_html(_: &str) -> Vec<api::domain::import::source::SourceBlock> { Vec::new() }
//! // `blocks_from_html`: the importer passes `import::html::blocks_from_html`.
//! let open = || File::open("export.xml").map(BufReader::new);
//! let catalog = Arc::new(wordpress::scan_catalog(open()?).map_err(|e| e.message)?);
//! let options = wordpress::Options::default();
//! for item in wordpress::items(open()?, catalog, options, blocks_from_html) {
//!     match item {
//!         Ok(article) => println!("{} {}", article.source_id, article.title),
//!         Err(bad) => eprintln!("line {}: {}", bad.line, bad.message),
//!     }
//! }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod catalog;
mod dates;
mod lines;
mod lookup;
mod photos;
mod php;
mod post;
mod reader;
mod text;
mod urls;
mod xml;

pub use catalog::{Author, Catalog, Category, scan_catalog};
pub use reader::{Items, Options, Skipped, items};

#[cfg(test)]
mod tests;
