//! ammonia's sanitized output read back into a small tree.

use std::ops::Range;

use super::markup::*;

// ---- The sanitized tree ---------------------------------------------------

pub(super) enum Node {
    Text(String),
    Element(Element),
}

pub(super) struct Element {
    pub(super) name: String,
    pub(super) attrs: Vec<(String, String)>,
    pub(super) children: Vec<Node>,
    /// The element's and its content's bytes in the sanitized markup.
    pub(super) outer: Range<usize>,
    pub(super) inner: Range<usize>,
}

impl Element {
    pub(super) fn attr(&self, key: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
    pub(super) fn has_class(&self, class: &str) -> bool {
        self.classes().any(|c| c == class)
    }
    pub(super) fn classes(&self) -> impl Iterator<Item = &str> {
        self.attr("class").unwrap_or("").split_whitespace()
    }
    /// N of a `{prefix}N` class.
    pub(super) fn class_number(&self, prefix: &str) -> Option<String> {
        self.classes()
            .filter_map(|c| c.strip_prefix(prefix))
            .find(|n| is_number(n))
            .map(str::to_owned)
    }
    pub(super) fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }
    /// Descendants matching `pred`, not looking inside a match.
    pub(super) fn topmost<'e>(
        &'e self,
        pred: &dyn Fn(&Element) -> bool,
        out: &mut Vec<&'e Element>,
    ) {
        for child in self.elements() {
            if pred(child) {
                out.push(child);
            } else {
                child.topmost(pred, out);
            }
        }
    }
    pub(super) fn find(&self, pred: &dyn Fn(&Element) -> bool) -> Option<&Element> {
        let mut found = Vec::new();
        self.topmost(pred, &mut found);
        found.first().copied()
    }
}

/// Reads ammonia's output back (trusting its canonical form).
pub(super) fn parse(markup: &str) -> Element {
    let element = |name: &str, attrs, start, end| Element {
        name: name.to_owned(),
        attrs,
        children: Vec::new(),
        outer: start..end,
        inner: end..end,
    };
    let mut stack = vec![element("", Vec::new(), 0, 0)];
    let mut ignored = 0;
    let mut pos = 0;
    while pos < markup.len() {
        let rest = &markup[pos..];
        if !rest.starts_with('<') {
            let end = rest.find('<').map_or(markup.len(), |i| pos + i);
            if let Some(top) = stack.last_mut() {
                top.children.push(Node::Text(decode(&markup[pos..end])));
            }
            pos = end;
            continue;
        }
        let tag_end = rest.find('>').map_or(markup.len(), |i| pos + i);
        let end = (tag_end + 1).min(markup.len());
        let tag = &markup[pos + 1..tag_end];
        if tag.starts_with('/') {
            if ignored > 0 {
                ignored -= 1;
            } else if stack.len() > 1 {
                close(&mut stack, pos, end);
            }
        } else {
            let (name, attrs) = tag.split_once(' ').unwrap_or((tag, ""));
            let el = element(name, tag_attrs(attrs), pos, end);
            if VOID.contains(&name) {
                if let Some(top) = stack.last_mut() {
                    top.children.push(Node::Element(el));
                }
            } else if stack.len() > MAX_DEPTH {
                ignored += 1;
            } else {
                stack.push(el);
            }
        }
        pos = end;
    }
    while stack.len() > 1 {
        close(&mut stack, markup.len(), markup.len());
    }
    stack.pop().unwrap_or_else(|| element("", Vec::new(), 0, 0))
}

pub(super) fn close(stack: &mut Vec<Element>, pos: usize, end: usize) {
    if let Some(mut el) = stack.pop() {
        el.inner.end = pos;
        el.outer.end = end;
        if let Some(parent) = stack.last_mut() {
            parent.children.push(Node::Element(el));
        }
    }
}

/// `a="1" b="2"` as html5ever writes them.
pub(super) fn tag_attrs(mut rest: &str) -> Vec<(String, String)> {
    let mut attrs = Vec::new();
    while let Some((key, tail)) = rest.split_once("=\"") {
        let end = tail.find('"').unwrap_or(tail.len());
        attrs.push((key.trim().to_owned(), decode(&tail[..end])));
        rest = tail.get(end + 1..).unwrap_or("");
    }
    attrs
}
