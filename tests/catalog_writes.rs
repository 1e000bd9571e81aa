//! Writes on the catalogue: people, organizations, events, sections and
//! tags. Roles, optimistic concurrency, slug history, merges, deletion with
//! and without `detach`, hierarchy loops, validation and text cleaning.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeSet;

use common::{SEED_SLUG, TestApp, backends, first_error_code, token};
use entity::{
    article_event, article_organization, article_person, article_tag, event, organization, person,
    tag,
};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

/// A GraphQL request as `token`, or anonymous.
async fn call(app: &TestApp, token: Option<&str>, query: &str, variables: Value) -> Value {
    match token {
        Some(token) => app.graphql_as(token, query, variables).await,
        None => app.graphql(query, variables).await,
    }
}

/// A GraphQL request as `token`, failing on any error; returns `data`.
async fn data(app: &TestApp, token: &str, query: &str, variables: Value) -> Value {
    app.data_as(token, query, variables).await
}

/// The first error of a response, which must be one.
fn error(response: &Value) -> &Value {
    assert!(
        response["errors"].is_array(),
        "expected an error: {response}"
    );
    &response["errors"][0]
}

fn admin() -> String {
    token("admin-toa-soan", &["admin"])
}

fn editor() -> String {
    token("editor-toa-soan", &["editor"])
}

/// One kind of catalogue object and how to write it.
struct Kind {
    /// GraphQL type name: `Person`.
    name: &'static str,
    /// Payload field: `person`.
    field: &'static str,
    /// The merge mutation, when the kind has one.
    merge: Option<&'static str>,
    /// A valid create input for a name.
    input: fn(&str) -> Value,
    /// A valid partial update.
    change: fn() -> Value,
}

impl Kind {
    fn create(&self) -> String {
        format!(
            "mutation($input: {n}Input!) {{ create{n}(input: $input) {{ {f} {{ id slug version }} }} }}",
            n = self.name,
            f = self.field
        )
    }

    fn update(&self) -> String {
        format!(
            "mutation($id: ID!, $version: Int!, $input: {n}Input!) {{
                update{n}(id: $id, version: $version, input: $input) {{ {f} {{ id slug version }} }} }}",
            n = self.name,
            f = self.field
        )
    }

    fn delete(&self) -> String {
        format!(
            "mutation($id: ID!, $version: Int!) {{ delete{n}(id: $id, version: $version) {{ id slug }} }}",
            n = self.name
        )
    }

    fn merge(&self) -> Option<String> {
        self.merge.map(|m| {
            format!(
                "mutation($from: ID!, $into: ID!) {{ {m}(from: $from, into: $into) {{ {f} {{ id slug version }} }} }}",
                f = self.field
            )
        })
    }
}

fn kinds() -> [Kind; 5] {
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
async fn create(app: &TestApp, kind: &Kind, name: &str) -> (String, String, i64) {
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
fn ids(connection: &Value) -> BTreeSet<String> {
    connection["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap().to_owned())
        .collect()
}

/// The row id of a person by slug.
async fn person_id(app: &TestApp, slug: &str) -> i64 {
    person::Entity::find()
        .filter(person::Column::Slug.eq(slug))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("{slug} exists"))
        .id
}

async fn organization_id(app: &TestApp, slug: &str) -> i64 {
    organization::Entity::find()
        .filter(organization::Column::Slug.eq(slug))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap_or_else(|| panic!("{slug} exists"))
        .id
}

const PERSON: &str = "query($slug: String!) { person(slug: $slug) {
    id slug version fullName honorific bio
    positions { title from to organization { slug } }
    articles(first: 100) { totalCount nodes { id } }
    events(first: 100) { totalCount nodes { id } } } }";

const ORGANIZATION: &str = "query($slug: String!) { organization(slug: $slug) {
    id slug version name shortName kind description
    parent { slug } children { slug }
    positions { title person { slug } }
    articles(first: 100) { totalCount nodes { id } }
    events(first: 100) { totalCount nodes { id } } } }";

const UPDATE_PERSON: &str = "mutation($id: ID!, $version: Int!, $input: PersonInput!) {
    updatePerson(id: $id, version: $version, input: $input) {
        person { id slug version fullName honorific bio positions { title from to organization { slug } } } } }";

const UPDATE_ORGANIZATION: &str = "mutation($id: ID!, $version: Int!, $input: OrganizationInput!) {
    updateOrganization(id: $id, version: $version, input: $input) {
        organization { id slug version name parent { slug } } } }";

const UPDATE_SECTION: &str = "mutation($id: ID!, $version: Int!, $input: SectionInput!) {
    updateSection(id: $id, version: $version, input: $input) {
        section { id slug version name position parent { slug } } } }";

const SECTION: &str = "query($slug: String!) { section(slug: $slug) { id slug version name position parent { slug } children { slug } } }";

#[tokio::test]
async fn each_role_may_do_exactly_what_the_role_table_says() {
    let roles: [(&str, Option<&str>); 5] = [
        ("anonymous", None),
        ("partner", Some("partner")),
        ("writer", Some("writer")),
        ("editor", Some("editor")),
        ("admin", Some("admin")),
    ];
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        for (role, name) in roles {
            let who = name.map(|r| token(&format!("{r}-nguoi-dung"), &[r]));
            for kind in kinds() {
                for op in ["create", "update", "delete", "merge"] {
                    let response = match op {
                        "create" => {
                            let input = (kind.input)(&format!("Sở Khoa học và Công nghệ ({role})"));
                            call(
                                &app,
                                who.as_deref(),
                                &kind.create(),
                                json!({ "input": input }),
                            )
                            .await
                        }
                        "update" => {
                            let (id, _, version) =
                                create(&app, &kind, &format!("Sửa bởi {role}")).await;
                            let vars =
                                json!({ "id": id, "version": version, "input": (kind.change)() });
                            let response = call(&app, who.as_deref(), &kind.update(), vars).await;
                            if response.get("errors").is_none() {
                                let updated =
                                    &response["data"][format!("update{}", kind.name)][kind.field];
                                assert_eq!(updated["version"], json!(version + 1), "{role} {op}");
                            }
                            response
                        }
                        "delete" => {
                            let (id, _, version) =
                                create(&app, &kind, &format!("Xóa bởi {role}")).await;
                            let vars = json!({ "id": id, "version": version });
                            call(&app, who.as_deref(), &kind.delete(), vars).await
                        }
                        _ => {
                            let Some(merge) = kind.merge() else { continue };
                            let (from, _, _) =
                                create(&app, &kind, &format!("Bản trùng của {role}")).await;
                            let (into, _, _) =
                                create(&app, &kind, &format!("Bản gốc của {role}")).await;
                            let vars = json!({ "from": from, "into": into });
                            call(&app, who.as_deref(), &merge, vars).await
                        }
                    };
                    let allowed: &[&str] = match op {
                        "create" | "update" => &["editor", "admin"],
                        _ => &["admin"],
                    };
                    let what = format!("{role} {op} {} on {backend:?}", kind.name);
                    if allowed.contains(&role) {
                        assert!(response.get("errors").is_none(), "{what}: {response}");
                    } else {
                        let expected = if name.is_none() {
                            "UNAUTHENTICATED"
                        } else {
                            "FORBIDDEN"
                        };
                        assert_eq!(first_error_code(&response), expected, "{what}");
                        assert!(response["data"].is_null(), "{what}: {response}");
                    }
                }
            }
        }
    }
}

