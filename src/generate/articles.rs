//! The articles, in batches: each with its section, byline, subjects,
//! organizations, events, tags, lead photo and body photos (media rows,
//! `article_images` rows and image blocks), generated in publication order
//! so ids grow with time, as in a real archive.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Datelike, Duration, Utc};
use entity::{
    article::{self, ArticleStatus},
    article_event, article_image, article_organization, article_person,
    article_person::PersonRole,
    article_tag, media,
};
use sea_orm::Set;

use super::{
    clock::{ZONE_SECS, working_times},
    dice::Dice,
    rows::Batch,
    store::Existing,
    text::Writer,
    themes::Theme,
    world::World,
};
use api::{domain::body, domain::body::Block, platform::slug};

/// How many articles of each status were generated.
#[derive(Default, Debug)]
pub struct Statuses {
    pub published: usize,
    pub draft: usize,
    pub scheduled: usize,
    pub unpublished: usize,
}

/// Generates the articles of the archive.
pub struct Generator {
    world: World,
    dice: Dice,
    total: usize,
    times: Vec<DateTime<Utc>>,
    weights: Vec<u32>,
    next_media: i64,
    next_article: i64,
    slugs: HashSet<String>,
    suffixes: HashMap<String, u32>,
    pattern: [ArticleStatus; 100],
    statuses: Statuses,
}

const DIMENSIONS: &[(i32, i32)] = &[
    (1200, 800),
    (1200, 900),
    (1024, 683),
    (1600, 1067),
    (800, 1200),
];

impl Generator {
    pub fn new(world: World, mut dice: Dice, existing: &mut Existing, total: usize) -> Self {
        let times = working_times(&mut dice, total, world.start, 3652, (6, 22));
        let weights = world.sections.iter().map(|s| s.weight.max(1)).collect();
        Self {
            world,
            dice,
            total,
            times,
            weights,
            next_media: existing.next_media,
            next_article: existing.next_article,
            slugs: std::mem::take(&mut existing.article_slugs),
            suffixes: HashMap::new(),
            pattern: [ArticleStatus::Published; 100],
            statuses: Statuses::default(),
        }
    }

    /// Generates every article, `per_batch` at a time, handing each batch
    /// to `send`; stops early when `send` returns false.
    pub fn run(mut self, per_batch: usize, mut send: impl FnMut(Batch) -> bool) -> Statuses {
        let mut batch = Batch::default();
        let mut in_batch = 0;
        for i in 0..self.total {
            if i % 100 == 0 {
                self.shuffle_statuses();
            }
            let status = self.pattern[i % 100];
            self.article(i, status, &mut batch);
            in_batch += 1;
            if in_batch == per_batch {
                if !send(std::mem::take(&mut batch)) {
                    return self.statuses;
                }
                in_batch = 0;
            }
        }
        if in_batch > 0 {
            send(batch);
        }
        self.statuses
    }

    /// In every hundred articles: two drafts, one scheduled, one
    /// unpublished, the rest published.
    fn shuffle_statuses(&mut self) {
        self.pattern = [ArticleStatus::Published; 100];
        for status in [
            ArticleStatus::Draft,
            ArticleStatus::Draft,
            ArticleStatus::Scheduled,
            ArticleStatus::Unpublished,
        ] {
            loop {
                let k = self.dice.below(100);
                if self.pattern[k] == ArticleStatus::Published {
                    self.pattern[k] = status;
                    break;
                }
            }
        }
    }

    fn unique_slug(&mut self, title: &str) -> String {
        let base = slug::slugify(title);
        let base = if base.is_empty() {
            "bai-viet".to_owned()
        } else {
            base
        };
        if self.slugs.insert(base.clone()) {
            return base;
        }
        let n = self.suffixes.entry(base.clone()).or_insert(1);
        loop {
            *n += 1;
            let candidate = format!("{base}-{n}");
            if self.slugs.insert(candidate.clone()) {
                return candidate;
            }
        }
    }

