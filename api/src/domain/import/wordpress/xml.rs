//! The event loop: reads a WXR file one child of `<channel>` at a time.
//!
//! | XML                                   | here                                  |
//! |---------------------------------------|---------------------------------------|
//! | `<rss><channel>`                      | walked through, never kept            |
//! | each child of `<channel>`             | one [`Record`]: a small owned tree    |
//! | `wp:post_id`, `content:encoded`…      | [`Element::name`], qualified as written |
//! | text, CDATA, `&amp;`, `&#8211;`       | [`Element::text`], decoded, joined    |
//! | an unknown entity (`&nbsp;`)          | kept as written                       |
//! | not well-formed, cut short            | [`Fatal`] with the line               |
//!
//! Only one record (one `<item>` at most) is in memory at a time, so a
//! 2 GB export reads in bounded memory. Namespace prefixes are taken as
//! written: every WordPress export binds `wp:`, `content:`, `excerpt:`
//! and `dc:` to the same URIs.

use std::{borrow::Cow, io::BufRead};

use quick_xml::{
    Decoder, Reader, XmlVersion,
    escape::resolve_xml_entity,
    events::{BytesRef, BytesStart, Event},
};

use super::lines::Lines;

/// An element with everything inside it.
#[derive(Clone, Debug, Default, PartialEq)]
pub(super) struct Element {
    /// The qualified name as written (`wp:post_id`).
    pub name: String,
    pub attributes: Vec<(String, String)>,
    /// The element's own text and CDATA, decoded (children's text apart).
    pub text: String,
    pub children: Vec<Element>,
}

impl Element {
    /// The first child named `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// Every child named `name`, in order.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Element> {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// The trimmed text of the first child named `name`; `""` when absent.
    pub fn text_of(&self, name: &str) -> &str {
        self.child(name).map_or("", |c| c.text.trim())
    }

    /// The value of the attribute `name`.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The trimmed value of the `wp:postmeta` keyed `key`.
    pub fn meta(&self, key: &str) -> Option<&str> {
        self.children_named("wp:postmeta")
            .find(|m| m.text_of("wp:meta_key") == key)
            .map(|m| m.text_of("wp:meta_value"))
    }

    fn open(start: &BytesStart<'_>, decoder: Decoder) -> Result<Self, String> {
        let name = decoder
            .decode(start.name().as_ref())
            .map_err(|e| e.to_string())?
            .into_owned();
        let mut attributes = Vec::new();
        for attribute in start.attributes() {
            let attribute = attribute.map_err(|e| e.to_string())?;
            let key = decoder
                .decode(attribute.key.as_ref())
                .map_err(|e| e.to_string())?
                .into_owned();
            let value = attribute
                .decoded_and_normalized_value_with(
                    XmlVersion::Implicit1_0,
                    decoder,
                    1,
                    resolve_xml_entity,
                )
                .map_err(|e| e.to_string())?
                .into_owned();
            attributes.push((key, value));
        }
        Ok(Self {
            name,
            attributes,
            ..Self::default()
        })
    }
}

/// One child of `<channel>` and the line its start tag is on.
pub(super) struct Record {
    pub line: u64,
    pub element: Element,
}

/// The file is not (or stops being) well-formed XML, or is no export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Fatal {
    pub line: u64,
    pub message: String,
}

/// What one event amounts to, owned, so the buffer is free again.
enum Step {
    Open(Element),
    Empty(Element),
    Close,
    Text(String),
    End,
    Other,
}

/// Reads records off a WXR file.
pub(super) struct Stream<R> {
    reader: Reader<Lines<R>>,
    buf: Vec<u8>,
    /// The open elements around the records (`rss`, `channel`).
    outer: Vec<String>,
    /// Elements whose text is not kept (`content:encoded` in pass 1).
    skip_text: &'static [&'static str],
    saw_root: bool,
}

