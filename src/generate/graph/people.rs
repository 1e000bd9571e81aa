//! The people: the newsroom's reporters, each on a beat, then the
//! officials (the head of every organization first, with their careers as
//! positions) and some citizens.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use entity::{person, position};
use sea_orm::Set;

use api::slug;

use crate::generate::{
    clock::day,
    dice::Dice,
    names::person_name,
    plan::Plan,
    province::{NEWSROOM, is_government, ranks},
    rows::Rows,
    store::Existing,
    text::capitalize,
    themes::Theme,
    words::{DESKS, FEMALE_GIVEN, FEMALE_MIDDLE, MALE_GIVEN, MALE_MIDDLE},
    world::{Person, World},
};

const CITIZENS: &[&str] = &[
    "người dân {commune}, {district}",
    "nông dân {commune}, {district}",
    "chủ trang trại ở {commune}, {district}",
    "giáo viên về hưu ở {commune}",
    "tiểu thương ở {commune}",
    "cựu chiến binh {commune}, {district}",
    "trưởng thôn ở {commune}, {district}",
    "chủ hộ kinh doanh ở {district}",
    "công nhân một doanh nghiệp ở {district}",
    "hội viên Hội Nông dân {commune}",
];

/// Adds the reporters, the officials and the citizens.
pub(super) fn people(
    d: &mut Dice,
    plan: &Plan,
    world: &mut World,
    rows: &mut Rows,
    existing: &mut Existing,
) {
    let anchor = world.anchor;
    let add_person = |world: &mut World,
                      rows: &mut Rows,
                      existing: &mut Existing,
                      name: String,
                      male: bool,
                      official: bool,
                      title: String,
                      honorific: Option<&str>,
                      bio: Option<String>,
                      at: DateTime<Utc>| {
        let slug = slug::unique_slug(&slug::slugify(&name), |s| existing.person_slugs.contains(s));
        existing.person_slugs.insert(slug.clone());
        let id = existing.next_person;
        existing.next_person += 1;
        rows.people.push(person::ActiveModel {
            id: Set(id),
            full_name: Set(name.clone()),
            slug: Set(slug),
            honorific: Set(honorific.map(str::to_owned)),
            bio: Set(bio),
            created_at: Set(at),
            updated_at: Set(at),
            version: Set(1),
        });
        world.people.push(Person {
            id,
            name,
            male,
            official,
            title,
        });
        world.people.len() - 1
    };
    let add_position = |rows: &mut Rows,
                        existing: &mut Existing,
                        person_id: i64,
                        org_id: i64,
                        title: String,
                        from: NaiveDate,
                        to: Option<NaiveDate>| {
        let id = existing.next_position;
        existing.next_position += 1;
        rows.positions.push(position::ActiveModel {
            id: Set(id),
            person_id: Set(person_id),
            organization_id: Set(org_id),
            title: Set(title),
            start_date: Set(from),
            end_date: Set(to),
        });
    };

    // The newsroom's reporters, each on a beat.
    for i in 0..plan.reporters {
        let theme = Theme::ALL[i % Theme::ALL.len()];
        let male = d.chance(0.55);
        let name = if d.chance(0.5) {
            // A pen name: "Thanh Thúy", "Quang Đạt".
            let (middles, givens) = if male {
                (&MALE_MIDDLE[3..], MALE_GIVEN)
            } else {
                (&FEMALE_MIDDLE[3..], FEMALE_GIVEN)
            };
            format!("{} {}", d.pick(middles), d.pick(givens))
        } else {
            person_name(d, male)
        };
        let desk = match theme {
            Theme::Politics | Theme::Defense => DESKS[0],
            Theme::Economy | Theme::Agriculture | Theme::Business => DESKS[1],
            Theme::Society | Theme::Education | Theme::Health | Theme::Culture => DESKS[2],
            Theme::Law => DESKS[3],
            Theme::Sports => DESKS[4],
        };
        let title = if d.chance(0.08) {
            "Phóng viên ảnh".to_owned()
        } else {
            format!("Phóng viên {desk}")
        };
        let bio = format!("Phóng viên theo dõi mảng {}.", theme.words().beat);
        let joined = anchor - Duration::days(d.between(400, 15 * 365));
        let index = add_person(
            world,
            rows,
            existing,
            name,
            male,
            false,
            title.clone(),
            None,
            Some(bio),
            joined,
        );
        let person_id = world.people[index].id;
        let newsroom_id = world.orgs[NEWSROOM].id;
        if d.chance(0.3) {
            let from = joined - Duration::days(d.between(200, 900));
            add_position(
                rows,
                existing,
                person_id,
                newsroom_id,
                format!("Cộng tác viên {desk}"),
                day(from),
                Some(day(joined - Duration::days(1))),
            );
        }
        add_position(
            rows,
            existing,
            person_id,
            newsroom_id,
            title,
            day(joined),
            None,
        );
        world.reporters.push(index);
        world.reporters_by_theme[theme.index()].push(index);
    }

    // Officials (the heads of every organization first) and citizens.
    let others = plan.people.saturating_sub(plan.reporters).max(1);
    let org_count = world.orgs.len();
    for j in 0..others {
        let leader = j < org_count && j * 10 < others * 9;
        let citizen = !leader && d.chance(0.15);
        let male = if citizen {
            d.chance(0.5)
        } else {
            d.chance(0.7)
        };
        let name = person_name(d, male);
        let created = world.start - Duration::days(d.between(0, 365));
        if citizen {
            let commune = d.below(world.communes.len());
            let district = world.communes[commune].district;
            let template = d.pick(CITIZENS);
            let desc = template
                .replace("{commune}", &world.communes[commune].label)
                .replace("{district}", &world.districts[district].label);
            let mut bio = desc.clone();
            capitalize(&mut bio);
            bio.push('.');
            let index = add_person(
                world,
                rows,
                existing,
                name,
                male,
                false,
                desc,
                None,
                Some(bio),
                created,
            );
            world.citizens.push(index);
            continue;
        }
        let (org, rank) = if leader {
            (j, 0)
        } else {
            let org = d.skewed(org_count);
            let len = ranks(&world.orgs[org].name, world.orgs[org].kind).len();
            (org, 1 + d.below(len - 1))
        };
        // The latest position first, then the career before it.
        let mut career: Vec<(usize, usize, NaiveDate, Option<NaiveDate>)> = Vec::new();
        let last_start = anchor - Duration::days(d.between(30, 9 * 365));
        let last_end = if d.chance(0.2) {
            let end = last_start + Duration::days(d.between(180, 6 * 365));
            (end < anchor - Duration::days(1)).then(|| day(end))
        } else {
            None
        };
        career.push((org, rank, day(last_start), last_end));
        let mut before = last_start - Duration::days(1);
        for _ in 0..d.weighted(&[50, 35, 15]) {
            let start = before - Duration::days(d.between(365, 6 * 365));
            let (o, r) = if d.chance(0.5) {
                let len = ranks(&world.orgs[org].name, world.orgs[org].kind).len();
                (org, (rank + 1 + d.below(2)).min(len - 1))
            } else {
                let o = d.skewed(org_count);
                let len = ranks(&world.orgs[o].name, world.orgs[o].kind).len();
                (o, 1 + d.below(len - 1))
            };
            career.push((o, r, day(start), Some(day(before))));
            before = start - Duration::days(1);
        }
        let title_of = |world: &World, o: usize, r: usize| {
            let org = &world.orgs[o];
            format!("{} {}", ranks(&org.name, org.kind)[r], org.name)
        };
        let latest = title_of(world, org, rank);
        let display = if last_end.is_some() {
            format!("nguyên {latest}")
        } else {
            latest
        };
        let kind = world.orgs[org].kind;
        let honorific = is_government(kind).then_some("Đồng chí");
        let bio = d.chance(0.4).then(|| {
            let commune = d.below(world.communes.len());
            let district = world.communes[commune].district;
            let mut bio = format!(
                "{display}. Sinh năm {}, quê {}, {}.",
                d.between(1962, 1992),
                world.communes[commune].label,
                world.districts[district].label
            );
            capitalize(&mut bio);
            bio
        });
        let index = add_person(
            world, rows, existing, name, male, true, display, honorific, bio, created,
        );
        let person_id = world.people[index].id;
        for (o, r, from, to) in career.into_iter().rev() {
            let title = title_of(world, o, r);
            let org_id = world.orgs[o].id;
            add_position(rows, existing, person_id, org_id, title, from, to);
        }
        world.officials.push(index);
    }
}
