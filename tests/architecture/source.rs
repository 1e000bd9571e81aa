//! Reading a Rust source tree for the module paths each file names.

use std::{
    collections::{BTreeMap, BTreeSet},
    fs,
    path::Path,
};

/// A module of the tree, by its path (`["domain", "articles", "scope"]`);
/// the empty path is `lib.rs`. `is_folder` tells a `mod.rs` apart.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Module {
    path: Vec<String>,
    is_folder: bool,
}

impl Module {
    /// The module of the file at `relative` (`domain/a.rs`, `x/mod.rs`).
    pub fn from_file(relative: &str) -> Self {
        let stem = relative.trim_end_matches(".rs");
        let mut path: Vec<String> = stem.split('/').map(str::to_owned).collect();
        let is_folder = matches!(path.last().map(String::as_str), Some("mod" | "lib"));
        if is_folder {
            path.pop();
        }
        Self { path, is_folder }
    }

    /// The file that defines the module, relative to the tree.
    pub fn file(&self) -> String {
        match (self.path.is_empty(), self.is_folder) {
            (true, _) => "lib.rs".to_owned(),
            (false, true) => format!("{}/mod.rs", self.path.join("/")),
            (false, false) => format!("{}.rs", self.path.join("/")),
        }
    }

    /// Its first folder or file name (`None` for `lib.rs`).
    pub fn first(&self) -> Option<&str> {
        self.path.first().map(String::as_str)
    }

    /// Whether `self` is `other` or one of its ancestors.
    fn contains(&self, other: &Module) -> bool {
        other.path.starts_with(&self.path)
    }
}

/// Every file of a tree with its code (comments and literals blanked).
pub struct SourceTree {
    files: BTreeMap<Module, String>,
}

impl SourceTree {
    pub fn read(root: &Path) -> Self {
        let files = code_of_files(root)
            .into_iter()
            .map(|(file, code)| (Module::from_file(&file), code))
            .collect();
        Self { files }
    }

    /// The modules each file imports, as files of the tree. A folder's
    /// `mod.rs` naming its own descendants is structure, not an import.
    pub fn imports(&self) -> BTreeMap<Module, BTreeSet<Module>> {
        self.files
            .iter()
            .map(|(module, code)| {
                let targets = paths_named(module, code)
                    .into_iter()
                    .filter_map(|named| self.resolve(&named))
                    .filter(|target| target != module && !module.contains(target))
                    .collect();
                (module.clone(), targets)
            })
            .collect()
    }

    /// The file of the longest prefix of `path` that is a module.
    fn resolve(&self, named: &Named) -> Option<Module> {
        let path = &named.path;
        (named.shortest..=path.len()).rev().find_map(|n| {
            let prefix = &path[..n];
            self.files.keys().find(|m| m.path == prefix).cloned()
        })
    }
}

/// Every `.rs` file under `root` (relative path, code without comments,
/// strings, character literals and its unit-test module).
pub fn code_of_files(root: &Path) -> Vec<(String, String)> {
    let mut found = Vec::new();
    walk(root, root, &mut found);
    found.sort();
    found
}

fn walk(root: &Path, dir: &Path, found: &mut Vec<(String, String)>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(root, &path, found);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text = fs::read_to_string(&path).unwrap_or_default();
            let relative = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            found.push((relative, without_unit_tests(&strip(&text))));
        }
    }
}

/// `code` without its `#[cfg(test)] mod tests { … }` (last in a file, by
/// the house style): unit tests may use what their module's siblings
/// offer for tests without that making the modules depend on each other.
fn without_unit_tests(code: &str) -> String {
    let mut from = 0;
    while let Some(found) = code[from..].find("#[cfg(test)]") {
        let at = from + found;
        let rest = code[at + "#[cfg(test)]".len()..].trim_start();
        if rest.starts_with("mod tests") {
            return code[..at].to_owned();
        }
        from = at + 1;
    }
    code.to_owned()
}