impl<R: BufRead> Stream<R> {
    /// Reads `reader`, not keeping the text of the elements named in
    /// `skip_text`.
    pub fn new(reader: R, skip_text: &'static [&'static str]) -> Self {
        Self {
            reader: Reader::from_reader(Lines::new(reader)),
            buf: Vec::new(),
            outer: Vec::new(),
            skip_text,
            saw_root: false,
        }
    }

    /// The next child of `<channel>`; `None` at the end of the file.
    pub fn next_record(&mut self) -> Result<Option<Record>, Fatal> {
        loop {
            match self.step()? {
                Step::Open(element) if self.in_channel() => {
                    let line = self.line();
                    let element = self.read_inside(element)?;
                    return Ok(Some(Record { line, element }));
                }
                Step::Empty(element) if self.in_channel() => {
                    let line = self.line();
                    return Ok(Some(Record { line, element }));
                }
                Step::Open(element) => {
                    self.check_root(&element.name)?;
                    self.outer.push(element.name);
                }
                Step::Empty(element) => self.check_root(&element.name)?,
                Step::Close => {
                    self.outer.pop();
                }
                Step::End if !self.outer.is_empty() => {
                    let open = self.outer.join("><");
                    return Err(self.fatal(format!("the file ends inside <{open}>")));
                }
                Step::End if !self.saw_root => {
                    return Err(self.fatal("the file holds no XML element".to_owned()));
                }
                Step::End => return Ok(None),
                Step::Text(_) | Step::Other => {}
            }
        }
    }

    fn in_channel(&self) -> bool {
        self.outer.last().is_some_and(|name| name == "channel")
    }

    fn check_root(&mut self, name: &str) -> Result<(), Fatal> {
        if self.outer.is_empty() {
            if self.saw_root || name != "rss" {
                return Err(self.fatal(format!(
                    "not a WordPress export: the document is <{name}>, not <rss>"
                )));
            }
            self.saw_root = true;
        }
        Ok(())
    }

    /// Reads the rest of `root` (its start tag read already).
    fn read_inside(&mut self, root: Element) -> Result<Element, Fatal> {
        let mut open = vec![root];
        loop {
            match self.step()? {
                Step::Open(element) => open.push(element),
                Step::Empty(element) => {
                    if let Some(parent) = open.last_mut() {
                        parent.children.push(element);
                    }
                }
                Step::Close => {
                    let Some(done) = open.pop() else {
                        return Err(self.fatal("an end tag with nothing open".to_owned()));
                    };
                    match open.last_mut() {
                        Some(parent) => parent.children.push(done),
                        None => return Ok(done),
                    }
                }
                Step::Text(text) => {
                    if let Some(current) = open.last_mut()
                        && !self.skip_text.contains(&current.name.as_str())
                    {
                        current.text.push_str(&text);
                    }
                }
                Step::End => {
                    let names: Vec<&str> = open.iter().map(|e| e.name.as_str()).collect();
                    let open = names.join("><");
                    return Err(self.fatal(format!("the file ends inside <{open}>")));
                }
                Step::Other => {}
            }
        }
    }

    /// Reads one event and makes it owned.
    fn step(&mut self) -> Result<Step, Fatal> {
        self.buf.clear();
        let decoder = self.reader.decoder();
        let event = match self.reader.read_event_into(&mut self.buf) {
            Ok(event) => event,
            Err(e) => return Err(self.fatal(format!("the XML is not well-formed: {e}"))),
        };
        let step = match event {
            Event::Start(start) => Element::open(&start, decoder).map(Step::Open),
            Event::Empty(start) => Element::open(&start, decoder).map(Step::Empty),
            Event::End(_) => Ok(Step::Close),
            Event::Text(text) => text
                .xml10_content()
                .map(|t| Step::Text(t.into_owned()))
                .map_err(|e| e.to_string()),
            Event::CData(cdata) => cdata
                .xml10_content()
                .map(|t| Step::Text(t.into_owned()))
                .map_err(|e| e.to_string()),
            Event::GeneralRef(reference) => reference_text(&reference).map(Step::Text),
            Event::Eof => Ok(Step::End),
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {
                Ok(Step::Other)
            }
        };
        step.map_err(|message| self.fatal(format!("the XML is not well-formed: {message}")))
    }

    fn line(&self) -> u64 {
        self.reader.get_ref().line()
    }

    fn fatal(&self, message: String) -> Fatal {
        Fatal {
            line: self.line(),
            message,
        }
    }
}

/// `&amp;`, `&#8211;` as text; an entity XML does not define (`&nbsp;`,
/// common in hand-edited exports) is kept as written rather than lost.
fn reference_text(reference: &BytesRef<'_>) -> Result<String, String> {
    if let Some(c) = reference.resolve_char_ref().map_err(|e| e.to_string())? {
        return Ok(c.to_string());
    }
    let name: Cow<'_, str> = reference.decode().map_err(|e| e.to_string())?;
    Ok(match resolve_xml_entity(&name) {
        Some(text) => text.to_owned(),
        None => format!("&{name};"),
    })
}
