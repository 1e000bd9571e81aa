//! The layers of the server library, checked on its source: which folder
//! may import which, and no import circle between files.
//!
//! Reads every `.rs` file under `api/src`, finds the module paths it
//! names (`use crate::…`, `use super::…`, `crate::…` anywhere in code,
//! a child module by its bare name) and resolves each to the file that
//! defines it. Comments and string literals are skipped. See
//! `docs/ARCHITECTURE.md` for the map these rules encode.

#[path = "architecture/source.rs"]
mod source;

use std::{
    collections::{BTreeMap, BTreeSet},
    fs,
    path::Path,
};

use source::{Module, SourceTree};

/// The layer of a module, by the folder it sits in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Layer {
    /// `platform/`: what every layer may use.
    Platform,
    /// `domain/`: the newsroom's rules.
    Domain,
    /// `graphql/`, `http/`, `workers/`: thin faces over the domain.
    Face(&'static str),
    /// `app.rs`: composes the faces.
    App,
    /// `lib.rs`: declares the folders.
    Root,
}

fn layer(module: &Module) -> Layer {
    match module.first() {
        None => Layer::Root,
        Some("platform") => Layer::Platform,
        Some("domain") => Layer::Domain,
        Some("graphql") => Layer::Face("graphql"),
        Some("http") => Layer::Face("http"),
        Some("workers") => Layer::Face("workers"),
        Some("app") => Layer::App,
        Some(other) => {
            panic!("api/src/{other} is in no layer: put it under platform/, domain/ or a face")
        }
    }
}

/// Whether a file of layer `from` may import from layer `to`.
fn may_import(from: Layer, to: Layer) -> bool {
    match (from, to) {
        (Layer::Root, _) | (Layer::App, _) => true,
        (_, Layer::Root) | (_, Layer::App) => false,
        (Layer::Face(a), Layer::Face(b)) => a == b,
        (Layer::Face(_), _) => true,
        (Layer::Domain, Layer::Face(_)) => false,
        (Layer::Domain, _) => true,
        (Layer::Platform, Layer::Platform) => true,
        (Layer::Platform, _) => false,
    }
}

fn tree() -> SourceTree {
    SourceTree::read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("api/src"))
}

#[test]
fn imports_point_down_the_layers() {
    let tree = tree();
    let mut wrong = Vec::new();
    for (from, targets) in tree.imports() {
        for to in targets {
            if !may_import(layer(&from), layer(&to)) {
                wrong.push(format!("{} imports {}", from.file(), to.file()));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the layers:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn the_domain_knows_no_web_framework() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("api/src");
    let mut wrong = Vec::new();
    for folder in ["domain"] {
        for (file, code) in source::code_of_files(&root.join(folder)) {
            for framework in ["async_graphql", "axum"] {
                if code.contains(framework) {
                    wrong.push(format!("{folder}/{file} names {framework}"));
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// GraphQL object types form a graph (`Article.people` → `Person`,
/// `Person.articles` → `Article`), so the files defining them name each
/// other's types. Only these may stand in a circle, and only together.
const GRAPH_TYPES: &[&str] = &[
    "graphql/articles/mod.rs",
    "graphql/events.rs",
    "graphql/organizations.rs",
    "graphql/people.rs",
    "graphql/sections.rs",
    "graphql/tags.rs",
];

#[test]
fn no_import_circle_between_files() {
    let tree = tree();
    let edges: BTreeMap<Module, BTreeSet<Module>> = tree.imports();
    let mut circles = Vec::new();
    for component in strongly_connected(&edges) {
        let files: Vec<String> = component.iter().map(Module::file).collect();
        if files.iter().all(|f| GRAPH_TYPES.contains(&f.as_str())) {
            continue;
        }
        circles.push(files.join(" ↔ "));
    }
    assert!(
        circles.is_empty(),
        "import circles:\n{}",
        circles.join("\n")
    );
}

/// The strongly connected components of more than one file (Tarjan).
fn strongly_connected(edges: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<Vec<Module>> {
    struct State<'a> {
        edges: &'a BTreeMap<Module, BTreeSet<Module>>,
        index: BTreeMap<&'a Module, usize>,
        low: BTreeMap<&'a Module, usize>,
        stack: Vec<&'a Module>,
        on_stack: BTreeSet<&'a Module>,
        found: Vec<Vec<Module>>,
    }
    fn visit<'a>(s: &mut State<'a>, v: &'a Module) {
        let i = s.index.len();
        s.index.insert(v, i);
        s.low.insert(v, i);
        s.stack.push(v);
        s.on_stack.insert(v);
        let edges = s.edges;
        for w in edges.get(v).into_iter().flatten() {
            if !s.index.contains_key(w) {
                visit(s, w);
                let low = s.low[v].min(s.low[w]);
                s.low.insert(v, low);
            } else if s.on_stack.contains(w) {
                let low = s.low[v].min(s.index[w]);
                s.low.insert(v, low);
            }
        }
        if s.low[v] == s.index[v] {
            let mut component = Vec::new();
            while let Some(w) = s.stack.pop() {
                s.on_stack.remove(w);
                component.push(w.clone());
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                s.found.push(component);
            }
        }
    }
    let mut state = State {
        edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        found: Vec::new(),
    };
    for v in edges.keys() {
        if !state.index.contains_key(v) {
            visit(&mut state, v);
        }
    }
    state.found
}

#[test]
fn the_reader_finds_circles_and_layer_breaks() {
    // The checks above only mean something if the reader sees imports.
    let dir = std::env::temp_dir().join(format!("toasoan-arch-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(dir.join("domain")).unwrap();
    fs::create_dir_all(dir.join("graphql")).unwrap();
    fs::write(dir.join("lib.rs"), "pub mod domain;\npub mod graphql;\n").unwrap();
    fs::write(dir.join("domain/mod.rs"), "pub mod a;\npub mod b;\n").unwrap();
    fs::write(
        dir.join("domain/a.rs"),
        "// use crate::graphql::x; (a comment)\nuse super::b::f;\nconst S: &str = \"crate::graphql\";\n",
    )
    .unwrap();
    fs::write(
        dir.join("domain/b.rs"),
        "use crate::{domain::a, graphql::{self}};\npub fn f() {}\n",
    )
    .unwrap();
    fs::write(dir.join("graphql/mod.rs"), "").unwrap();
    let tree = SourceTree::read(&dir);
    let imports = tree.imports();
    let a = Module::from_file("domain/a.rs");
    let b = Module::from_file("domain/b.rs");
    let graphql = Module::from_file("graphql/mod.rs");
    assert_eq!(imports[&a], BTreeSet::from([b.clone()]));
    assert_eq!(imports[&b], BTreeSet::from([a.clone(), graphql.clone()]));
    assert_eq!(strongly_connected(&imports), vec![vec![a, b.clone()]]);
    assert!(!may_import(layer(&b), layer(&graphql)));
    let _ = fs::remove_dir_all(&dir);
}
