//! Vietnamese news text from templates: `{slot}`s are filled from the
//! article's own organizations, people and places (so a story keeps talking
//! about the same commune and the same officials), from the theme's words
//! and from plausible figures.

use std::fmt::Write as _;

use chrono::{DateTime, Datelike, Duration, Timelike, Utc};

use super::{
    clock::ZONE_SECS,
    dice::Dice,
    names::person_name,
    themes::{
        CRIMES, DISEASES, FESTIVALS, GENERIC_TOPICS, MODELS, PRODUCTS, PROJECTS, SPORTS, Theme,
    },
    words::{
        CAPTIONS, CLAUSES, COMPLEMENTS, GATHERINGS, HEADINGS, LIST_VERBS, OPENERS, QUOTE_FRAMES,
        QUOTES, SPEECH, SUBJECTS, part_of_day,
    },
    world::World,
};
use api::domain::body::Block;

/// Upper-cases the first letter (after any opening quote or bracket).
pub fn capitalize(text: &mut String) {
    if let Some((i, c)) = text.char_indices().find(|(_, c)| c.is_alphanumeric())
        && c.is_lowercase()
    {
        let upper: String = c.to_uppercase().collect();
        text.replace_range(i..i + c.len_utf8(), &upper);
    }
}

/// Writes the text of one article (or one event) about `orgs`, `people`
/// and one place.
pub struct Writer<'w> {
    world: &'w World,
    pub theme: Theme,
    year: i32,
    orgs: Vec<usize>,
    people: Vec<usize>,
    district: usize,
    commune: usize,
    turn: usize,
    current: Option<usize>,
    event: Option<&'w str>,
}

impl<'w> Writer<'w> {
    pub fn new(
        world: &'w World,
        theme: Theme,
        year: i32,
        orgs: Vec<usize>,
        people: Vec<usize>,
    ) -> Self {
        Self {
            world,
            theme,
            year,
            orgs,
            people,
            district: 0,
            commune: 0,
            turn: 0,
            current: None,
            event: None,
        }
    }

    /// The event the story covers, named in the text.
    pub fn about(&mut self, event: &'w str) {
        self.event = Some(event);
    }

    /// Where the story happens: a district and one of its communes.
    pub fn place(&mut self, district: usize, commune: usize) {
        self.district = district;
        self.commune = commune;
    }

    /// A template expanded, first letter upper-cased.
    pub fn line(&mut self, d: &mut Dice, template: &str) -> String {
        let mut out = String::with_capacity(template.len() + 64);
        self.expand(d, template, &mut out, 0);
        capitalize(&mut out);
        out
    }

    /// One template of `list`, expanded, first letter upper-cased.
    pub fn line_from(&mut self, d: &mut Dice, list: &[&str]) -> String {
        let template = *d.pick(list);
        self.line(d, template)
    }

    fn expand_from(&mut self, d: &mut Dice, list: &[&str], out: &mut String) {
        let template = *d.pick(list);
        self.expand(d, template, out, 0);
    }