#[tokio::test]
async fn a_stale_version_is_a_conflict_that_tells_the_current_version() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let editor = editor();
        for kind in kinds() {
            let (id, slug, version) = create(&app, &kind, "Hội Cựu chiến binh tỉnh").await;
            assert_eq!(version, 1);
            let vars = json!({ "id": id, "version": 1, "input": (kind.change)() });
            data(&app, &editor, &kind.update(), vars.clone()).await;

            // A second editor saves over version 1 again.
            let stale = call(&app, Some(&editor), &kind.update(), vars).await;
            assert_eq!(first_error_code(&stale), "CONFLICT", "{} update", kind.name);
            assert_eq!(error(&stale)["extensions"]["currentVersion"], json!(2));
            let stale = call(
                &app,
                Some(&admin()),
                &kind.delete(),
                json!({ "id": id, "version": 1 }),
            )
            .await;
            assert_eq!(first_error_code(&stale), "CONFLICT", "{} delete", kind.name);
            assert_eq!(error(&stale)["extensions"]["currentVersion"], json!(2));

            // Nothing changed: the current version still works.
            let vars = json!({ "id": id, "version": 2, "input": {} });
            let saved = data(&app, &editor, &kind.update(), vars).await;
            let saved = &saved[format!("update{}", kind.name)][kind.field];
            assert_eq!(saved["version"], json!(3));
            assert_eq!(saved["slug"], json!(slug));
        }

        // An unknown object is NOT_FOUND, by ID or by slug.
        let gone = call(
            &app,
            Some(&editor),
            UPDATE_PERSON,
            json!({ "id": "khong-co-ai", "version": 1, "input": {} }),
        )
        .await;
        assert_eq!(first_error_code(&gone), "NOT_FOUND");
    }
}

#[tokio::test]
async fn a_renamed_person_keeps_answering_to_the_old_slug() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let editor = editor();
        let before = data(&app, &editor, PERSON, json!({ "slug": "nguyen-duc-trung" })).await;
        let before = &before["person"];
        let count =
            "query($p: String!) { articles(filter: { person: $p }, first: 100) { totalCount }
                      events(filter: { person: $p }, first: 100) { totalCount } }";
        let listed = call(&app, None, count, json!({ "p": "nguyen-duc-trung" })).await;
        let articles = listed["data"]["articles"]["totalCount"].as_i64().unwrap();
        let events = listed["data"]["events"]["totalCount"].as_i64().unwrap();
        assert!(articles > 0 && events > 0);

        let renamed = data(
            &app,
            &editor,
            UPDATE_PERSON,
            json!({ "id": before["id"], "version": before["version"],
                    "input": { "slug": "nguyen-duc-trung-chu-tich-ubnd-tinh" } }),
        )
        .await;
        let renamed = &renamed["updatePerson"]["person"];
        assert_eq!(renamed["slug"], "nguyen-duc-trung-chu-tich-ubnd-tinh");
        assert_eq!(renamed["fullName"], "Nguyễn Đức Trung", "the name stays");
        assert_eq!(renamed["positions"], before["positions"], "positions stay");

        // The old slug finds the same person, who answers with the new one.
        let old = call(&app, None, PERSON, json!({ "slug": "nguyen-duc-trung" })).await;
        assert_eq!(old["data"]["person"]["id"], before["id"]);
        assert_eq!(
            old["data"]["person"]["slug"],
            "nguyen-duc-trung-chu-tich-ubnd-tinh"
        );
        let listed = call(&app, None, count, json!({ "p": "nguyen-duc-trung" })).await;
        assert_eq!(listed["data"]["articles"]["totalCount"], json!(articles));
        assert_eq!(listed["data"]["events"]["totalCount"], json!(events));

        // The old slug is not free for someone else.
        let taken = call(
            &app,
            Some(&editor),
            "mutation($input: PersonInput!) { createPerson(input: $input) { person { slug } } }",
            json!({ "input": { "fullName": "Nguyễn Đức Trung", "slug": "nguyen-duc-trung" } }),
        )
        .await;
        assert_eq!(first_error_code(&taken), "BAD_USER_INPUT");
        assert_eq!(error(&taken)["extensions"]["field"], "input.slug");
        // Without a slug, a namesake gets a numbered one.
        let namesake = data(
            &app,
            &editor,
            "mutation($input: PersonInput!) { createPerson(input: $input) { person { slug fullName } } }",
            json!({ "input": { "fullName": "Nguyễn Đức Trung" } }),
        )
        .await;
        assert_eq!(
            namesake["createPerson"]["person"]["slug"],
            "nguyen-duc-trung-2"
        );

        // Taking the old slug back works, and the interim one still resolves.
        let back = data(
            &app,
            &editor,
            UPDATE_PERSON,
            json!({ "id": before["id"], "version": renamed["version"],
                    "input": { "slug": "nguyen-duc-trung" } }),
        )
        .await;
        assert_eq!(back["updatePerson"]["person"]["slug"], "nguyen-duc-trung");
        let interim = call(
            &app,
            None,
            PERSON,
            json!({ "slug": "nguyen-duc-trung-chu-tich-ubnd-tinh" }),
        )
        .await;
        assert_eq!(interim["data"]["person"]["slug"], "nguyen-duc-trung");
    }
}

