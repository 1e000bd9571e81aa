//! The tags: the themes' own first (so a small archive gets the obvious
//! ones), then topics, years, places, products and sports; tags already in
//! the database are reused.

use std::collections::HashSet;

use chrono::Datelike;
use entity::tag;
use sea_orm::Set;

use api::platform::slug;

use crate::generate::{
    plan::Plan,
    rows::Rows,
    store::Existing,
    text::capitalize,
    themes::{GENERIC_TOPICS, PRODUCTS, SPORTS, Theme},
    world::{Tag, World},
};

/// Adds the tags, up to the plan's count.
pub(super) fn tags(plan: &Plan, world: &mut World, rows: &mut Rows, existing: &mut Existing) {
    // The most common tags first, so a small archive gets the obvious ones.
    let mut candidates: Vec<(String, Option<Theme>)> = Vec::new();
    let longest = Theme::ALL
        .iter()
        .map(|t| t.words().tags.len())
        .max()
        .unwrap_or(0);
    for i in 0..longest {
        for theme in Theme::ALL {
            if let Some(tag) = theme.words().tags.get(i) {
                candidates.push(((*tag).to_owned(), Some(theme)));
            }
        }
    }
    for topic in GENERIC_TOPICS {
        let mut name = (*topic).to_owned();
        capitalize(&mut name);
        candidates.push((name, None));
    }
    let last_year = world.anchor.year();
    for year in (last_year - 10..=last_year).rev() {
        candidates.push((format!("Tết Nguyên đán {year}"), Some(Theme::Society)));
        candidates.push((
            format!("Thi tốt nghiệp THPT {year}"),
            Some(Theme::Education),
        ));
        candidates.push((format!("Kinh tế - xã hội {year}"), Some(Theme::Economy)));
    }
    for district in &world.districts {
        candidates.push((district.name.clone(), None));
    }
    for product in PRODUCTS {
        let mut name = (*product).to_owned();
        capitalize(&mut name);
        candidates.push((name, Some(Theme::Agriculture)));
    }
    for sport in SPORTS {
        let mut name = (*sport).to_owned();
        capitalize(&mut name);
        candidates.push((name, Some(Theme::Sports)));
    }
    for commune in &world.communes {
        candidates.push((commune.name.clone(), None));
    }
    let mut seen = HashSet::new();
    for (name, theme) in candidates {
        if world.tags.len() >= plan.tags {
            break;
        }
        let slug = slug::slugify(&name);
        if slug.is_empty() || !seen.insert(slug.clone()) {
            continue;
        }
        let id = match existing.tags.get(&slug) {
            Some(id) => {
                rows.reused_tags += 1;
                *id
            }
            None => {
                let id = existing.next_tag;
                existing.next_tag += 1;
                rows.tags.push(tag::ActiveModel {
                    id: Set(id),
                    name: Set(name),
                    slug: Set(slug),
                    version: Set(1),
                });
                id
            }
        };
        let index = world.tags.len();
        match theme {
            Some(theme) => world.tags_by_theme[theme.index()].push(index),
            None => world.general_tags.push(index),
        }
        world.tags.push(Tag { id });
    }
}
