//! The news graph in memory, with the ids its rows get: what the article
//! generator and the text writer refer to. Plain data that every step of
//! the generator imports (it imports none of them), built by
//! [`graph`](super::graph).

use chrono::{DateTime, Utc};

use super::{dice::Dice, province::NEWSROOM, themes::Theme};

/// A section of the demo, as stored.
pub struct SectionRef {
    pub id: i64,
    pub theme: Theme,
    pub weight: u32,
}

pub struct District {
    pub name: String,
    /// "huyện Tân Lập".
    pub label: String,
    pub communes: Vec<usize>,
    /// The people's committee, once created.
    pub committee: Option<usize>,
}

pub struct Commune {
    pub name: String,
    /// "xã Phú Hòa".
    pub label: String,
    pub district: usize,
}

pub struct Org {
    pub id: i64,
    pub name: String,
    pub kind: &'static str,
}

pub struct Person {
    pub id: i64,
    pub name: String,
    pub male: bool,
    /// Holds (or held) a position: named with it in the text.
    pub official: bool,
    /// "Giám đốc Sở Y tế", or what a citizen is ("nông dân xã …").
    pub title: String,
}

pub struct Event {
    pub id: i64,
    pub name: String,
    pub starts_at: DateTime<Utc>,
    pub people: Vec<usize>,
    pub orgs: Vec<usize>,
    pub district: usize,
    pub commune: usize,
}

pub struct Tag {
    pub id: i64,
}

/// Everything the articles can refer to.
pub struct World {
    /// The generator's "now": nothing is published after it but scheduled
    /// articles.
    pub anchor: DateTime<Utc>,
    /// Ten years before the anchor.
    pub start: DateTime<Utc>,
    pub sections: Vec<SectionRef>,
    pub districts: Vec<District>,
    pub communes: Vec<Commune>,
    pub orgs: Vec<Org>,
    pub schools: Vec<usize>,
    pub hospitals: Vec<usize>,
    pub companies: Vec<usize>,
    /// The organization that hosts most events of a theme.
    pub hosts: [usize; 11],
    pub people: Vec<Person>,
    /// Officials, the most prominent first.
    pub officials: Vec<usize>,
    pub citizens: Vec<usize>,
    pub reporters: Vec<usize>,
    pub reporters_by_theme: Vec<Vec<usize>>,
    pub events: Vec<Event>,
    /// Event indexes per theme, in time order.
    pub events_by_theme: Vec<Vec<usize>>,
    pub tags: Vec<Tag>,
    pub tags_by_theme: Vec<Vec<usize>>,
    /// Tags of no theme (places, years).
    pub general_tags: Vec<usize>,
}

impl World {
    /// An organization to write about (never the newsroom itself), the
    /// most prominent ones more often.
    pub fn some_org(&self, d: &mut Dice) -> usize {
        loop {
            let o = d.skewed(self.orgs.len());
            if o != NEWSROOM || self.orgs.len() < 2 {
                return o;
            }
        }
    }
}