#[tokio::test]
async fn people_are_created_with_positions_and_updated_in_part() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let editor = editor();
        let tinh_uy = data(&app, &editor, ORGANIZATION, json!({ "slug": "tinh-uy" })).await;
        let created = data(
            &app,
            &editor,
            "mutation($input: PersonInput!) { createPerson(input: $input) {
                person { id slug version fullName honorific bio
                         positions { title from to organization { slug } } } } }",
            json!({ "input": {
                "fullName": "Hoàng Thị Thu Hường",
                "honorific": "Đồng chí",
                "bio": "Sinh năm 1975 tại xã Thủy Sơn.\n\nThạc sĩ Quản lý công.",
                "positions": [
                    { "organization": "so-noi-vu", "title": "Phó Giám đốc Sở Nội vụ",
                      "from": "2018-03-01", "to": "2023-06-30" },
                    { "organization": tinh_uy["organization"]["id"], "title": "Tỉnh ủy viên",
                      "from": "2023-07-01" }
                ]
            } }),
        )
        .await;
        let person = &created["createPerson"]["person"];
        assert_eq!(person["slug"], "hoang-thi-thu-huong");
        assert_eq!(person["version"], 1);
        assert_eq!(
            person["bio"],
            "Sinh năm 1975 tại xã Thủy Sơn.\n\nThạc sĩ Quản lý công."
        );
        assert_eq!(
            person["positions"],
            json!([
                { "title": "Phó Giám đốc Sở Nội vụ", "from": "2018-03-01", "to": "2023-06-30",
                  "organization": { "slug": "so-noi-vu" } },
                { "title": "Tỉnh ủy viên", "from": "2023-07-01", "to": null,
                  "organization": { "slug": "tinh-uy" } }
            ])
        );

        // Only the bio changes; null clears the honorific.
        let updated = data(
            &app,
            &editor,
            UPDATE_PERSON,
            json!({ "id": person["id"], "version": 1,
                    "input": { "bio": "Tỉnh ủy viên khóa XX.", "honorific": null } }),
        )
        .await;
        let updated = &updated["updatePerson"]["person"];
        assert_eq!(updated["fullName"], "Hoàng Thị Thu Hường");
        assert_eq!(
            updated["slug"], "hoang-thi-thu-huong",
            "a rename needs an explicit slug"
        );
        assert_eq!(updated["bio"], "Tỉnh ủy viên khóa XX.");
        assert_eq!(updated["honorific"], Value::Null);
        assert_eq!(updated["positions"], person["positions"]);

        // Positions given replace them all.
        let replaced = data(
            &app,
            &editor,
            UPDATE_PERSON,
            json!({ "id": person["id"], "version": 2, "input": { "positions": [
                { "organization": "ubnd-tinh", "title": "Phó Chủ tịch UBND tỉnh", "from": "2025-07-01" }
            ] } }),
        )
        .await;
        assert_eq!(
            replaced["updatePerson"]["person"]["positions"],
            json!([{ "title": "Phó Chủ tịch UBND tỉnh", "from": "2025-07-01", "to": null,
                     "organization": { "slug": "ubnd-tinh" } }])
        );
        let org = data(&app, &editor, ORGANIZATION, json!({ "slug": "so-noi-vu" })).await;
        assert!(
            !org["organization"]["positions"]
                .as_array()
                .unwrap()
                .iter()
                .any(|p| p["person"]["slug"] == "hoang-thi-thu-huong"),
            "the old positions are gone"
        );
    }
}

#[tokio::test]
async fn merging_people_moves_their_articles_events_and_positions() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let admin = admin();
        // Two records of one official; both are mentioned in the seed article.
        let from =
            data(&app, &admin, PERSON, json!({ "slug": "le-dinh-ly" })).await["person"].clone();
        let into =
            data(&app, &admin, PERSON, json!({ "slug": "nguyen-duc-trung" })).await["person"]
                .clone();
        let articles: BTreeSet<String> = ids(&from["articles"])
            .union(&ids(&into["articles"]))
            .cloned()
            .collect();
        let events: BTreeSet<String> = ids(&from["events"])
            .union(&ids(&into["events"]))
            .cloned()
            .collect();
        assert!(
            ids(&from["articles"])
                .intersection(&ids(&into["articles"]))
                .count()
                > 0,
            "the two share an article, whose duplicate link must be dropped"
        );
        assert!(articles.len() > ids(&into["articles"]).len());
        let positions = from["positions"].as_array().unwrap().len()
            + into["positions"].as_array().unwrap().len();

        let merged = data(
            &app,
            &admin,
            "mutation($from: ID!, $into: ID!) { mergePeople(from: $from, into: $into) {
                person { id slug version } } }",
            json!({ "from": from["id"], "into": "nguyen-duc-trung" }),
        )
        .await;
        let merged = &merged["mergePeople"]["person"];
        assert_eq!(merged["id"], into["id"]);
        assert_eq!(
            merged["version"],
            json!(into["version"].as_i64().unwrap() + 1)
        );

        let after =
            data(&app, &admin, PERSON, json!({ "slug": "nguyen-duc-trung" })).await["person"]
                .clone();
        assert_eq!(ids(&after["articles"]), articles);
        assert_eq!(after["articles"]["totalCount"], json!(articles.len()));
        assert_eq!(ids(&after["events"]), events);
        assert_eq!(after["positions"].as_array().unwrap().len(), positions);

        // The old slug leads to the person who stays; the old ID is gone.
        let old = call(&app, None, PERSON, json!({ "slug": "le-dinh-ly" })).await;
        assert_eq!(old["data"]["person"]["id"], into["id"]);
        assert_eq!(old["data"]["person"]["slug"], "nguyen-duc-trung");
        let by_id = call(
            &app,
            None,
            "query($id: ID!) { person(id: $id) { slug } }",
            json!({ "id": from["id"] }),
        )
        .await;
        assert_eq!(by_id["data"]["person"], Value::Null);
        let seed = call(
            &app,
            None,
            "query($slug: String!) { article(slug: $slug) { people { role person { slug } } } }",
            json!({ "slug": SEED_SLUG }),
        )
        .await;
        let linked: Vec<&Value> = seed["data"]["article"]["people"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|l| l["person"]["slug"] == "nguyen-duc-trung")
            .collect();
        assert_eq!(linked.len(), 1, "one MENTIONED link left: {linked:?}");

        // Merging into oneself is refused.
        let itself = call(
            &app,
            Some(&admin),
            "mutation($from: ID!, $into: ID!) { mergePeople(from: $from, into: $into) { person { id } } }",
            json!({ "from": into["id"], "into": "nguyen-duc-trung" }),
        )
        .await;
        assert_eq!(first_error_code(&itself), "BAD_USER_INPUT");
        assert_eq!(error(&itself)["extensions"]["field"], "into");
    }
}

