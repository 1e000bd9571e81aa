//! A post's body photos completed from the attachments: the body's markup
//! names a photo by its URL (often a resized copy) and perhaps its
//! attachment id; the attachment knows the original file and what the
//! media library says about it.
//!
//! | the photo in the body                               | becomes                                   |
//! |-----------------------------------------------------|-------------------------------------------|
//! | URL of an attachment, or of a resized copy (`-1024x683`, `-scaled`'s original, `i0.wp.com`) | the attachment's URL (the original), its width, height, mime; caption, alt, credit where the markup has none |
//! | no URL (`[gallery ids=…]`), `source_ref` of an attachment | the same                            |
//! | another URL, `source_ref` of an attachment          | its own URL and size; caption, alt, credit filled |
//! | relative URL (`/wp-content/…`)                      | made absolute against the site first      |
//! | still no http(s) URL                                | dropped                                   |
//!
//! The markup's own caption, alt and credit win over the library's: an
//! editor may have written a caption for this post.

use super::{lookup::Lookup, urls};
use crate::domain::{
    body::is_http_url,
    import::source::{SourceBlock, SourcePhoto},
};

/// `blocks` with their photos completed, and photos without a URL gone.
pub(super) fn complete(blocks: Vec<SourceBlock>, lookup: &Lookup) -> Vec<SourceBlock> {
    blocks
        .into_iter()
        .filter_map(|block| match block {
            SourceBlock::Image(photo) => complete_photo(photo, lookup).map(SourceBlock::Image),
            other => Some(other),
        })
        .collect()
}

/// `photo` completed; `None` when it still has no http(s) URL.
pub(super) fn complete_photo(mut photo: SourcePhoto, lookup: &Lookup) -> Option<SourcePhoto> {
    photo.url = urls::absolute(&photo.url, lookup.base_url());
    let by_url = lookup.attachment_for_url(&photo.url);
    let by_ref = photo
        .source_ref
        .as_deref()
        .and_then(|r| r.trim().parse::<u64>().ok())
        .filter(|&id| lookup.attachment(id).is_some());
    // The file itself is the surer sign: `wp-image-12` may be stale.
    if let Some(id) = by_url.or(by_ref)
        && let Some(attachment) = lookup.attachment(id)
    {
        let same_file = by_url.is_some() || photo.url.is_empty();
        merge(&mut photo, attachment, same_file);
        photo.source_ref = Some(id.to_string());
    }
    is_http_url(&photo.url).then_some(photo)
}

fn merge(photo: &mut SourcePhoto, attachment: &SourcePhoto, same_file: bool) {
    fill(&mut photo.caption, &attachment.caption);
    fill(&mut photo.alt, &attachment.alt);
    fill(&mut photo.credit, &attachment.credit);
    if !same_file {
        return;
    }
    if photo.url != attachment.url {
        // A resized copy: its size (from the markup) is not the original's.
        photo.width = attachment.width;
        photo.height = attachment.height;
        photo.url = attachment.url.clone();
    } else {
        photo.width = photo.width.or(attachment.width);
        photo.height = photo.height.or(attachment.height);
    }
    fill(&mut photo.mime, &attachment.mime);
}

/// `slot` set from `from` when it is missing or blank.
fn fill(slot: &mut Option<String>, from: &Option<String>) {
    if slot.as_deref().is_none_or(|s| s.trim().is_empty()) {
        slot.clone_from(from);
    }
}