/// `text` with comments, string literals (raw ones too) and character
/// literals replaced by spaces, so that only code is searched.
pub fn strip(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
        } else if c == 'r' && (next == Some('#') || next == Some('"')) && !ident_before(&chars, i) {
            // A raw string: r"…", r#"…"#.
            let mut j = i + 1;
            let mut hashes = 0;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            loop {
                if j >= chars.len() {
                    break;
                }
                if chars[j] == '"' && (0..hashes).all(|k| chars.get(j + 1 + k) == Some(&'#')) {
                    j += 1 + hashes;
                    break;
                }
                j += 1;
            }
            out.push_str("\"\"");
            i = j;
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
        } else if c == '\'' && is_char_literal(&chars, i) {
            i += 1;
            while i < chars.len() && chars[i] != '\'' {
                if chars[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str("' '");
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn ident_before(chars: &[char], i: usize) -> bool {
    i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_')
}

/// A `'` that opens a character literal rather than a lifetime.
fn is_char_literal(chars: &[char], i: usize) -> bool {
    matches!(
        (chars.get(i + 1), chars.get(i + 2)),
        (Some('\\'), _) | (Some(_), Some('\''))
    )
}

/// The absolute module paths `code` (of `module`) names: `use` trees
/// expanded, `crate::…` paths anywhere, and `super::`/`self::`/child
/// paths resolved against the module.
fn paths_named(module: &Module, code: &str) -> Vec<Named> {
    let mut paths = Vec::new();
    // `use` declarations, with their trees.
    let mut rest = code;
    while let Some(at) = find_keyword(rest, "use") {
        let after = &rest[at + 3..];
        let end = after.find(';').unwrap_or(after.len());
        for path in expand(&normalize(&after[..end])) {
            if let Some(absolute) = absolute(module, &path, true) {
                paths.push(absolute);
            }
        }
        rest = &after[end..];
    }
    // `crate::a::b` and `super::a` paths in code.
    for prefix in ["crate::", "super::"] {
        let mut rest = code;
        while let Some(at) = rest.find(prefix) {
            let before = rest[..at].chars().last();
            let start = &rest[at..];
            let path: String = start
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            if !before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                let segments: Vec<String> = path
                    .split("::")
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned)
                    .collect();
                if let Some(absolute) = absolute(module, &segments, false) {
                    paths.push(absolute);
                }
            }
            rest = &start[prefix.len()..];
        }
    }
    paths
}

/// The next `keyword` standing as a word in `code`.
fn find_keyword(code: &str, keyword: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(found) = code[from..].find(keyword) {
        let at = from + found;
        let before = code[..at].chars().last();
        let after = code[at + keyword.len()..].chars().next();
        let word = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '_');
        if !word(before) && !word(after) {
            return Some(at);
        }
        from = at + keyword.len();
    }
    None
}

/// The paths of a `use` tree without white space: `crate::{a::{b,c},d}`.
fn expand(tree: &str) -> Vec<Vec<String>> {
    let tree = tree.trim_start_matches("::");
    let Some(open) = tree.find('{') else {
        return vec![segments(tree.split(" as ").next().unwrap_or(tree))];
    };
    let prefix = segments(tree[..open].trim_end_matches("::"));
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&inner[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&inner[start..]);
    parts
        .into_iter()
        .filter(|p| !p.is_empty())
        .flat_map(expand)
        .map(|tail| {
            let mut path = prefix.clone();
            path.extend(tail.into_iter().filter(|s| s != "self"));
            path
        })
        .collect()
}

/// `a::b::c` as segments.
fn segments(path: &str) -> Vec<String> {
    path.split("::")
        .map(str::trim)
        .filter(|s| !s.is_empty() && *s != "*")
        .map(str::to_owned)
        .collect()
}

/// A `use` tree with white space only where it separates words
/// (`x as y`).
fn normalize(tree: &str) -> String {
    let single = tree.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut out = String::with_capacity(single.len());
    let chars: Vec<char> = single.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        let glue = |c: Option<&char>| matches!(c, Some('{' | '}' | ',' | ':'));
        if *c == ' ' && (glue(chars.get(i + 1)) || (i > 0 && glue(chars.get(i - 1)))) {
            continue;
        }
        out.push(*c);
    }
    out
}

/// `path` (as written in `module`) from the crate root; `None` for paths
/// outside the crate (std, other crates).
fn absolute(module: &Module, path: &[String], in_use: bool) -> Option<Named> {
    let first = path.first()?;
    let mut base: Vec<String> = match first.as_str() {
        "crate" => Vec::new(),
        "super" | "self" => module.path.clone(),
        // A bare first segment in a `use` names a child module, or
        // another crate (then no module of the tree has that path).
        _ if in_use => {
            let mut child = module.path.clone();
            child.extend(path.iter().cloned());
            return Some(Named {
                shortest: module.path.len() + 1,
                path: child,
            });
        }
        _ => return None,
    };
    let mut rest = &path[1..];
    if first == "super" {
        base.pop();
        while rest.first().is_some_and(|s| s == "super") {
            base.pop();
            rest = &rest[1..];
        }
    }
    base.extend(rest.iter().cloned());
    Some(Named {
        path: base,
        shortest: 1,
    })
}

/// A path from the crate root, and how many of its segments at least
/// must name a module for it to be one of the tree's.
struct Named {
    path: Vec<String>,
    shortest: usize,
}