const MERGE_ORGANIZATIONS: &str = "mutation($from: ID!, $into: ID!) {
    mergeOrganizations(from: $from, into: $into) {
        organization { id slug version parent { slug } children { slug } } } }";

const CREATE_ORGANIZATION: &str = "mutation($input: OrganizationInput!) {
    createOrganization(input: $input) { organization { id slug version name kind parent { slug } } } }";

#[tokio::test]
async fn merging_organizations_moves_links_positions_and_children() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let admin = admin();
        // A unit under the old board, to see children move.
        data(
            &app,
            &admin,
            CREATE_ORGANIZATION,
            json!({ "input": { "name": "Chi bộ Ban Dân vận Tỉnh ủy", "kind": "PARTY_COMMITTEE",
                               "parent": "ban-dan-van-tinh-uy" } }),
        )
        .await;
        let from = data(
            &app,
            &admin,
            ORGANIZATION,
            json!({ "slug": "ban-dan-van-tinh-uy" }),
        )
        .await["organization"]
            .clone();
        let into = data(
            &app,
            &admin,
            ORGANIZATION,
            json!({ "slug": "ban-tuyen-giao-va-dan-van-tinh-uy" }),
        )
        .await["organization"]
            .clone();
        let articles: BTreeSet<String> = ids(&from["articles"])
            .union(&ids(&into["articles"]))
            .cloned()
            .collect();
        let events: BTreeSet<String> = ids(&from["events"])
            .union(&ids(&into["events"]))
            .cloned()
            .collect();
        assert!(
            ids(&from["events"])
                .intersection(&ids(&into["events"]))
                .count()
                > 0,
            "the two share an event, whose duplicate link must be dropped"
        );
        let positions = from["positions"].as_array().unwrap().len()
            + into["positions"].as_array().unwrap().len();

        let merged = data(
            &app,
            &admin,
            MERGE_ORGANIZATIONS,
            json!({ "from": "ban-dan-van-tinh-uy", "into": into["id"] }),
        )
        .await;
        let merged = &merged["mergeOrganizations"]["organization"];
        assert_eq!(merged["id"], into["id"]);
        assert_eq!(merged["parent"]["slug"], "tinh-uy");
        assert_eq!(
            merged["children"],
            json!([{ "slug": "chi-bo-ban-dan-van-tinh-uy" }])
        );

        let after = data(
            &app,
            &admin,
            ORGANIZATION,
            json!({ "slug": "ban-tuyen-giao-va-dan-van-tinh-uy" }),
        )
        .await["organization"]
            .clone();
        assert_eq!(ids(&after["articles"]), articles);
        assert_eq!(ids(&after["events"]), events);
        assert_eq!(after["positions"].as_array().unwrap().len(), positions);
        let old = call(
            &app,
            None,
            ORGANIZATION,
            json!({ "slug": "ban-dan-van-tinh-uy" }),
        )
        .await;
        assert_eq!(old["data"]["organization"]["id"], into["id"]);
        let tinh_uy = data(&app, &admin, ORGANIZATION, json!({ "slug": "tinh-uy" })).await;
        assert!(
            !tinh_uy["organization"]["children"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c["slug"] == "ban-dan-van-tinh-uy")
        );
        // Filters by the old slug follow it too.
        let listed = call(
            &app,
            Some(&admin),
            "{ articles(filter: { organization: \"ban-dan-van-tinh-uy\" }, first: 100) { totalCount } }",
            json!({}),
        )
        .await;
        assert_eq!(
            listed["data"]["articles"]["totalCount"],
            json!(articles.len())
        );
    }
}

#[tokio::test]
async fn merging_an_organization_into_one_below_it_lifts_that_one_up() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let admin = admin();
        let create = |name: &'static str, parent: Option<&'static str>| {
            let app = &app;
            let admin = admin.clone();
            async move {
                data(
                    app,
                    &admin,
                    CREATE_ORGANIZATION,
                    json!({ "input": { "name": name, "kind": "PEOPLES_COMMITTEE", "parent": parent } }),
                )
                .await["createOrganization"]["organization"]
                    .clone()
            }
        };
        // UBND huyện Sơn Động → UBND xã An Lạc → Thôn Nà Ó.
        let huyen = create("UBND huyện Sơn Động", Some("ubnd-tinh")).await;
        create("UBND xã An Lạc", Some("ubnd-huyen-son-dong")).await;
        create("Thôn Nà Ó", Some("ubnd-xa-an-lac")).await;
        create(
            "Ban Quản lý dự án huyện Sơn Động",
            Some("ubnd-huyen-son-dong"),
        )
        .await;

        let merged = data(
            &app,
            &admin,
            MERGE_ORGANIZATIONS,
            json!({ "from": huyen["id"], "into": "thon-na-o" }),
        )
        .await;
        let merged = &merged["mergeOrganizations"]["organization"];
        assert_eq!(merged["slug"], "thon-na-o");
        assert_eq!(
            merged["parent"]["slug"], "ubnd-tinh",
            "it takes the place of `from`"
        );
        let mut children: Vec<&str> = merged["children"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["slug"].as_str().unwrap())
            .collect();
        children.sort();
        assert_eq!(
            children,
            ["ban-quan-ly-du-an-huyen-son-dong", "ubnd-xa-an-lac"]
        );
        // UBND xã An Lạc now sits under Thôn Nà Ó, which no longer sits under it.
        let xa = data(
            &app,
            &admin,
            ORGANIZATION,
            json!({ "slug": "ubnd-xa-an-lac" }),
        )
        .await;
        assert_eq!(xa["organization"]["parent"]["slug"], "thon-na-o");
        assert_eq!(xa["organization"]["children"], json!([]));
    }
}

