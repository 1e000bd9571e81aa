//! Pass 2: the posts, one at a time, as an iterator.
//!
//! | `<item>`                                                   | yields                          |
//! |------------------------------------------------------------|---------------------------------|
//! | `wp:post_type` `post` (or none)                            | `Ok(SourceArticle)` or `Err(BadItem)` |
//! | `page`, `attachment`, `nav_menu_item`, `revision`, others  | nothing; counted in [`Skipped`] |
//! | `wp:status` `trash`, `auto-draft`, `inherit`               | nothing; counted in [`Skipped`] |
//! | not well-formed XML from here on                           | one `Err(BadItem)`, then the end |

use std::{collections::BTreeMap, io::BufRead, iter::FusedIterator, sync::Arc};

use chrono::FixedOffset;

use super::{
    catalog::Catalog,
    lookup::Lookup,
    post::{self, Convert},
    xml::Stream,
};
use crate::{
    domain::import::source::{BadItem, SourceArticle, SourceBlock},
    platform::zone,
};

/// Text pass 2 has no use for.
const UNREAD_TEXT: &[&str] = &["wp:comment_content"];

/// How to read an export.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Options {
    /// The site's zone, for the local `wp:post_date` of posts whose
    /// `wp:post_date_gmt` is missing or `0000-00-00 00:00:00`.
    pub offset: FixedOffset,
}

impl Default for Options {
    /// The newsroom's +07:00.
    fn default() -> Self {
        Self {
            offset: zone::newsroom_offset(),
        }
    }
}

/// Items passed over, by why.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Skipped {
    /// Items of another post type than `post` (`page`, `attachment`…).
    pub by_type: BTreeMap<String, u64>,
    /// Posts in the trash, auto-drafts, and posts with status `inherit`.
    pub by_status: BTreeMap<String, u64>,
}

impl Skipped {
    /// How many items were passed over in all.
    pub fn total(&self) -> u64 {
        self.by_type.values().chain(self.by_status.values()).sum()
    }
}

/// The posts of an export, in file order: `Ok` for each post converted,
/// `Err` for each post that could not be (and once, last, for a file that
/// stops being XML).
pub struct Items<R> {
    stream: Stream<R>,
    lookup: Lookup,
    offset: FixedOffset,
    convert: fn(&str) -> Vec<SourceBlock>,
    skipped: Skipped,
    done: bool,
}

/// Reads the posts of an export (pass 2), resolving what they refer to in
/// `catalog` (pass 1, [`scan_catalog`](super::scan_catalog) of the same
/// file). `convert` turns body markup into blocks:
/// `import::html::blocks_from_html`.
pub fn items<R: BufRead>(
    reader: R,
    catalog: Arc<Catalog>,
    options: Options,
    convert: fn(&str) -> Vec<SourceBlock>,
) -> Items<R> {
    Items {
        stream: Stream::new(reader, UNREAD_TEXT),
        lookup: Lookup::new(catalog),
        offset: options.offset,
        convert,
        skipped: Skipped::default(),
        done: false,
    }
}

impl<R> Items<R> {
    /// The items passed over so far.
    pub fn skipped(&self) -> &Skipped {
        &self.skipped
    }
}

impl<R: BufRead> Iterator for Items<R> {
    type Item = Result<SourceArticle, BadItem>;

    fn next(&mut self) -> Option<Self::Item> {
        while !self.done {
            let record = match self.stream.next_record() {
                Ok(Some(record)) => record,
                Ok(None) => break,
                Err(fatal) => {
                    self.done = true;
                    return Some(Err(BadItem {
                        source_id: None,
                        line: fatal.line,
                        message: fatal.message,
                    }));
                }
            };
            let item = &record.element;
            if item.name != "item" {
                continue;
            }
            let post_type = match item.text_of("wp:post_type") {
                // WordPress's own default post type.
                "" => "post",
                other => other,
            };
            if post_type != "post" {
                *self
                    .skipped
                    .by_type
                    .entry(post_type.to_owned())
                    .or_default() += 1;
                continue;
            }
            let status = item.text_of("wp:status");
            if matches!(status, "trash" | "auto-draft" | "inherit") {
                *self.skipped.by_status.entry(status.to_owned()).or_default() += 1;
                continue;
            }
            let convert = Convert {
                lookup: &self.lookup,
                offset: self.offset,
                blocks: self.convert,
            };
            return Some(post::article(item, record.line, &convert));
        }
        self.done = true;
        None
    }
}

impl<R: BufRead> FusedIterator for Items<R> {}
