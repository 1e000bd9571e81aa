//! The catalog indexed for pass 2: authors by login, categories and tags
//! by slug, attachments by image URL, built once per [`Items`] so each
//! post's references are found without scanning lists.
//!
//! An image URL finds its attachment by [`urls::photo_key`] (scheme,
//! query and `i0.wp.com` dropped), then with a size suffix removed
//! (`anh-1024x683.jpg` → `anh.jpg`); an attachment is indexed under its
//! own URL and, for a `-scaled` (or `-rotated`) upload, under the
//! original's name too.
//!
//! [`Items`]: super::reader::Items

use std::{
    collections::{HashMap, HashSet},
    sync::Arc,
};

use super::{
    catalog::{Author, Catalog},
    urls,
};
use crate::domain::import::source::{SourcePhoto, SourceTerm};

/// Deeper category trees are taken for loops.
const MAX_SECTION_DEPTH: usize = 32;

/// The catalog and its indexes.
pub(super) struct Lookup {
    catalog: Arc<Catalog>,
    authors: HashMap<String, usize>,
    categories: HashMap<String, usize>,
    tags: HashMap<String, usize>,
    photos: HashMap<String, u64>,
}

impl Lookup {
    /// Indexes `catalog` (once per pass 2).
    pub fn new(catalog: Arc<Catalog>) -> Self {
        let authors = index(catalog.authors.iter().map(|a| a.login.clone()));
        let categories = index(catalog.categories.iter().map(|c| c.slug.clone()));
        let tags = index(catalog.tags.iter().map(|t| t.slug.clone()));
        let mut ids: Vec<u64> = catalog.attachments.keys().copied().collect();
        // The lowest id wins when two attachments share a file.
        ids.sort_unstable();
        let mut photos = HashMap::new();
        for id in &ids {
            if let Some(key) = catalog
                .attachments
                .get(id)
                .and_then(|p| urls::photo_key(&p.url))
            {
                photos.entry(key).or_insert(*id);
            }
        }
        for id in &ids {
            let key = catalog
                .attachments
                .get(id)
                .and_then(|p| urls::photo_key(&p.url));
            if let Some(original) = key.as_deref().and_then(urls::without_scaled) {
                photos.entry(original).or_insert(*id);
            }
        }
        Self {
            catalog,
            authors,
            categories,
            tags,
            photos,
        }
    }

    pub fn base_url(&self) -> Option<&str> {
        self.catalog.base_url.as_deref()
    }

    pub fn author(&self, login: &str) -> Option<&Author> {
        self.authors.get(login).map(|&i| &self.catalog.authors[i])
    }

    pub fn tag(&self, slug: &str) -> Option<&SourceTerm> {
        self.tags.get(slug).map(|&i| &self.catalog.tags[i])
    }

    /// The category `slug` with its ancestors, root first; empty when the
    /// catalog does not have it.
    pub fn section_chain(&self, slug: &str) -> Vec<SourceTerm> {
        let mut chain = Vec::new();
        let mut seen = HashSet::new();
        let mut next = Some(slug);
        while let Some(slug) = next {
            let Some(&i) = self.categories.get(slug) else {
                break;
            };
            if !seen.insert(i) || chain.len() >= MAX_SECTION_DEPTH {
                break;
            }
            let category = &self.catalog.categories[i];
            chain.push(SourceTerm {
                slug: category.slug.clone(),
                name: category.name.clone(),
            });
            next = category.parent.as_deref();
        }
        chain.reverse();
        chain
    }

    pub fn attachment(&self, id: u64) -> Option<&SourcePhoto> {
        self.catalog.attachments.get(&id)
    }

    /// The attachment `url` is (a resized copy of).
    pub fn attachment_for_url(&self, url: &str) -> Option<u64> {
        let key = urls::photo_key(url)?;
        self.photos.get(&key).copied().or_else(|| {
            urls::without_size(&key).and_then(|original| self.photos.get(&original).copied())
        })
    }
}

/// Position of each key, the first one kept.
fn index(keys: impl Iterator<Item = String>) -> HashMap<String, usize> {
    let mut index = HashMap::new();
    for (i, key) in keys.enumerate() {
        index.entry(key).or_insert(i);
    }
    index
}