#[tokio::test]
async fn deleting_a_linked_person_needs_detach_which_removes_the_links() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let admin = admin();
        let person =
            data(&app, &admin, PERSON, json!({ "slug": "le-dinh-ly" })).await["person"].clone();
        let row = person_id(&app, "le-dinh-ly").await;
        let articles = article_person::Entity::find()
            .filter(article_person::Column::PersonId.eq(row))
            .count(&app.db)
            .await
            .unwrap();
        let events = person["events"]["totalCount"].as_i64().unwrap();
        assert!(articles > 0 && events > 0);
        let delete = "mutation($id: ID!, $version: Int!, $detach: Boolean) {
            deletePerson(id: $id, version: $version, detach: $detach) { id slug } }";

        let refused = call(
            &app,
            Some(&admin),
            delete,
            json!({ "id": person["id"], "version": person["version"] }),
        )
        .await;
        assert_eq!(first_error_code(&refused), "CONFLICT");
        let message = error(&refused)["message"].as_str().unwrap();
        let plural =
            |n: i64, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        assert!(
            message.contains(&plural(
                person["articles"]["totalCount"].as_i64().unwrap(),
                "article",
                "articles"
            )) && message.contains(&plural(events, "event", "events"))
                && message.contains("pass detach: true"),
            "{message}"
        );
        let still = call(&app, None, PERSON, json!({ "slug": "le-dinh-ly" })).await;
        assert_eq!(
            still["data"]["person"]["id"], person["id"],
            "nothing was deleted"
        );

        let deleted = data(
            &app,
            &admin,
            delete,
            json!({ "id": person["id"], "version": person["version"], "detach": true }),
        )
        .await;
        assert_eq!(
            deleted["deletePerson"],
            json!({ "id": person["id"], "slug": "le-dinh-ly" })
        );
        let gone = call(&app, None, PERSON, json!({ "slug": "le-dinh-ly" })).await;
        assert_eq!(gone["data"]["person"], Value::Null);
        let links = article_person::Entity::find()
            .filter(article_person::Column::PersonId.eq(row))
            .count(&app.db)
            .await
            .unwrap();
        assert_eq!(links, 0);
        let seed = call(
            &app,
            None,
            "query($slug: String!) { article(slug: $slug) { people { person { slug } } } }",
            json!({ "slug": SEED_SLUG }),
        )
        .await;
        assert!(
            !seed["data"]["article"]["people"]
                .as_array()
                .unwrap()
                .iter()
                .any(|l| l["person"]["slug"] == "le-dinh-ly")
        );
        // The slug is free again.
        let again = data(
            &app,
            &admin,
            "mutation($input: PersonInput!) { createPerson(input: $input) { person { slug } } }",
            json!({ "input": { "fullName": "Lê Đình Lý" } }),
        )
        .await;
        assert_eq!(again["createPerson"]["person"]["slug"], "le-dinh-ly");
    }
}

#[tokio::test]
async fn deleting_linked_organizations_events_and_tags_needs_detach() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let admin = admin();

        // Sở Y tế: articles, events, positions and a hospital under it.
        let so_y_te =
            data(&app, &admin, ORGANIZATION, json!({ "slug": "so-y-te" })).await["organization"]
                .clone();
        let row = organization_id(&app, "so-y-te").await;
        let delete = "mutation($id: ID!, $version: Int!, $detach: Boolean) {
            deleteOrganization(id: $id, version: $version, detach: $detach) { id slug } }";
        let refused = call(
            &app,
            Some(&admin),
            delete,
            json!({ "id": so_y_te["id"], "version": so_y_te["version"], "detach": false }),
        )
        .await;
        assert_eq!(first_error_code(&refused), "CONFLICT");
        let message = error(&refused)["message"].as_str().unwrap();
        assert!(
            message.contains("1 sub-organization") && message.contains("detach: true"),
            "{message}"
        );
        data(
            &app,
            &admin,
            delete,
            json!({ "id": so_y_te["id"], "version": so_y_te["version"], "detach": true }),
        )
        .await;
        let hospital = data(
            &app,
            &admin,
            ORGANIZATION,
            json!({ "slug": "benh-vien-da-khoa-tinh" }),
        )
        .await;
        assert_eq!(
            hospital["organization"]["parent"]["slug"], "ubnd-tinh",
            "children move up to the deleted organization's parent"
        );
        let links = article_organization::Entity::find()
            .filter(article_organization::Column::OrganizationId.eq(row))
            .count(&app.db)
            .await
            .unwrap();
        assert_eq!(links, 0);

        // The seed article's event.
        let slug = "ky-ket-chuong-trinh-phoi-hop-cong-tac-dan-van-giai-doan-2021-2026";
        let event = data(
            &app,
            &admin,
            "query($slug: String!) { event(slug: $slug) { id version articles { totalCount } } }",
            json!({ "slug": slug }),
        )
        .await["event"]
            .clone();
        let delete = "mutation($id: ID!, $version: Int!, $detach: Boolean) {
            deleteEvent(id: $id, version: $version, detach: $detach) { id slug } }";
        let refused = call(
            &app,
            Some(&admin),
            delete,
            json!({ "id": event["id"], "version": event["version"] }),
        )
        .await;
        assert_eq!(first_error_code(&refused), "CONFLICT");
        let deleted = data(
            &app,
            &admin,
            delete,
            json!({ "id": event["id"], "version": event["version"], "detach": true }),
        )
        .await;
        assert_eq!(deleted["deleteEvent"]["slug"], slug);
        let event_rows = event::Entity::find()
            .filter(event::Column::Slug.eq(slug))
            .count(&app.db)
            .await
            .unwrap();
        assert_eq!(event_rows, 0);
        let seed = call(
            &app,
            None,
            "query($slug: String!) { article(slug: $slug) { events: relatedEvents(first: 50) { nodes { slug } } } }",
            json!({ "slug": SEED_SLUG }),
        )
        .await;
        assert!(
            !seed["data"]["article"]["events"]["nodes"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["slug"] == slug)
        );

        // The tag of the seed article.
        let tag_row = tag::Entity::find()
            .filter(tag::Column::Slug.eq("dan-van"))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        let tagged = article_tag::Entity::find()
            .filter(article_tag::Column::TagId.eq(tag_row.id))
            .count(&app.db)
            .await
            .unwrap();
        let tag = data(
            &app,
            &admin,
            "{ tag(slug: \"dan-van\") { id version } }",
            json!({}),
        )
        .await["tag"]
            .clone();
        let delete = "mutation($id: ID!, $version: Int!, $detach: Boolean) {
            deleteTag(id: $id, version: $version, detach: $detach) { id slug } }";
        let refused = call(
            &app,
            Some(&admin),
            delete,
            json!({ "id": tag["id"], "version": tag["version"] }),
        )
        .await;
        assert_eq!(first_error_code(&refused), "CONFLICT");
        assert!(
            error(&refused)["message"]
                .as_str()
                .unwrap()
                .contains(&format!("{tagged} articles")),
            "{refused}"
        );
        data(
            &app,
            &admin,
            delete,
            json!({ "id": tag["id"], "version": tag["version"], "detach": true }),
        )
        .await;
        let left = article_tag::Entity::find()
            .filter(article_tag::Column::TagId.eq(tag_row.id))
            .count(&app.db)
            .await
            .unwrap();
        assert_eq!(left, 0);
        let left = article_event::Entity::find().count(&app.db).await.unwrap();
        assert!(left > 0, "other events keep their articles");
    }
}

