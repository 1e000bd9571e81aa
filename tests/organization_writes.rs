//! Writes on organizations: merges, including one into an organization
//! below the duplicate.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "common/catalog.rs"]
mod catalog;
mod common;

use std::collections::BTreeSet;

use catalog::*;
use common::{TestApp, backends};
use serde_json::json;

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