    fn expand(&mut self, d: &mut Dice, template: &str, out: &mut String, depth: u8) {
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else {
                out.push_str(&rest[open..]);
                return;
            };
            self.slot(d, &after[..close], out, depth);
            rest = &after[close + 1..];
        }
        out.push_str(rest);
    }

    fn nested(&mut self, d: &mut Dice, list: &[&str], out: &mut String, depth: u8) {
        let template = *d.pick(list);
        if depth < 4 {
            self.expand(d, template, out, depth + 1);
        } else {
            // Deep enough: keep the words, drop the slots.
            out.push_str(template.split('{').next().unwrap_or_default().trim_end());
        }
    }

    fn org(&self, d: &mut Dice, i: usize) -> &'w str {
        let world = self.world;
        let index = match self.orgs.get(i) {
            Some(o) => *o,
            None => world.some_org(d),
        };
        world
            .orgs
            .get(index)
            .map_or("UBND tỉnh", |o| o.name.as_str())
    }

    /// The first of the story's organizations of `kind`, or any of them.
    fn org_of(&self, d: &mut Dice, list: &[usize], kind: &str) -> Option<&'w str> {
        let world = self.world;
        let own = self
            .orgs
            .iter()
            .find(|o| world.orgs.get(**o).is_some_and(|org| org.kind == kind));
        let index = match own {
            Some(o) => *o,
            None if list.is_empty() => return None,
            None => *d.pick(list),
        };
        world.orgs.get(index).map(|o| o.name.as_str())
    }

    /// The next person to speak: the story's people in turn.
    fn speaker(&mut self, d: &mut Dice) -> Option<usize> {
        let p = if self.people.is_empty() {
            let officials = &self.world.officials;
            if officials.is_empty() {
                return None;
            }
            officials[d.skewed(officials.len())]
        } else {
            let p = self.people[self.turn % self.people.len()];
            self.turn += 1;
            p
        };
        self.current = Some(p);
        Some(p)
    }

    /// The next official of the story (for captions "Đồng chí X - Y").
    fn official(&mut self, d: &mut Dice) -> Option<usize> {
        let world = self.world;
        let n = self.people.len();
        for k in 0..n {
            let p = self.people[(self.turn + k) % n];
            if world.people[p].official {
                self.turn += k + 1;
                self.current = Some(p);
                return Some(p);
            }
        }
        if world.officials.is_empty() {
            return None;
        }
        let p = world.officials[d.skewed(world.officials.len())];
        self.current = Some(p);
        Some(p)
    }

    fn who(&self, p: usize, long: bool, out: &mut String) {
        let person = &self.world.people[p];
        match (person.official, long) {
            (true, true) => {
                let _ = write!(out, "đồng chí {}, {}", person.name, person.title);
            }
            (true, false) => {
                let _ = write!(out, "{} {}", person.title, person.name);
            }
            (false, long) => {
                out.push_str(if person.male { "ông " } else { "bà " });
                out.push_str(&person.name);
                if long {
                    out.push_str(", ");
                    out.push_str(&person.title);
                }
            }
        }
    }

    fn slot(&mut self, d: &mut Dice, name: &str, out: &mut String, depth: u8) {
        let world = self.world;
        match name {
            "org" => out.push_str(self.org(d, 0)),
            "org2" => out.push_str(self.org(d, 1)),
            "topic" => out.push_str(d.word(self.theme.words().topics)),
            "gtopic" => out.push_str(d.word(GENERIC_TOPICS)),
            "year" => push_int(out, i64::from(self.year)),
            "year0" => push_int(out, i64::from(self.year - 1)),
            "year1" => push_int(out, i64::from(self.year + 1)),
            "term" => out.push_str(if self.year >= 2025 {
                "2025-2030"
            } else {
                "2020-2025"
            }),
            "term0" => out.push_str(if self.year >= 2021 {
                "2021-2025"
            } else {
                "2016-2020"
            }),
            "course" => out.push_str(match self.year {
                ..2021 => "XVII",
                2021..2026 => "XVIII",
                _ => "XIX",
            }),
            "quarter" => out.push_str(d.word(&["I", "II", "III", "IV"])),
            "month" => push_int(out, d.between(1, 12)),
            "n" => push_int(out, d.between(2, 12)),
            "nn" => push_int(out, d.between(12, 480)),
            "nnn" => push_thousands(out, d.between(1_200, 48_000)),
            "bn" => {
                if d.chance(0.6) {
                    let _ = write!(out, "{},{}", d.between(1, 99), d.between(1, 9));
                } else {
                    push_thousands(out, d.between(100, 4_800));
                }
            }
            "p" => {
                let whole = d.between(5, 98);
                match d.between(0, 9) {
                    0 => push_int(out, whole),
                    tenth => {
                        let _ = write!(out, "{whole},{tenth}");
                    }
                }
            }
            "district" => out.push_str(&world.districts[self.district].label),
            "commune" => out.push_str(&world.communes[self.commune].label),
            "place" => out.push_str(if d.chance(0.5) {
                &world.communes[self.commune].name
            } else {
                &world.districts[self.district].name
            }),
            "pname" => match self.official(d) {
                Some(p) => out.push_str(&world.people[p].name),
                None => out.push_str("lãnh đạo tỉnh"),
            },
            "ptitle" => match self.current.or_else(|| self.official(d)) {
                Some(p) => out.push_str(&world.people[p].title),
                None => out.push_str("lãnh đạo tỉnh"),
            },
            "leader" => match self.official(d) {
                Some(p) => self.who(p, true, out),
                None => out.push_str("đại diện lãnh đạo tỉnh"),
            },
            "someone" => {
                let male = d.chance(0.8);
                out.push_str(&person_name(d, male));
            }
            "g" => {
                let _ = write!(out, "{},{}", d.between(1, 14), d.between(1, 9));
            }
            "hp" => {
                let _ = write!(out, "{},{}", d.between(90, 99), d.between(1, 9));
            }
            "who" | "who_short" => match self.speaker(d) {
                Some(p) => self.who(p, name == "who", out),
                None => out.push_str("đại diện lãnh đạo tỉnh"),
            },
            "subject" => self.nested(d, SUBJECTS, out, depth),
            "clause" => self.nested(d, CLAUSES, out, depth),
            "quote" => self.nested(d, QUOTES, out, depth),
            "project" => self.nested(d, PROJECTS, out, depth),
            "festival" => self.nested(d, FESTIVALS, out, depth),
            "gathering" => out.push_str(d.word(GATHERINGS)),
            "event" => match self.event {
                Some(name) => out.push_str(name),
                None => out.push_str(d.word(GATHERINGS)),
            },
            "model" => out.push_str(d.word(MODELS)),
            "product" => out.push_str(d.word(PRODUCTS)),
            "sport" => out.push_str(d.word(SPORTS)),
            "crime" => out.push_str(d.word(CRIMES)),
            "disease" => out.push_str(d.word(DISEASES)),
            "school" => match self.org_of(d, &world.schools, "SCHOOL") {
                Some(name) => out.push_str(name),
                None => {
                    let _ = write!(out, "Trường THPT {}", world.communes[self.commune].name);
                }
            },
            "hospital" => match self.org_of(d, &world.hospitals, "HOSPITAL") {
                Some(name) => out.push_str(name),
                None => out.push_str("Bệnh viện Đa khoa tỉnh"),
            },
            "company" => match self.org_of(d, &world.companies, "COMPANY") {
                Some(name) => out.push_str(name),
                None => {
                    let _ = write!(
                        out,
                        "Công ty Cổ phần {}",
                        world.districts[self.district].name
                    );
                }
            },
            _ => {}
        }
    }

    /// A headline.
    pub fn title(&mut self, d: &mut Dice) -> String {
        let template = *d.pick(self.theme.words().titles);
        self.line(d, template)
    }

    /// The sapo: "Sáng 12/3, … ." dated by `when` in the newsroom's zone.
    pub fn lead(&mut self, d: &mut Dice, when: DateTime<Utc>) -> String {
        let local = when + Duration::seconds(ZONE_SECS);
        let mut out = format!(
            "{} {}/{}, ",
            part_of_day(local.hour()),
            local.day(),
            local.month()
        );
        let template = *d.pick(self.theme.words().leads);
        self.expand(d, template, &mut out, 0);
        out.push('.');
        if d.chance(0.6) {
            out.push_str(" Tham dự có ");
            self.slot(d, "leader", &mut out, 0);
            out.push('.');
        }
        out
    }

    /// One sentence of the body.
    pub fn sentence(&mut self, d: &mut Dice) -> String {
        let mut out = String::with_capacity(220);
        match d.weighted(&[30, 18, 18, 12, 12, 10]) {
            0 => {
                self.expand_from(d, OPENERS, &mut out);
                self.expand(d, "{clause}", &mut out, 0);
            }
            1 => {
                self.expand(d, "{clause}, ", &mut out, 0);
                out.push_str(d.word(COMPLEMENTS));
            }
            2 => {
                if d.chance(0.5) {
                    self.expand_from(d, OPENERS, &mut out);
                }
                self.expand_from(d, self.theme.words().facts, &mut out);
            }
            3 => {
                self.expand(d, "phát biểu tại {event}, {leader} ", &mut out, 0);
                self.expand_from(d, SPEECH, &mut out);
            }
            4 => {
                self.expand(d, "{leader} ", &mut out, 0);
                self.expand_from(d, SPEECH, &mut out);
            }
            _ => {
                let frame = *d.pick(QUOTE_FRAMES);
                let (before, after) = frame.split_once("{quote}").unwrap_or((frame, ""));
                self.expand(d, before, &mut out, 0);
                let quote = self.line_from(d, QUOTES);
                out.push_str(&quote);
                self.expand(d, after, &mut out, 0);
                capitalize(&mut out);
                return out;
            }
        }
        capitalize(&mut out);
        out.push('.');
        out
    }

    /// A paragraph of two to four sentences.
    pub fn paragraph(&mut self, d: &mut Dice) -> String {
        let count = 2 + d.weighted(&[30, 45, 25]);
        let mut out = String::with_capacity(count * 220);
        for i in 0..count {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(&self.sentence(d));
        }
        out
    }

    pub fn heading(&mut self, d: &mut Dice) -> Block {
        let text = if d.chance(0.5) {
            (*d.pick(self.theme.words().headings)).to_owned()
        } else {
            (*d.pick(HEADINGS)).to_owned()
        };
        Block::Heading { level: 2, text }
    }

    pub fn quote(&mut self, d: &mut Dice) -> Block {
        let mut text = self.line_from(d, QUOTES);
        text.push('.');
        let attribution = self.speaker(d).map(|p| {
            let person = &self.world.people[p];
            format!("{}, {}", person.name, person.title)
        });
        Block::Quote { text, attribution }
    }

    pub fn list(&mut self, d: &mut Dice) -> Block {
        let count = d.between(3, 5) as usize;
        let mut items: Vec<String> = Vec::with_capacity(count);
        for _ in 0..count * 2 {
            if items.len() == count {
                break;
            }
            let mut item = String::from(*d.pick(LIST_VERBS));
            item.push(' ');
            item.push_str(d.word(self.theme.words().topics));
            item.push('.');
            if !items.contains(&item) {
                items.push(item);
            }
        }
        Block::List {
            ordered: false,
            items,
        }
    }

    /// A photo caption.
    pub fn caption(&mut self, d: &mut Dice) -> String {
        let template = if d.chance(0.5) {
            *d.pick(self.theme.words().captions)
        } else {
            *d.pick(CAPTIONS)
        };
        self.line(d, template)
    }
}

fn push_int(out: &mut String, n: i64) {
    let _ = write!(out, "{n}");
}

/// 12500 → "12.500", the Vietnamese way.
fn push_thousands(out: &mut String, n: i64) {
    let digits = n.to_string();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capitalizes_vietnamese_letters_after_quotes() {
        let mut s = "đồng chí".to_owned();
        capitalize(&mut s);
        assert_eq!(s, "Đồng chí");
        let mut s = "“ưu tiên”".to_owned();
        capitalize(&mut s);
        assert_eq!(s, "“Ưu tiên”");
    }

    #[test]
    fn thousands_use_dots() {
        let mut s = String::new();
        push_thousands(&mut s, 12_500);
        s.push(' ');
        push_thousands(&mut s, 999);
        s.push(' ');
        push_thousands(&mut s, 1_234_567);
        assert_eq!(s, "12.500 999 1.234.567");
    }
}