#[tokio::test]
async fn a_section_with_articles_or_sub_sections_cannot_be_deleted() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let admin = admin();
        let delete = "mutation($id: ID!, $version: Int!) { deleteSection(id: $id, version: $version) { id slug } }";

        let politics = data(
            &app,
            &admin,
            SECTION,
            json!({ "slug": "thoi-su-chinh-tri" }),
        )
        .await["section"]
            .clone();
        let refused = call(
            &app,
            Some(&admin),
            delete,
            json!({ "id": politics["id"], "version": politics["version"] }),
        )
        .await;
        assert_eq!(first_error_code(&refused), "CONFLICT");
        let message = error(&refused)["message"].as_str().unwrap();
        assert!(
            message.contains("articles") && message.contains("detach"),
            "says what to do, and that detach does not apply: {message}"
        );

        let news =
            data(&app, &admin, SECTION, json!({ "slug": "thoi-su" })).await["section"].clone();
        let refused = call(
            &app,
            Some(&admin),
            delete,
            json!({ "id": news["id"], "version": news["version"] }),
        )
        .await;
        assert_eq!(first_error_code(&refused), "CONFLICT");
        assert!(
            error(&refused)["message"]
                .as_str()
                .unwrap()
                .contains("2 sub-sections"),
            "{refused}"
        );

        // An empty branch goes leaf first.
        let create = "mutation($input: SectionInput!) { createSection(input: $input) {
            section { id slug version position parent { slug } } } }";
        let branch = data(
            &app,
            &admin,
            create,
            json!({ "input": { "name": "Khoa học - Công nghệ" } }),
        )
        .await["createSection"]["section"]
            .clone();
        assert_eq!(branch["position"], 8, "a new section goes last");
        let leaf = data(
            &app,
            &admin,
            create,
            json!({ "input": { "name": "Chuyển đổi số", "parent": branch["id"] } }),
        )
        .await["createSection"]["section"]
            .clone();
        assert_eq!(leaf["parent"]["slug"], "khoa-hoc-cong-nghe");
        assert_eq!(leaf["position"], 1);
        let refused = call(
            &app,
            Some(&admin),
            delete,
            json!({ "id": branch["id"], "version": branch["version"] }),
        )
        .await;
        assert_eq!(first_error_code(&refused), "CONFLICT");
        data(
            &app,
            &admin,
            delete,
            json!({ "id": leaf["id"], "version": leaf["version"] }),
        )
        .await;
        let deleted = data(
            &app,
            &admin,
            delete,
            json!({ "id": branch["id"], "version": branch["version"] }),
        )
        .await;
        assert_eq!(deleted["deleteSection"]["slug"], "khoa-hoc-cong-nghe");
        let gone = call(&app, None, SECTION, json!({ "slug": "khoa-hoc-cong-nghe" })).await;
        assert_eq!(gone["data"]["section"], Value::Null);
    }
}

#[tokio::test]
async fn hierarchies_refuse_loops() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let editor = editor();
        let tinh_uy =
            data(&app, &editor, ORGANIZATION, json!({ "slug": "tinh-uy" })).await["organization"]
                .clone();
        for (parent, why) in [("tinh-uy", "itself"), ("ban-dan-van-tinh-uy", "its child")] {
            let refused = call(
                &app,
                Some(&editor),
                UPDATE_ORGANIZATION,
                json!({ "id": tinh_uy["id"], "version": tinh_uy["version"],
                        "input": { "parent": parent } }),
            )
            .await;
            assert_eq!(first_error_code(&refused), "BAD_USER_INPUT", "{why}");
            assert_eq!(
                error(&refused)["extensions"]["field"],
                "input.parent",
                "{why}"
            );
        }
        // Three levels down: UBND tỉnh → UBND huyện Thạch Lâm → UBND xã Thủy Sơn.
        let ubnd =
            data(&app, &editor, ORGANIZATION, json!({ "slug": "ubnd-tinh" })).await["organization"]
                .clone();
        let refused = call(
            &app,
            Some(&editor),
            UPDATE_ORGANIZATION,
            json!({ "id": ubnd["id"], "version": ubnd["version"],
                    "input": { "parent": "ubnd-xa-thuy-son" } }),
        )
        .await;
        assert_eq!(first_error_code(&refused), "BAD_USER_INPUT");
        // Moving elsewhere, and back to the top with null, is fine.
        let moved = data(
            &app,
            &editor,
            UPDATE_ORGANIZATION,
            json!({ "id": ubnd["id"], "version": ubnd["version"], "input": { "parent": "tinh-uy" } }),
        )
        .await;
        assert_eq!(
            moved["updateOrganization"]["organization"]["parent"]["slug"],
            "tinh-uy"
        );
        let top = data(
            &app,
            &editor,
            UPDATE_ORGANIZATION,
            json!({ "id": ubnd["id"], "version": ubnd["version"].as_i64().unwrap() + 1,
                    "input": { "parent": null } }),
        )
        .await;
        assert_eq!(
            top["updateOrganization"]["organization"]["parent"],
            Value::Null
        );

        // Sections alike.
        let news =
            data(&app, &editor, SECTION, json!({ "slug": "thoi-su" })).await["section"].clone();
        for parent in ["thoi-su", "thoi-su-chinh-tri"] {
            let refused = call(
                &app,
                Some(&editor),
                UPDATE_SECTION,
                json!({ "id": news["id"], "version": news["version"], "input": { "parent": parent } }),
            )
            .await;
            assert_eq!(first_error_code(&refused), "BAD_USER_INPUT", "{parent}");
            assert_eq!(error(&refused)["extensions"]["field"], "input.parent");
        }
        let moved = data(
            &app,
            &editor,
            UPDATE_SECTION,
            json!({ "id": news["id"], "version": news["version"],
                    "input": { "parent": "xa-hoi", "position": 9 } }),
        )
        .await;
        let moved = &moved["updateSection"]["section"];
        assert_eq!(moved["parent"]["slug"], "xa-hoi");
        assert_eq!(moved["position"], 9);
    }
}