    /// Events of `theme` that happened shortly before `at`, the latest first.
    fn events_near(&mut self, theme: Theme, at: DateTime<Utc>, count: usize) -> Vec<usize> {
        let world = &self.world;
        let mut picked = Vec::new();
        if count == 0 || world.events.is_empty() {
            return picked;
        }
        let list = &world.events_by_theme[theme.index()];
        let window = Duration::days((3652 * 3 / list.len().max(1) as i64).max(20));
        let end = list.partition_point(|e| world.events[*e].starts_at <= at);
        let recent: Vec<usize> = list[..end]
            .iter()
            .rev()
            .take(6)
            .copied()
            .filter(|e| at - world.events[*e].starts_at <= window * 3)
            .collect();
        if let Some(first) = recent.first()
            && at - world.events[*first].starts_at <= window
        {
            picked.push(*first);
        }
        if picked.is_empty() {
            // Whatever happened last in the province, of any theme.
            let end = world.events.partition_point(|e| e.starts_at <= at);
            if end > 0 && at - world.events[end - 1].starts_at <= Duration::days(10) {
                picked.push(end - 1);
            }
        }
        while picked.len() < count && recent.len() > picked.len() {
            let e = recent[self.dice.below(recent.len())];
            if picked.contains(&e) {
                if recent.iter().all(|r| picked.contains(r)) {
                    break;
                }
                continue;
            }
            picked.push(e);
        }
        picked
    }

