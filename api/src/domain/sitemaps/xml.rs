//! The sitemap documents, written with quick-xml (which escapes text and
//! attributes): the sitemap protocol 0.9 and the Google News extension.
//! Dates are W3C datetimes in the newsroom's zone (`…T19:12:00+07:00`).

use std::io;

use quick_xml::{
    Writer,
    events::{BytesDecl, BytesText, Event},
};

use super::{NewsEntry, PageEntry, UrlEntry};
use crate::{
    platform::error::{AppError, AppResult},
    platform::zone,
};

/// The sitemap protocol's namespace.
pub const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
/// The Google News sitemap namespace.
pub const NEWS_NS: &str = "http://www.google.com/schemas/sitemap-news/0.9";

type XmlWriter = Writer<Vec<u8>>;

fn document(
    root: &str,
    namespaces: &[(&str, &str)],
    body: impl FnOnce(&mut XmlWriter) -> io::Result<()>,
) -> AppResult<Vec<u8>> {
    let mut writer = Writer::new(Vec::new());
    let written = writer
        .write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
        .and_then(|()| {
            writer
                .create_element(root)
                .with_attributes(namespaces.iter().copied())
                .write_inner_content(body)
                .map(|_| ())
        });
    written.map_err(|e| AppError::Internal(format!("writing a sitemap: {e}")))?;
    Ok(writer.into_inner())
}

fn text(writer: &mut XmlWriter, name: &str, value: &str) -> io::Result<()> {
    writer
        .create_element(name)
        .write_text_content(BytesText::new(value))
        .map(|_| ())
}

/// `<sitemapindex>` listing `/sitemaps/articles-{n}.xml` pages, then
/// `/sitemaps/sections.xml`.
pub fn index(base: &str, pages: &[PageEntry], sections: Option<&PageEntry>) -> AppResult<Vec<u8>> {
    let entries = pages
        .iter()
        .map(|p| {
            (
                format!("{base}/sitemaps/articles-{}.xml", p.page),
                p.lastmod,
            )
        })
        .chain(sections.map(|s| (format!("{base}/sitemaps/sections.xml"), s.lastmod)));
    document("sitemapindex", &[("xmlns", SITEMAP_NS)], |w| {
        for (loc, lastmod) in entries {
            w.create_element("sitemap").write_inner_content(|w| {
                text(w, "loc", &loc)?;
                if let Some(at) = lastmod {
                    text(w, "lastmod", &zone::w3c(at))?;
                }
                Ok(())
            })?;
        }
        Ok(())
    })
}

/// `<urlset>` of plain URLs.
pub fn urlset(entries: &[UrlEntry]) -> AppResult<Vec<u8>> {
    document("urlset", &[("xmlns", SITEMAP_NS)], |w| {
        for entry in entries {
            w.create_element("url").write_inner_content(|w| {
                text(w, "loc", &entry.loc)?;
                if let Some(at) = entry.lastmod {
                    text(w, "lastmod", &zone::w3c(at))?;
                }
                Ok(())
            })?;
        }
        Ok(())
    })
}

/// `<urlset>` with `<news:news>` for each article.
pub fn news(publication: &str, entries: &[NewsEntry]) -> AppResult<Vec<u8>> {
    document(
        "urlset",
        &[("xmlns", SITEMAP_NS), ("xmlns:news", NEWS_NS)],
        |w| {
            for entry in entries {
                w.create_element("url").write_inner_content(|w| {
                    text(w, "loc", &entry.loc)?;
                    w.create_element("news:news").write_inner_content(|w| {
                        w.create_element("news:publication")
                            .write_inner_content(|w| {
                                text(w, "news:name", publication)?;
                                text(w, "news:language", &entry.language)
                            })?;
                        text(w, "news:publication_date", &zone::w3c(entry.published_at))?;
                        text(w, "news:title", &entry.title)
                    })?;
                    Ok(())
                })?;
            }
            Ok(())
        },
    )
}
