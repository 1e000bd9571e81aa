//! Writes on events: participants and dates, replaced as a whole.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "common/catalog.rs"]
mod catalog;
mod common;

use catalog::*;
use common::{TestApp, backends, first_error_code};
use serde_json::{Value, json};

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
