//! Writes on the catalogue, across its five kinds: what each role may do,
//! optimistic concurrency, slug history, deletion with and without
//! `detach`, hierarchy loops, validation and text cleaning.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "common/catalog.rs"]
mod catalog;
mod common;

use catalog::*;
use common::{SEED_SLUG, TestApp, backends, first_error_code, token};
use entity::{article_event, article_organization, article_tag, event, person, tag};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};

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

/// The request's DataLoader keeps the sections it read (an article page
/// asks for a section and its parent), so a section write in the same
/// document must clear them: a later field of that document shows the
/// new name, not the one read before the write.
#[tokio::test]
async fn a_section_renamed_in_a_document_reads_anew_later_in_it() {
    const READ_RENAME_READ: &str = "mutation($child: ID!, $childVersion: Int!, $parent: ID!,
                                            $parentVersion: Int!) {
        before: updateSection(id: $child, version: $childVersion, input: { position: 7 }) {
            section { parent { name } }
        }
        renamed: updateSection(id: $parent, version: $parentVersion,
                               input: { name: \"Thời sự - Tổng hợp\" }) {
            section { slug }
        }
        after: updateSection(id: $child, version: $childVersion1, input: { position: 8 }) {
            section { parent { name } }
        }
    }";
    for backend in backends() {
        let app = TestApp::demo(backend).await;
        let editor = editor();
        let child = data(
            &app,
            &editor,
            SECTION,
            json!({ "slug": "thoi-su-chinh-tri" }),
        )
        .await["section"]
            .clone();
        let parent =
            data(&app, &editor, SECTION, json!({ "slug": "thoi-su" })).await["section"].clone();
        assert_eq!(child["parent"]["slug"], "thoi-su");
        let version = child["version"].as_i64().unwrap();
        let document = READ_RENAME_READ.replace("$childVersion1", &(version + 1).to_string());
        let answer = data(
            &app,
            &editor,
            &document,
            json!({ "child": child["id"], "childVersion": version,
                    "parent": parent["id"], "parentVersion": parent["version"] }),
        )
        .await;
        assert_eq!(answer["before"]["section"]["parent"]["name"], "Thời sự");
        assert_eq!(answer["renamed"]["section"]["slug"], "thoi-su");
        assert_eq!(
            answer["after"]["section"]["parent"]["name"],
            "Thời sự - Tổng hợp"
        );
    }
}
