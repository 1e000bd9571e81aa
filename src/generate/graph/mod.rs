//! The news graph the articles link to, built in memory with known ids:
//! a province's geography, its organizations in a 2–3 level hierarchy, the
//! people with their positions over time, the reporters, the events with
//! their participants, and the tags.
//!
//! Built in a fixed order, each step drawing from the one seeded
//! generator: [`geography`], [`organizations`], [`people`], [`events`],
//! [`tags`]. Keep that order (and the draws within each step): the
//! archive of a seed must not change.

mod events;
mod geography;
mod organizations;
mod people;
mod tags;

use chrono::{DateTime, Duration, Utc};

use super::{
    dice::Dice,
    plan::Plan,
    province::HOSTS,
    rows::Rows,
    store::Existing,
    themes::Theme,
    world::{SectionRef, World},
};

/// Builds the graph and the rows to insert.
pub fn build(
    d: &mut Dice,
    plan: &Plan,
    sections: Vec<SectionRef>,
    existing: &mut Existing,
    anchor: DateTime<Utc>,
) -> (World, Rows) {
    let mut world = World {
        anchor,
        start: anchor - Duration::days(3652),
        sections,
        districts: Vec::new(),
        communes: Vec::new(),
        orgs: Vec::new(),
        schools: Vec::new(),
        hospitals: Vec::new(),
        companies: Vec::new(),
        hosts: HOSTS,
        people: Vec::new(),
        officials: Vec::new(),
        citizens: Vec::new(),
        reporters: Vec::new(),
        reporters_by_theme: vec![Vec::new(); Theme::ALL.len()],
        events: Vec::new(),
        events_by_theme: vec![Vec::new(); Theme::ALL.len()],
        tags: Vec::new(),
        tags_by_theme: vec![Vec::new(); Theme::ALL.len()],
        general_tags: Vec::new(),
    };
    let mut rows = Rows::default();
    geography::geography(d, plan, &mut world);
    organizations::organizations(d, plan, &mut world, &mut rows, existing);
    people::people(d, plan, &mut world, &mut rows, existing);
    events::events(d, plan, &mut world, &mut rows, existing);
    tags::tags(plan, &mut world, &mut rows, existing);
    (world, rows)
}
