//! Helpers of the catalogue write tests (people, organizations, events,
//! sections, tags): requests as a role, the five kinds and how to write
//! them, and the queries the tests read back with.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeSet;

use crate::common::{TestApp, token};
use entity::{organization, person};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

/// A GraphQL request as `token`, or anonymous.
pub async fn call(app: &TestApp, token: Option<&str>, query: &str, variables: Value) -> Value {
    match token {
        Some(token) => app.graphql_as(token, query, variables).await,
        None => app.graphql(query, variables).await,
    }
}

/// A GraphQL request as `token`, failing on any error; returns `data`.
pub async fn data(app: &TestApp, token: &str, query: &str, variables: Value) -> Value {
    app.data_as(token, query, variables).await
}

/// The first error of a response, which must be one.
pub fn error(response: &Value) -> &Value {
    assert!(
        response["errors"].is_array(),
        "expected an error: {response}"
    );
    &response["errors"][0]
}

pub fn admin() -> String {
    token("admin-toa-soan", &["admin"])
}

pub fn editor() -> String {
    token("editor-toa-soan", &["editor"])
}

/// One kind of catalogue object and how to write it.
pub struct Kind {
    /// GraphQL type name: `Person`.
    pub name: &'static str,
    /// Payload field: `person`.
    pub field: &'static str,
    /// The merge mutation, when the kind has one.
    pub merge: Option<&'static str>,
    /// A valid create input for a name.
    pub input: fn(&str) -> Value,
    /// A valid partial update.
    pub change: fn() -> Value,
}

impl Kind {
    pub fn create(&self) -> String {
        format!(
            "mutation($input: {n}Input!) {{ create{n}(input: $input) {{ {f} {{ id slug version }} }} }}",
            n = self.name,
            f = self.field
        )
    }

    pub fn update(&self) -> String {
        format!(
            "mutation($id: ID!, $version: Int!, $input: {n}Input!) {{
                update{n}(id: $id, version: $version, input: $input) {{ {f} {{ id slug version }} }} }}",
            n = self.name,
            f = self.field
        )
    }

    pub fn delete(&self) -> String {
        format!(
            "mutation($id: ID!, $version: Int!) {{ delete{n}(id: $id, version: $version) {{ id slug }} }}",
            n = self.name
        )
    }

    pub fn merge(&self) -> Option<String> {
        self.merge.map(|m| {
            format!(
                "mutation($from: ID!, $into: ID!) {{ {m}(from: $from, into: $into) {{ {f} {{ id slug version }} }} }}",
                f = self.field
            )
        })
    }
}

pub fn kinds() -> [Kind; 5] {
    [
        Kind {
            name: "Person",
            field: "person",
            merge: Some("mergePeople"),
            input: |name| json!({ "fullName": name, "honorific": "Đồng chí" }),
            change: || json!({ "bio": "Nguyên Bí thư Huyện ủy Thạch Lâm." }),
        },
        Kind {
            name: "Organization",
            field: "organization",
            merge: Some("mergeOrganizations"),
            input: |name| json!({ "name": name, "kind": "DEPARTMENT", "parent": "ubnd-tinh" }),
            change: || json!({ "shortName": "Sở KH&CN" }),
        },
        Kind {
            name: "Event",
            field: "event",
            merge: None,
            input: |name| {
                json!({ "name": name, "startsAt": "2026-11-27T08:00:00+07:00",
                        "location": "Hội trường UBND tỉnh" })
            },
            change: || json!({ "endsAt": "2026-11-27T11:30:00+07:00" }),
        },
        Kind {
            name: "Section",
            field: "section",
            merge: None,
            input: |name| json!({ "name": name, "parent": "xa-hoi" }),
            change: || json!({ "iptcMediaTopic": "medtop:14000000" }),
        },
        Kind {
            name: "Tag",
            field: "tag",
            merge: None,
            input: |name| json!({ "name": name }),
            change: || json!({ "name": "Khoa học - Công nghệ" }),
        },
    ]
}

/// Creates an object of `kind` as an admin: (global ID, slug, version).
pub async fn create(app: &TestApp, kind: &Kind, name: &str) -> (String, String, i64) {
    let data = data(
        app,
        &admin(),
        &kind.create(),
        json!({ "input": (kind.input)(name) }),
    )
    .await;
    let object = &data[format!("create{}", kind.name)][kind.field];
    (
        object["id"].as_str().unwrap().to_owned(),
        object["slug"].as_str().unwrap().to_owned(),
        object["version"].as_i64().unwrap(),
    )
}

/// The ids of the nodes of a connection.
pub fn ids(connection: &Value) -> BTreeSet<String> {
    connection["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap().to_owned())
        .collect()
}

/// The row id of a person by slug.
pub async fn person_id(app: &TestApp, slug: &str) -> i64 {
    person::Entity::find()
        .filter(person::Column::Slug.eq(slug))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("{slug} exists"))
        .id
}

pub async fn organization_id(app: &TestApp, slug: &str) -> i64 {
    organization::Entity::find()
        .filter(organization::Column::Slug.eq(slug))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("{slug} exists"))
        .id
}

pub const PERSON: &str = "query($slug: String!) { person(slug: $slug) {
    id slug version fullName honorific bio
    positions { title from to organization { slug } }
    articles(first: 100) { totalCount nodes { id } }
    events(first: 100) { totalCount nodes { id } } } }";

pub const ORGANIZATION: &str = "query($slug: String!) { organization(slug: $slug) {
    id slug version name shortName kind description
    parent { slug } children { slug }
    positions { title person { slug } }
    articles(first: 100) { totalCount nodes { id } }
    events(first: 100) { totalCount nodes { id } } } }";

pub const UPDATE_PERSON: &str = "mutation($id: ID!, $version: Int!, $input: PersonInput!) {
    updatePerson(id: $id, version: $version, input: $input) {
        person { id slug version fullName honorific bio positions { title from to organization { slug } } } } }";

pub const UPDATE_ORGANIZATION: &str =
    "mutation($id: ID!, $version: Int!, $input: OrganizationInput!) {
    updateOrganization(id: $id, version: $version, input: $input) {
        organization { id slug version name parent { slug } } } }";

pub const UPDATE_SECTION: &str = "mutation($id: ID!, $version: Int!, $input: SectionInput!) {
    updateSection(id: $id, version: $version, input: $input) {
        section { id slug version name position parent { slug } } } }";

pub const SECTION: &str = "query($slug: String!) { section(slug: $slug) { id slug version name position parent { slug } children { slug } } }";

/// The `field`s of every error listed in `extensions.errors`.
pub fn fields(response: &Value) -> Vec<String> {
    error(response)["extensions"]["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("no error list in {response}"))
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect()
}

pub const CREATE_ORGANIZATION: &str = "mutation($input: OrganizationInput!) {
    createOrganization(input: $input) { organization { id slug version name kind parent { slug } } } }";

pub const MERGE_ORGANIZATIONS: &str = "mutation($from: ID!, $into: ID!) {
    mergeOrganizations(from: $from, into: $into) {
        organization { id slug version parent { slug } children { slug } } } }";
