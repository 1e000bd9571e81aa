//! The article body: a list of typed blocks, stored as JSON, so apps render
//! natively and the web gets HTML rendered (and sanitized) from the same data.

use serde::{Deserialize, Serialize};

/// One block of an article body, as stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Block {
    Paragraph {
        text: String,
    },
    Heading {
        level: u8,
        text: String,
    },
    /// A photo: its caption and credit live on the media row.
    Image {
        #[serde(rename = "mediaId")]
        media_id: i64,
    },
    Quote {
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        attribution: Option<String>,
    },
    List {
        ordered: bool,
        items: Vec<String>,
    },
    Embed {
        url: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
    },
    /// Markup that has no block of its own (a table, an imported widget),
    /// kept as sanitized HTML rather than lost: imports only.
    Html {
        html: String,
    },
}

/// Parses a stored body. A body that does not parse is a bug in a writer, so
/// the caller reports it as an internal error.
pub fn parse(json: &str) -> Result<Vec<Block>, serde_json::Error> {
    serde_json::from_str(json)
}

/// Serializes blocks for storage.
pub fn to_json(blocks: &[Block]) -> String {
    serde_json::to_string(blocks).unwrap_or_else(|_| "[]".to_owned())
}

/// Words in the lead and the text of the body (whitespace-separated).
pub fn word_count(lead: &str, blocks: &[Block]) -> usize {
    let words = |s: &str| s.split_whitespace().count();
    words(lead)
        + blocks
            .iter()
            .map(|block| match block {
                Block::Paragraph { text } | Block::Heading { text, .. } => words(text),
                Block::Quote { text, .. } => words(text),
                Block::List { items, .. } => items.iter().map(|i| words(i)).sum(),
                Block::Html { html } => words(&html_text(html)),
                Block::Image { .. } | Block::Embed { .. } => 0,
            })
            .sum::<usize>()
}

/// Minutes to read `words` at 200 words a minute, at least one.
pub fn reading_time_minutes(words: usize) -> usize {
    words.div_ceil(200).max(1)
}

/// What an image block needs from its media row to render.
pub struct ImageHtml<'a> {
    pub url: &'a str,
    pub caption: Option<&'a str>,
    pub credit: Option<&'a str>,
    pub alt: Option<&'a str>,
    pub width: Option<i32>,
    pub height: Option<i32>,
}

impl<'a> From<&'a entity::media::Model> for ImageHtml<'a> {
    fn from(m: &'a entity::media::Model) -> Self {
        Self {
            url: &m.url,
            caption: m.caption.as_deref(),
            credit: m.credit.as_deref(),
            alt: m.alt.as_deref(),
            width: m.width,
            height: m.height,
        }
    }
}

/// Renders blocks to HTML. Every text is escaped, and the result is passed
/// through ammonia as a second line of defence.
pub fn render_html<'a>(blocks: &[Block], image: impl Fn(i64) -> Option<ImageHtml<'a>>) -> String {
    let mut html = String::new();
    for block in blocks {
        match block {
            Block::Paragraph { text } => {
                html.push_str(&format!("<p>{}</p>", escape(text)));
            }
            Block::Heading { level, text } => {
                let level = (*level).clamp(2, 6);
                html.push_str(&format!("<h{level}>{}</h{level}>", escape(text)));
            }
            Block::Image { media_id } => {
                if let Some(img) = image(*media_id) {
                    html.push_str(&figure(&img));
                }
            }
            Block::Quote { text, attribution } => {
                html.push_str(&format!("<blockquote><p>{}</p>", escape(text)));
                if let Some(who) = attribution {
                    html.push_str(&format!("<cite>{}</cite>", escape(who)));
                }
                html.push_str("</blockquote>");
            }
            Block::List { ordered, items } => {
                let tag = if *ordered { "ol" } else { "ul" };
                html.push_str(&format!("<{tag}>"));
                for item in items {
                    html.push_str(&format!("<li>{}</li>", escape(item)));
                }
                html.push_str(&format!("</{tag}>"));
            }
            Block::Html { html: markup } => html.push_str(markup),
            Block::Embed {
                url,
                provider,
                title,
            } => {
                let label = title.as_deref().or(provider.as_deref()).unwrap_or(url);
                if is_http_url(url) {
                    html.push_str(&format!(
                        "<figure class=\"embed\"><a href=\"{}\">{}</a></figure>",
                        escape(url),
                        escape(label)
                    ));
                }
            }
        }
    }
    ammonia::Builder::default()
        .add_tags(["figure", "figcaption", "cite"])
        .add_tag_attributes("figure", ["class"])
        .add_tag_attributes("img", ["src", "alt", "width", "height"])
        .clean(&html)
        .to_string()
}