    fn article(&mut self, i: usize, status: ArticleStatus, batch: &mut Batch) {
        let d = &mut self.dice;
        let section = &self.world.sections[d.weighted(&self.weights)];
        let (section_id, theme) = (section.id, section.theme);
        let slot = self.times[i];
        let anchor = self.world.anchor;

        let event_count = d.weighted(&[10, 40, 40, 10]);
        let events = self.events_near(theme, slot, event_count);
        let world = &self.world;
        let d = &mut self.dice;

        // Where the story happens.
        let (district, commune) = match events.first() {
            Some(e) => (world.events[*e].district, world.events[*e].commune),
            None => {
                let c = d.below(world.communes.len());
                (world.communes[c].district, c)
            }
        };
        let story_at = events
            .first()
            .map_or(slot, |e| world.events[*e].starts_at.min(slot));

        // Byline.
        let pool = if world.reporters_by_theme[theme.index()].is_empty() {
            &world.reporters
        } else {
            &world.reporters_by_theme[theme.index()]
        };
        let mut authors: Vec<usize> = Vec::new();
        for _ in 0..1 + d.weighted(&[65, 35]) {
            if pool.is_empty() {
                break;
            }
            let p = *d.pick(pool);
            if !authors.contains(&p) {
                authors.push(p);
            }
        }

        // Subjects: the events' participants first, then officials and
        // citizens of the province.
        let mut subjects: Vec<(usize, PersonRole)> = Vec::new();
        let want = d.weighted(&[5, 15, 25, 25, 15, 10, 5]);
        let participants: Vec<usize> = events
            .iter()
            .flat_map(|e| world.events[*e].people.iter().copied())
            .collect();
        for _ in 0..want * 2 {
            if subjects.len() == want {
                break;
            }
            let (p, citizen) = if !participants.is_empty() && d.chance(0.5) {
                let p = *d.pick(&participants);
                (p, !world.people[p].official)
            } else if !world.citizens.is_empty() && d.chance(0.3) {
                (*d.pick(&world.citizens), true)
            } else if !world.officials.is_empty() {
                (world.officials[d.skewed(world.officials.len())], false)
            } else {
                continue;
            };
            if subjects.iter().any(|(q, _)| *q == p) || authors.contains(&p) {
                continue;
            }
            let role = if d.chance(if citizen { 0.6 } else { 0.3 }) {
                PersonRole::Quoted
            } else {
                PersonRole::Mentioned
            };
            subjects.push((p, role));
        }

        // Organizations.
        let want = 1 + d.weighted(&[35, 40, 25]);
        let event_orgs: Vec<usize> = events
            .iter()
            .flat_map(|e| world.events[*e].orgs.iter().copied())
            .collect();
        let kind_pool: &[usize] = match theme {
            Theme::Education => &world.schools,
            Theme::Health => &world.hospitals,
            Theme::Business => &world.companies,
            _ => &[],
        };
        // The main organization first: the one hosting the event, or the
        // school, hospital or company of the story, or the theme's host.
        let main = match event_orgs.first() {
            Some(o) => *o,
            None if !kind_pool.is_empty() && d.chance(0.7) => *d.pick(kind_pool),
            None => world.hosts[theme.index()],
        };
        let mut orgs: Vec<usize> = vec![main];
        for _ in 0..want * 3 {
            if orgs.len() >= want {
                break;
            }
            let o = match d.below(10) {
                0..=3 if !event_orgs.is_empty() => *d.pick(&event_orgs),
                4 => world.hosts[theme.index()],
                5 | 6 if !kind_pool.is_empty() => *d.pick(kind_pool),
                7 => match world.districts[district].committee {
                    Some(c) => c,
                    None => world.some_org(d),
                },
                _ => world.some_org(d),
            };
            if !orgs.contains(&o) {
                orgs.push(o);
            }
        }

        // Tags.
        let want = 1 + d.weighted(&[30, 45, 25]);
        let themed = &world.tags_by_theme[theme.index()];
        let mut tags: Vec<usize> = Vec::new();
        for k in 0..want * 3 {
            if tags.len() == want {
                break;
            }
            let list = if (k == 0 || d.chance(0.6)) && !themed.is_empty() {
                themed
            } else if !world.general_tags.is_empty() {
                &world.general_tags
            } else {
                themed
            };
            if list.is_empty() {
                break;
            }
            let t = *d.pick(list);
            if !tags.contains(&t) {
                tags.push(t);
            }
        }

        // The text.
        let year = (story_at + Duration::seconds(ZONE_SECS)).year();
        let mut writer = Writer::new(
            world,
            theme,
            year,
            orgs.clone(),
            subjects.iter().map(|(p, _)| *p).collect(),
        );
        writer.place(district, commune);
        if let Some(e) = events.first() {
            writer.about(&world.events[*e].name);
        }
        // A headline the archive already has is written again (a few
        // times at most: some headlines do repeat, and get `-2` slugs).
        let mut title = writer.title(d);
        for _ in 0..4 {
            if !self.slugs.contains(&slug::slugify(&title)) {
                break;
            }
            title = writer.title(d);
        }
        let lead = writer.lead(d, story_at);
        let target = d.between(460, 660) as usize;
        let mut words = lead.split_whitespace().count();
        let mut paragraphs = Vec::new();
        while words < target {
            let p = writer.paragraph(d);
            words += p.split_whitespace().count();
            paragraphs.push(p);
        }
        let images = d.between(2, 6) as usize;
        let heading_at = (paragraphs.len() >= 6 && d.chance(0.6)).then_some(paragraphs.len() / 2);
        let quote_at = d
            .chance(0.4)
            .then(|| 1 + d.below(paragraphs.len().saturating_sub(1).max(1)));
        let list_at = d
            .chance(0.2)
            .then(|| 1 + d.below(paragraphs.len().saturating_sub(1).max(1)));

        // Timestamps (UTC), by status.
        let (published_at, created_at, updated_at) = match status {
            ArticleStatus::Draft => {
                let updated = (slot + Duration::minutes(d.between(5, 600))).min(anchor);
                (None, slot, updated)
            }
            ArticleStatus::Scheduled => {
                let created = anchor - Duration::minutes(d.between(60, 72 * 60));
                let due = anchor
                    + Duration::days(d.between(2, 30))
                    + Duration::seconds(d.between(6 * 3600, 21 * 3600) - ZONE_SECS);
                (Some(due), created, created)
            }
            ArticleStatus::Unpublished => {
                let created = slot - Duration::minutes(d.between(15, 360));
                let updated = (slot + Duration::days(d.between(1, 30))).min(anchor);
                (Some(slot), created, updated)
            }
            _ => {
                let created = slot - Duration::minutes(d.between(15, 360));
                let updated = if d.chance(0.2) {
                    (slot + Duration::minutes(d.between(60, 72 * 60))).min(anchor)
                } else {
                    slot
                };
                (Some(slot), created, updated)
            }
        };

        // Photos: the lead photo opens the body, then 2–6 more.
        let credit = authors.first().map(|a| world.people[*a].name.clone());
        let photo_day = (published_at.unwrap_or(created_at) + Duration::seconds(ZONE_SECS))
            .format("%Y/%m/%d")
            .to_string();
        let mut media_ids = Vec::with_capacity(images + 1);
        for k in 0..=images {
            let caption = writer.caption(d);
            let id = self.next_media;
            self.next_media += 1;
            let mut name = slug::slugify(&caption);
            if name.len() > 60 {
                let cut = name[..60].rfind('-').unwrap_or(60);
                name.truncate(cut);
            }
            let (width, height) = if k == 0 {
                (1600, 1067)
            } else {
                *d.pick(DIMENSIONS)
            };
            batch.media.push(media::ActiveModel {
                id: Set(id),
                url: Set(format!(
                    "https://media.toasoan.example/{photo_day}/{name}-{id}.jpg"
                )),
                alt: Set(Some(caption.trim_end_matches('.').to_owned())),
                caption: Set(Some(caption)),
                credit: Set(credit.clone()),
                width: Set(Some(width)),
                height: Set(Some(height)),
                mime: Set(Some("image/jpeg".to_owned())),
                created_at: Set(created_at),
                // External photos: no stored original.
                content_hash: Set(None),
                byte_size: Set(None),
                focal_x: Set(None),
                focal_y: Set(None),
                placeholder: Set(None),
            });
            media_ids.push(id);
        }

        let mut blocks = Vec::with_capacity(paragraphs.len() + images + 4);
        blocks.push(Block::Image {
            media_id: media_ids[0],
        });
        let count = paragraphs.len();
        let mut next_image = 1;
        for (k, text) in paragraphs.into_iter().enumerate() {
            if heading_at == Some(k) {
                blocks.push(writer.heading(d));
            }
            blocks.push(Block::Paragraph { text });
            if quote_at == Some(k) {
                blocks.push(writer.quote(d));
            }
            if list_at == Some(k) {
                blocks.push(writer.list(d));
            }
            // Spread the photos evenly through the text.
            while next_image <= images && (k + 1) * (images + 1) >= next_image * count {
                blocks.push(Block::Image {
                    media_id: media_ids[next_image],
                });
                next_image += 1;
            }
        }
        while next_image <= images {
            blocks.push(Block::Image {
                media_id: media_ids[next_image],
            });
            next_image += 1;
        }

        let id = self.next_article;
        self.next_article += 1;
        let slug = self.unique_slug(&title);
        let word_count = body::word_count(&lead, &blocks) as i32;
        batch.articles.push(article::ActiveModel {
            id: Set(id),
            slug: Set(slug),
            title: Set(title),
            lead: Set(lead),
            body: Set(body::to_json(&blocks)),
            section_id: Set(section_id),
            status: Set(status),
            published_at: Set(published_at),
            created_at: Set(created_at),
            updated_at: Set(updated_at),
            version: Set(1),
            language: Set("vi".to_owned()),
            word_count: Set(word_count),
            lead_image_id: Set(Some(media_ids[0])),
            ..Default::default()
        });
        for (position, media_id) in media_ids.iter().enumerate() {
            batch.images.push(article_image::ActiveModel {
                article_id: Set(id),
                position: Set(position as i32),
                media_id: Set(*media_id),
            });
        }
        let world = &self.world;
        let byline = authors.iter().map(|a| (*a, PersonRole::Author));
        for (position, (p, role)) in byline.chain(subjects).enumerate() {
            batch.people.push(article_person::ActiveModel {
                article_id: Set(id),
                person_id: Set(world.people[p].id),
                role: Set(role),
                position: Set(position as i32),
            });
        }
        for (position, o) in orgs.iter().enumerate() {
            batch.organizations.push(article_organization::ActiveModel {
                article_id: Set(id),
                organization_id: Set(world.orgs[*o].id),
                position: Set(position as i32),
            });
        }
        for (position, e) in events.iter().enumerate() {
            batch.events.push(article_event::ActiveModel {
                article_id: Set(id),
                event_id: Set(world.events[*e].id),
                position: Set(position as i32),
            });
        }
        for (position, t) in tags.iter().enumerate() {
            batch.tags.push(article_tag::ActiveModel {
                article_id: Set(id),
                tag_id: Set(world.tags[*t].id),
                position: Set(position as i32),
            });
        }
        match status {
            ArticleStatus::Draft => self.statuses.draft += 1,
            ArticleStatus::Scheduled => self.statuses.scheduled += 1,
            ArticleStatus::Unpublished => self.statuses.unpublished += 1,
            _ => self.statuses.published += 1,
        }
    }
}
