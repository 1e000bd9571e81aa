//! `schema.graphql` is the contract frontends code against: it must equal
//! what the code serves.

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
