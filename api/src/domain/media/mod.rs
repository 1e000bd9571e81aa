//! The media library: photos uploaded by the newsroom, checked by their
//! bytes, stripped of location data, stored once per content (local
//! filesystem or S3-compatible storage), and served as renditions of a
//! bounded set of sizes, cropped around a focal point, cached in the store.
//!
//! | module | its one job |
//! |---|---|
//! | [`inspect`] | what the bytes are; refuses non-images, truncated files and decompression bombs |
//! | [`scrub`] | removes EXIF/XMP/IPTC metadata but the orientation, without re-encoding |
//! | [`spec`] | the renditions a client may ask for (widths, aspect ratios, fits, formats) |
//! | [`render`] | crop, resize, encode; the tiny placeholder |
//! | [`store`] | object storage and its keys |
//! | [`links`] | URLs: original, renditions (versioned), `srcset`, what syndication shows |
//! | [`library`] | upload and renditions over the database and the store |
//! | [`details`] | caption, credit, alt, focal point: what they may be |
//! | `edits` | updates, and delete (refused while an article shows the item) |

pub mod details;
mod edits;
pub mod inspect;
pub mod library;
pub mod links;
pub mod render;
pub mod scrub;
pub mod spec;
pub mod store;

pub use details::{Change, Details};
pub use library::{MediaLibrary, Served, Uploaded};
pub use links::{Links, Shown};