fn figure(img: &ImageHtml<'_>) -> String {
    let mut html = format!(
        "<figure><img src=\"{}\" alt=\"{}\"",
        escape(img.url),
        escape(img.alt.or(img.caption).unwrap_or(""))
    );
    if let (Some(w), Some(h)) = (img.width, img.height) {
        html.push_str(&format!(" width=\"{w}\" height=\"{h}\""));
    }
    html.push('>');
    if img.caption.is_some() || img.credit.is_some() {
        html.push_str("<figcaption>");
        if let Some(caption) = img.caption {
            html.push_str(&escape(caption));
        }
        if let Some(credit) = img.credit {
            html.push_str(&format!(" <cite>{}</cite>", escape(credit)));
        }
        html.push_str("</figcaption>");
    }
    html.push_str("</figure>");
    html
}

/// The text of an HTML block: its markup removed, entities decoded, runs of
/// whitespace made single spaces.
pub fn html_text(html: &str) -> String {
    crate::platform::text::line(html)
}

/// True for absolute `http://` and `https://` URLs.
pub fn is_http_url(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://")
}

/// Escapes text for HTML element content and quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_round_trip_through_json() {
        let blocks = vec![
            Block::Paragraph {
                text: "Chiều 27/12".into(),
            },
            Block::Image { media_id: 7 },
            Block::List {
                ordered: true,
                items: vec!["một".into(), "hai".into()],
            },
        ];
        let json = to_json(&blocks);
        assert!(json.contains("\"type\":\"image\",\"mediaId\":7"));
        assert_eq!(parse(&json).expect("parses"), blocks);
    }

    #[test]
    fn html_escapes_text_and_renders_captions() {
        let blocks = vec![
            Block::Paragraph {
                text: "<script>alert(1)</script> Dân vận".into(),
            },
            Block::Image { media_id: 1 },
        ];
        let html = render_html(&blocks, |_| {
            Some(ImageHtml {
                url: "https://media.example/a.jpg",
                caption: Some("Toàn cảnh hội nghị."),
                credit: Some("Nguyễn Nam"),
                alt: None,
                width: Some(1200),
                height: Some(800),
            })
        });
        assert!(!html.contains("<script>"));
        assert!(html.contains("&lt;script&gt;"));
        assert!(html.contains("Dân vận"));
        assert!(
            html.contains("<figcaption>Toàn cảnh hội nghị. <cite>Nguyễn Nam</cite></figcaption>")
        );
    }

    #[test]
    fn embeds_with_non_http_urls_are_dropped() {
        let blocks = vec![Block::Embed {
            url: "javascript:alert(1)".into(),
            provider: None,
            title: None,
        }];
        assert_eq!(render_html(&blocks, |_| None), "");
    }

    #[test]
    fn words_and_reading_time() {
        let blocks = vec![Block::Paragraph {
            text: "một hai ba".into(),
        }];
        assert_eq!(word_count("bốn năm", &blocks), 5);
        assert_eq!(reading_time_minutes(5), 1);
        assert_eq!(reading_time_minutes(401), 3);
    }
}
