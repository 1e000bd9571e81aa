//! The events: when, where, which organizations host them, who takes
//! part, named and summed up by the text writer.

use chrono::{Datelike, Duration};
use entity::{event, event_organization, event_person};
use sea_orm::Set;

use api::platform::slug;

use crate::generate::{
    clock::{ZONE_SECS, working_times},
    dice::Dice,
    plan::Plan,
    rows::Rows,
    store::Existing,
    text::Writer,
    themes::Theme,
    words::LOCATIONS,
    world::{Event, World},
};

/// How often each theme comes up: the weights of its sections.
fn theme_weights(world: &World) -> [u32; 11] {
    let mut weights = [0u32; 11];
    for s in &world.sections {
        weights[s.theme.index()] += s.weight;
    }
    if weights.iter().all(|w| *w == 0) {
        weights = [1; 11];
    }
    weights
}

/// Lower-cases the first letter: an event's name inside a sentence.
fn lowercase_first(text: &mut String) {
    if let Some(c) = text.chars().next()
        && c.is_uppercase()
    {
        let lower: String = c.to_lowercase().collect();
        text.replace_range(..c.len_utf8(), &lower);
    }
}

/// Adds the events, in time order.
pub(super) fn events(
    d: &mut Dice,
    plan: &Plan,
    world: &mut World,
    rows: &mut Rows,
    existing: &mut Existing,
) {
    let weights = theme_weights(world);
    let times = working_times(d, plan.events, world.start, 3652, (7, 17));
    let mut events = Vec::with_capacity(times.len());
    let mut by_theme: Vec<Vec<usize>> = vec![Vec::new(); Theme::ALL.len()];
    for starts_at in times {
        let theme = Theme::ALL[d.weighted(&weights)];
        let commune = d.below(world.communes.len());
        let district = world.communes[commune].district;
        let mut orgs = vec![world.hosts[theme.index()]];
        if let Some(committee) = world.districts[district].committee
            && d.chance(0.5)
        {
            orgs.push(committee);
        }
        for _ in 0..d.below(3) {
            let o = world.some_org(d);
            if !orgs.contains(&o) {
                orgs.push(o);
            }
        }
        let mut people = Vec::new();
        for _ in 0..d.between(2, 6) {
            if world.officials.is_empty() {
                break;
            }
            let p = world.officials[d.skewed(world.officials.len())];
            if !people.contains(&p) {
                people.push(p);
            }
        }
        if !world.citizens.is_empty() && d.chance(0.3) {
            people.push(*d.pick(&world.citizens));
        }
        let year = (starts_at + Duration::seconds(ZONE_SECS)).year();
        let mut writer = Writer::new(world, theme, year, orgs.clone(), people.clone());
        writer.place(district, commune);
        let words = theme.words();
        let mut name = writer.line_from(d, words.events);
        let mut slug = slug::slugify(&name);
        for _ in 0..3 {
            if !existing.event_slugs.contains(&slug) {
                break;
            }
            name = writer.line_from(d, words.events);
            slug = slug::slugify(&name);
        }
        let slug = slug::unique_slug(&slug, |s| existing.event_slugs.contains(s));
        existing.event_slugs.insert(slug.clone());
        let mut what = name.clone();
        lowercase_first(&mut what);
        let summary = format!(
            "{} tổ chức {what}, với sự tham dự của {} đại biểu.",
            world.orgs[orgs[0]].name,
            d.between(50, 400)
        );
        let location = writer.line_from(d, LOCATIONS);
        let ends_at = if d.chance(0.1) {
            starts_at + Duration::days(d.between(1, 3))
        } else {
            starts_at + Duration::minutes(d.between(90, 240))
        };
        let id = existing.next_event;
        existing.next_event += 1;
        let created = starts_at - Duration::days(d.between(1, 20));
        rows.events.push(event::ActiveModel {
            id: Set(id),
            name: Set(name.clone()),
            slug: Set(slug),
            summary: Set(Some(summary)),
            starts_at: Set(starts_at),
            ends_at: Set(Some(ends_at)),
            location: Set(Some(location)),
            created_at: Set(created),
            updated_at: Set(created),
            version: Set(1),
        });
        for (k, p) in people.iter().enumerate() {
            rows.event_people.push(event_person::ActiveModel {
                event_id: Set(id),
                person_id: Set(world.people[*p].id),
                role: Set((k == 0).then(|| "chủ trì".to_owned())),
            });
        }
        for o in &orgs {
            rows.event_organizations
                .push(event_organization::ActiveModel {
                    event_id: Set(id),
                    organization_id: Set(world.orgs[*o].id),
                });
        }
        by_theme[theme.index()].push(events.len());
        events.push(Event {
            id,
            name,
            starts_at,
            people,
            orgs,
            district,
            commune,
        });
    }
    world.events = events;
    world.events_by_theme = by_theme;
}
