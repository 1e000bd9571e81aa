//! Validation of our ninjs output against IPTC's official JSON Schema for
//! ninjs 3.1 (vendored in `api/standards/ninjs/`, MIT licence). Formats
//! (`uri`, `date-time`) are checked too.
//!
//! The schema's `places[].geoJSON` refers to the GeoJSON schema on the web;
//! tests never fetch anything, and we emit no `places`, so that one
//! reference resolves to a schema that only requires an object.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::OnceLock;

use serde_json::Value;

const SCHEMA: &str = include_str!("../../api/standards/ninjs/ninjs-schema_3.1.json");

/// Answers offline the GeoJSON reference and the ninjs schema at its
/// path on our server (where the OpenAPI document refers to it); anything
/// else is an error.
pub struct Offline;

impl jsonschema::Retrieve for Offline {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        match uri.as_str() {
            "https://geojson.org/schema/GeoJSON.json" => Ok(serde_json::json!({"type": "object"})),
            "json-schema:///v1/schemas/ninjs-3.1.json" => Ok(serde_json::from_str(SCHEMA)?),
            other => Err(format!("no offline copy of {other}").into()),
        }
    }
}

fn validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let schema: Value = serde_json::from_str(SCHEMA).expect("the vendored schema is JSON");
        jsonschema::options()
            .should_validate_formats(true)
            .with_retriever(Offline)
            .build(&schema)
            .expect("the ninjs 3.1 schema compiles")
    })
}

/// Panics with every schema violation of `item`.
pub fn assert_valid(item: &Value) {
    let errors: Vec<String> = validator()
        .iter_errors(item)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "not valid ninjs 3.1:\n{}\n{}",
        errors.join("\n"),
        serde_json::to_string_pretty(item).unwrap()
    );
}

/// The schema really rejects what it should (so a pass means something).
pub fn assert_invalid(item: &Value) {
    assert!(
        validator().iter_errors(item).next().is_some(),
        "expected a schema violation in {item}"
    );
}