/// The `field`s of every error listed in `extensions.errors`.
fn fields(response: &Value) -> Vec<String> {
    error(response)["extensions"]["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("no error list in {response}"))
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn every_input_problem_is_reported_at_once() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let editor = editor();

        let person = call(
            &app,
            Some(&editor),
            "mutation($input: PersonInput!) { createPerson(input: $input) { person { id } } }",
            json!({ "input": {
                "fullName": "<b> </b>",
                "slug": "Nguyễn Văn A",
                "positions": [
                    { "organization": "so-khong-ton-tai", "title": "Giám đốc", "from": "2020-01-01" },
                    { "organization": "tinh-uy", "title": "Bí thư", "from": "2021-01-01", "to": "2020-12-31" },
                    { "organization": "tinh-uy", "title": "<p></p>", "from": "2021-01-01" }
                ]
            } }),
        )
        .await;
        assert_eq!(first_error_code(&person), "BAD_USER_INPUT");
        assert_eq!(error(&person)["extensions"]["field"], "input.fullName");
        assert_eq!(
            fields(&person),
            [
                "input.fullName",
                "input.positions[0].organization",
                "input.positions[1].to",
                "input.positions[2].title",
                "input.slug"
            ]
        );
        assert!(
            error(&person)["message"]
                .as_str()
                .unwrap()
                .starts_with("5 input errors"),
            "{person}"
        );

        let missing = call(
            &app,
            Some(&editor),
            "mutation($input: OrganizationInput!) { createOrganization(input: $input) { organization { id } } }",
            json!({ "input": { "shortName": "BQL", "parent": "khong-co" } }),
        )
        .await;
        assert_eq!(
            fields(&missing),
            ["input.name", "input.kind", "input.parent"]
        );

        let person_id = data(&app, &editor, PERSON, json!({ "slug": "nguyen-duc-trung" })).await
            ["person"]["id"]
            .clone();
        let event = call(
            &app,
            Some(&editor),
            "mutation($input: EventInput!) { createEvent(input: $input) { event { id } } }",
            json!({ "input": {
                "summary": "Hội nghị sơ kết.",
                "endsAt": "2026-11-27T08:00:00+07:00",
                "people": [
                    { "person": "khong-co-ai" },
                    { "person": person_id, "role": "chủ trì" },
                    { "person": "nguyen-duc-trung" }
                ],
                "organizations": ["tinh-uy", "khong-co-to-chuc"]
            } }),
        )
        .await;
        assert_eq!(
            fields(&event),
            [
                "input.name",
                "input.startsAt",
                "input.people[0].person",
                "input.people[2].person",
                "input.organizations[1]"
            ]
        );

        let event = call(
            &app,
            Some(&editor),
            "mutation($input: EventInput!) { createEvent(input: $input) { event { id } } }",
            json!({ "input": { "name": "Hội nghị", "startsAt": "2026-11-27T08:00:00+07:00",
                               "endsAt": "2026-11-26T17:00:00+07:00" } }),
        )
        .await;
        assert_eq!(first_error_code(&event), "BAD_USER_INPUT");
        assert_eq!(error(&event)["extensions"]["field"], "input.endsAt");

        let section = call(
            &app,
            Some(&editor),
            "mutation($input: SectionInput!) { createSection(input: $input) { section { id } } }",
            json!({ "input": { "name": "Quốc tế", "iptcMediaTopic": "11000000", "position": -1,
                               "parent": "khong-co" } }),
        )
        .await;
        assert_eq!(
            fields(&section),
            ["input.parent", "input.position", "input.iptcMediaTopic"]
        );

        // An ID of another type is bad input at its path, not a 500.
        let tag_id = data(
            &app,
            &editor,
            "{ tag(slug: \"dan-van\") { id } }",
            json!({}),
        )
        .await["tag"]["id"]
            .clone();
        let wrong = call(
            &app,
            Some(&editor),
            "mutation($input: PersonInput!) { createPerson(input: $input) { person { id } } }",
            json!({ "input": { "fullName": "Vũ Văn Nam", "positions": [
                { "organization": tag_id, "title": "Giám đốc", "from": "2020-01-01" } ] } }),
        )
        .await;
        assert_eq!(first_error_code(&wrong), "BAD_USER_INPUT");
        assert_eq!(
            error(&wrong)["extensions"]["field"],
            "input.positions[0].organization"
        );

        // Nothing was written.
        let people = person::Entity::find()
            .filter(person::Column::FullName.eq("Vũ Văn Nam"))
            .count(&app.db)
            .await
            .unwrap();
        assert_eq!(people, 0);
    }
}

