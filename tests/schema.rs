//! `schema.graphql` is the contract frontends code against: it must equal
//! what the code serves, and every part of it must say what it means.

use api::platform::config::Config;
use serde_json::Value;

#[test]
fn schema_graphql_is_in_sync_with_the_code() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql");
    let on_disk = std::fs::read_to_string(path).unwrap_or_default();
    let from_code = api::graphql::sdl();
    assert!(
        on_disk == from_code,
        "schema.graphql is out of date; refresh it with:\n\n    cargo run -- export-schema > schema.graphql\n"
    );
}

/// The whole type system, with the description of every part.
const INTROSPECTION: &str = r#"{
  __schema {
    types {
      name
      description
      fields(includeDeprecated: true) { name description args { name description } }
      inputFields { name description }
      enumValues(includeDeprecated: true) { name description }
    }
  }
}"#;

/// Types the GraphQL specification defines: their descriptions are not ours.
const BUILT_IN_SCALARS: [&str; 5] = ["String", "Int", "Float", "Boolean", "ID"];

fn described(item: &Value) -> bool {
    item["description"]
        .as_str()
        .is_some_and(|d| !d.trim().is_empty())
}

fn name(item: &Value) -> &str {
    item["name"].as_str().unwrap_or("?")
}

/// Every undescribed type, field, argument, input field and enum value, as
/// `Type`, `Type.field`, `Type.field(arg)` or `Type.VALUE`.
fn undescribed(schema: &Value) -> Vec<String> {
    let mut missing = Vec::new();
    let types = schema["__schema"]["types"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    for ty in &types {
        let type_name = name(ty);
        if type_name.starts_with("__") || BUILT_IN_SCALARS.contains(&type_name) {
            continue;
        }
        if !described(ty) {
            missing.push(type_name.to_owned());
        }
        let list = |key: &str| ty[key].as_array().cloned().unwrap_or_default();
        for field in list("fields") {
            if !described(&field) {
                missing.push(format!("{type_name}.{}", name(&field)));
            }
            for arg in field["args"].as_array().cloned().unwrap_or_default() {
                if !described(&arg) {
                    missing.push(format!("{type_name}.{}({})", name(&field), name(&arg)));
                }
            }
        }
        for item in list("inputFields").iter().chain(&list("enumValues")) {
            if !described(item) {
                missing.push(format!("{type_name}.{}", name(item)));
            }
        }
    }
    missing
}

#[tokio::test]
async fn every_type_field_argument_and_enum_value_is_described() {
    // Arrange: the schema as served, without a database.
    let schema = api::graphql::schema_builder(&Config::for_database("sqlite::memory:")).finish();

    // Act
    let response = schema.execute(INTROSPECTION).await;

    // Assert
    assert!(response.errors.is_empty(), "{:?}", response.errors);
    let data = response.data.into_json().unwrap();
    let missing = undescribed(&data);
    assert!(
        missing.is_empty(),
        "{} parts of the schema have no description:\n  {}",
        missing.len(),
        missing.join("\n  ")
    );
}

#[tokio::test]
async fn the_root_types_are_query_and_mutation() {
    let schema = api::graphql::schema_builder(&Config::for_database("sqlite::memory:")).finish();

    let response = schema
        .execute("{ __schema { queryType { name } mutationType { name } } }")
        .await;

    assert!(response.errors.is_empty(), "{:?}", response.errors);
    let data = response.data.into_json().unwrap();
    assert_eq!(data["__schema"]["queryType"]["name"], "Query");
    assert_eq!(data["__schema"]["mutationType"]["name"], "Mutation");
}
