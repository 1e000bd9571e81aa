//! The people: the newsroom's reporters, each on a beat, then the
//! officials (the head of every organization first, with their careers as
//! positions) and some citizens.
//!
//! The draws happen in a fixed order per person (sex, name, dates, then
//! the rest): keep it, or the archive of a seed changes.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use entity::{person, position};
use sea_orm::Set;

use api::platform::slug;

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

/// A person to add, with what the text says of them.
struct NewPerson {
    name: String,
    male: bool,
    official: bool,
    /// Their title, or what a citizen is.
    title: String,
    honorific: Option<&'static str>,
    bio: Option<String>,
    at: DateTime<Utc>,
}

/// Adds people and positions with unique slugs and explicit ids.
struct Staff<'a> {
    world: &'a mut World,
    rows: &'a mut Rows,
    existing: &'a mut Existing,
}

impl Staff<'_> {
    /// Adds a person; returns their index in the world.
    fn add_person(&mut self, p: NewPerson) -> usize {
        let existing = &mut *self.existing;
        let slug = slug::unique_slug(&slug::slugify(&p.name), |s| {
            existing.person_slugs.contains(s)
        });
        existing.person_slugs.insert(slug.clone());
        let id = existing.next_person;
        existing.next_person += 1;
        self.rows.people.push(person::ActiveModel {
            id: Set(id),
            full_name: Set(p.name.clone()),
            slug: Set(slug),
            honorific: Set(p.honorific.map(str::to_owned)),
            bio: Set(p.bio),
            created_at: Set(p.at),
            updated_at: Set(p.at),
            version: Set(1),
        });
        self.world.people.push(Person {
            id,
            name: p.name,
            male: p.male,
            official: p.official,
            title: p.title,
        });
        self.world.people.len() - 1
    }

    /// Adds a position of the person at `person` in the organization at
    /// `org`.
    fn add_position(
        &mut self,
        person: usize,
        org: usize,
        title: String,
        from: NaiveDate,
        to: Option<NaiveDate>,
    ) {
        let id = self.existing.next_position;
        self.existing.next_position += 1;
        self.rows.positions.push(position::ActiveModel {
            id: Set(id),
            person_id: Set(self.world.people[person].id),
            organization_id: Set(self.world.orgs[org].id),
            title: Set(title),
            start_date: Set(from),
            end_date: Set(to),
        });
    }
}

/// Adds the reporters, the officials and the citizens.
pub(super) fn people(
    d: &mut Dice,
    plan: &Plan,
    world: &mut World,
    rows: &mut Rows,
    existing: &mut Existing,
) {
    let mut staff = Staff {
        world,
        rows,
        existing,
    };
    for i in 0..plan.reporters {
        reporter(d, &mut staff, Theme::ALL[i % Theme::ALL.len()]);
    }
    // Officials (the heads of every organization first) and citizens.
    let others = plan.people.saturating_sub(plan.reporters).max(1);
    let org_count = staff.world.orgs.len();
    for j in 0..others {
        let leader = j < org_count && j * 10 < others * 9;
        let is_citizen = !leader && d.chance(0.15);
        let male = if is_citizen {
            d.chance(0.5)
        } else {
            d.chance(0.7)
        };
        let name = person_name(d, male);
        let created = staff.world.start - Duration::days(d.between(0, 365));
        if is_citizen {
            citizen(d, &mut staff, name, male, created);
        } else {
            let head = leader.then_some(j);
            official(d, &mut staff, head, name, male, created);
        }
    }
}

/// A reporter of the newsroom on the beat of `theme`, sometimes after a
/// spell as a contributor.
fn reporter(d: &mut Dice, staff: &mut Staff, theme: Theme) {
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
    let joined = staff.world.anchor - Duration::days(d.between(400, 15 * 365));
    let index = staff.add_person(NewPerson {
        name,
        male,
        official: false,
        title: title.clone(),
        honorific: None,
        bio: Some(bio),
        at: joined,
    });
    if d.chance(0.3) {
        let from = joined - Duration::days(d.between(200, 900));
        staff.add_position(
            index,
            NEWSROOM,
            format!("Cộng tác viên {desk}"),
            day(from),
            Some(day(joined - Duration::days(1))),
        );
    }
    staff.add_position(index, NEWSROOM, title, day(joined), None);
    staff.world.reporters.push(index);
    staff.world.reporters_by_theme[theme.index()].push(index);
}

/// A citizen of some commune.
fn citizen(d: &mut Dice, staff: &mut Staff, name: String, male: bool, created: DateTime<Utc>) {
    let world = &*staff.world;
    let commune = d.below(world.communes.len());
    let district = world.communes[commune].district;
    let template = d.pick(CITIZENS);
    let desc = template
        .replace("{commune}", &world.communes[commune].label)
        .replace("{district}", &world.districts[district].label);
    let mut bio = desc.clone();
    capitalize(&mut bio);
    bio.push('.');
    let index = staff.add_person(NewPerson {
        name,
        male,
        official: false,
        title: desc,
        honorific: None,
        bio: Some(bio),
        at: created,
    });
    staff.world.citizens.push(index);
}

/// The title of rank `rank` in the organization at `org`.
fn title_of(world: &World, org: usize, rank: usize) -> String {
    let org = &world.orgs[org];
    format!("{} {}", ranks(&org.name, org.kind)[rank], org.name)
}

/// An official: the head of the organization at `head`, or someone of a
/// lower rank somewhere; with the career before the latest position.
fn official(
    d: &mut Dice,
    staff: &mut Staff,
    head: Option<usize>,
    name: String,
    male: bool,
    created: DateTime<Utc>,
) {
    let world = &*staff.world;
    let anchor = world.anchor;
    let org_count = world.orgs.len();
    let (org, rank) = match head {
        Some(org) => (org, 0),
        None => {
            let org = d.skewed(org_count);
            let len = ranks(&world.orgs[org].name, world.orgs[org].kind).len();
            (org, 1 + d.below(len - 1))
        }
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
    let index = staff.add_person(NewPerson {
        name,
        male,
        official: true,
        title: display,
        honorific,
        bio,
        at: created,
    });
    for (o, r, from, to) in career.into_iter().rev() {
        let title = title_of(staff.world, o, r);
        staff.add_position(index, o, title, from, to);
    }
    staff.world.officials.push(index);
}