#[tokio::test]
async fn html_is_stripped_and_decomposed_vietnamese_is_stored_composed() {
    // "Trần Thị Hòa" as Word pastes it: letters and combining marks apart.
    let decomposed = "Tra\u{302}\u{300}n Thi\u{323} Ho\u{300}a";
    assert_ne!(decomposed, "Trần Thị Hòa");
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let editor = editor();
        let created = data(
            &app,
            &editor,
            "mutation($input: PersonInput!) { createPerson(input: $input) {
                person { id slug fullName bio honorific } } }",
            json!({ "input": {
                "fullName": "<b>Nguyễn</b>   Văn A",
                "honorific": "<i>Đồng chí</i>",
                "bio": "<p>Bí thư Đảng ủy xã <script>alert(1)</script>Thủy Sơn</p>"
            } }),
        )
        .await;
        let person = &created["createPerson"]["person"];
        assert_eq!(person["fullName"], "Nguyễn Văn A");
        assert_eq!(person["slug"], "nguyen-van-a");
        assert_eq!(person["honorific"], "Đồng chí");
        assert_eq!(person["bio"], "Bí thư Đảng ủy xã Thủy Sơn");

        let created = data(
            &app,
            &editor,
            "mutation($input: PersonInput!) { createPerson(input: $input) { person { slug fullName } } }",
            json!({ "input": { "fullName": decomposed } }),
        )
        .await;
        assert_eq!(
            created["createPerson"]["person"]["fullName"],
            "Trần Thị Hòa"
        );
        assert_eq!(created["createPerson"]["person"]["slug"], "tran-thi-hoa");
        let stored = person::Entity::find()
            .filter(person::Column::Slug.eq("tran-thi-hoa"))
            .one(&app.db)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(stored.full_name, "Trần Thị Hòa", "stored NFC");

        let org = data(
            &app,
            &editor,
            CREATE_ORGANIZATION,
            json!({ "input": { "name": format!("<em>Hội</em> Người cao tuổi {}", "tỉnh"),
                               "kind": "MASS_ORGANIZATION",
                               "shortName": "Hội NCT" } }),
        )
        .await;
        assert_eq!(
            org["createOrganization"]["organization"]["name"],
            "Hội Người cao tuổi tỉnh"
        );
        assert_eq!(
            org["createOrganization"]["organization"]["kind"],
            "MASS_ORGANIZATION"
        );
        let tag = data(
            &app,
            &editor,
            "mutation($input: TagInput!) { createTag(input: $input) { tag { slug name } } }",
            json!({ "input": { "name": "Nga\u{302}\u{300}m hóa <u>ha\u{323} ta\u{302}\u{300}ng</u>" } }),
        )
        .await;
        assert_eq!(
            tag["createTag"]["tag"],
            json!({ "slug": "ngam-hoa-ha-tang", "name": "Ngầm hóa hạ tầng" })
        );
        let event = data(
            &app,
            &editor,
            "mutation($input: EventInput!) { createEvent(input: $input) { event { name summary location } } }",
            json!({ "input": { "name": "Hội nghị <b>Ban Chấp hành</b> Đảng bộ tỉnh",
                               "startsAt": "2026-12-20T08:00:00+07:00",
                               "summary": "Bàn <a href=\"javascript:alert(1)\">nhiệm vụ</a> năm 2027.",
                               "location": "  Hội trường\nTỉnh ủy " } }),
        )
        .await;
        assert_eq!(
            event["createEvent"]["event"],
            json!({ "name": "Hội nghị Ban Chấp hành Đảng bộ tỉnh",
                    "summary": "Bàn nhiệm vụ năm 2027.",
                    "location": "Hội trường Tỉnh ủy" })
        );
    }
}

#[tokio::test]
async fn events_take_participants_and_dates_and_replace_them_whole() {
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let editor = editor();
        let ubnd =
            data(&app, &editor, ORGANIZATION, json!({ "slug": "ubnd-tinh" })).await["organization"]
                ["id"]
                .clone();
        let fields = "id slug version name startsAt endsAt location
            participants { people { role person { slug } } organizations { slug } }";
        let created = data(
            &app,
            &editor,
            &format!(
                "mutation($input: EventInput!) {{ createEvent(input: $input) {{ event {{ {fields} }} }} }}"
            ),
            json!({ "input": {
                "name": "Lễ khởi công cầu Thủy Sơn",
                "startsAt": "2026-12-05T08:00:00+07:00",
                "endsAt": "2026-12-05T10:00:00+07:00",
                "location": "Xã Thủy Sơn",
                "people": [
                    { "person": "nguyen-duc-trung", "role": "<b>dự</b> và phát lệnh khởi công" },
                    { "person": "le-dinh-ly" }
                ],
                "organizations": [ubnd, "ubnd-xa-thuy-son"]
            } }),
        )
        .await;
        let event = &created["createEvent"]["event"];
        assert_eq!(event["slug"], "le-khoi-cong-cau-thuy-son");
        assert_eq!(event["startsAt"], "2026-12-05T01:00:00+00:00");
        let mut people = event["participants"]["people"].as_array().unwrap().clone();
        people.sort_by_key(|p| p["person"]["slug"].as_str().unwrap().to_owned());
        assert_eq!(
            people,
            [
                json!({ "role": null, "person": { "slug": "le-dinh-ly" } }),
                json!({ "role": "dự và phát lệnh khởi công", "person": { "slug": "nguyen-duc-trung" } }),
            ]
        );
        let mut orgs: Vec<&str> = event["participants"]["organizations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["slug"].as_str().unwrap())
            .collect();
        orgs.sort();
        assert_eq!(orgs, ["ubnd-tinh", "ubnd-xa-thuy-son"]);

        let update = format!(
            "mutation($id: ID!, $version: Int!, $input: EventInput!) {{
                updateEvent(id: $id, version: $version, input: $input) {{ event {{ {fields} }} }} }}"
        );
        // Starting after the stored end is refused…
        let refused = call(
            &app,
            Some(&editor),
            &update,
            json!({ "id": event["id"], "version": 1,
                    "input": { "startsAt": "2026-12-05T11:00:00+07:00" } }),
        )
        .await;
        assert_eq!(first_error_code(&refused), "BAD_USER_INPUT");
        assert_eq!(error(&refused)["extensions"]["field"], "input.startsAt");
        // …unless the end goes too; empty lists clear the participants.
        let updated = data(
            &app,
            &editor,
            &update,
            json!({ "id": event["id"], "version": 1, "input": {
                "startsAt": "2026-12-06T08:00:00+07:00", "endsAt": null,
                "people": [{ "person": "ngoc-kim-nam", "role": "chủ trì" }],
                "organizations": []
            } }),
        )
        .await;
        let updated = &updated["updateEvent"]["event"];
        assert_eq!(updated["version"], 2);
        assert_eq!(updated["endsAt"], Value::Null);
        assert_eq!(updated["location"], "Xã Thủy Sơn", "untouched");
        assert_eq!(
            updated["participants"],
            json!({ "people": [{ "role": "chủ trì", "person": { "slug": "ngoc-kim-nam" } }],
                    "organizations": [] })
        );
    }
}
