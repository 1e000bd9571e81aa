//! `Article.jsonLd`: gathers the article's relations through the
//! DataLoaders (so a list of articles costs one query per table) and hands
//! them to [`crate::jsonld`].

use async_graphql::Context;
use entity::{article_person::PersonRole, media, person};
use serde_json::Value;

use super::Article;
use crate::{
    domain::jsonld::{NewsArticle, Publisher},
    domain::loaders::{
        EventId, EventsOfArticle, ImagesOfArticle, MediaId, OrganizationId, OrganizationsOfArticle,
        PeopleOfArticle, PersonId, SectionId, TagId, TagsOfArticle,
    },
    graphql::{config, loaders},
    platform::error::AppResult,
    platform::urls,
};

impl Article {
    /// The schema.org `NewsArticle` of this article.
    pub(super) async fn news_article_json(&self, ctx: &Context<'_>) -> AppResult<Value> {
        let a = &self.0;
        let loaders = loaders(ctx)?;
        let config = config(ctx)?;
        let base = config.base_url();

        let section = loaders.load_one(SectionId(a.section_id)).await?;
        crate::graphql::surrogate::section(ctx, a.section_id);
        let links = loaders
            .load_one(PeopleOfArticle(a.id))
            .await?
            .unwrap_or_default();
        let people = loaders
            .load_many(links.iter().map(|l| PersonId(l.person_id)))
            .await?;
        let with_role = |roles: &[PersonRole]| -> Vec<person::Model> {
            let mut seen = Vec::new();
            links
                .iter()
                .filter(|l| roles.contains(&l.role))
                .filter_map(|l| people.get(&PersonId(l.person_id)))
                .filter(|p| {
                    let new = !seen.contains(&p.id);
                    seen.push(p.id);
                    new
                })
                .cloned()
                .collect()
        };
        let authors = with_role(&[PersonRole::Author]);
        let mentioned: Vec<person::Model> = with_role(&[PersonRole::Mentioned, PersonRole::Quoted])
            .into_iter()
            .filter(|p| !authors.iter().any(|author| author.id == p.id))
            .collect();

        let org_links = loaders
            .load_one(OrganizationsOfArticle(a.id))
            .await?
            .unwrap_or_default();
        let orgs = loaders
            .load_many(org_links.iter().map(|l| OrganizationId(l.organization_id)))
            .await?;
        let organizations: Vec<_> = org_links
            .iter()
            .filter_map(|l| orgs.get(&OrganizationId(l.organization_id)).cloned())
            .collect();
        let event_links = loaders
            .load_one(EventsOfArticle(a.id))
            .await?
            .unwrap_or_default();
        let event_rows = loaders
            .load_many(event_links.iter().map(|l| EventId(l.event_id)))
            .await?;
        let events: Vec<_> = event_links
            .iter()
            .filter_map(|l| event_rows.get(&EventId(l.event_id)).cloned())
            .collect();
        let tag_links = loaders
            .load_one(TagsOfArticle(a.id))
            .await?
            .unwrap_or_default();
        let tag_rows = loaders
            .load_many(tag_links.iter().map(|l| TagId(l.tag_id)))
            .await?;
        let tags: Vec<_> = tag_links
            .iter()
            .filter_map(|l| tag_rows.get(&TagId(l.tag_id)).cloned())
            .collect();

        let image_links = loaders
            .load_one(ImagesOfArticle(a.id))
            .await?
            .unwrap_or_default();
        let mut image_ids: Vec<i64> = a.lead_image_id.into_iter().collect();
        for link in &image_links {
            if !image_ids.contains(&link.media_id) {
                image_ids.push(link.media_id);
            }
        }
        let media_rows = loaders
            .load_many(image_ids.iter().map(|id| MediaId(*id)))
            .await?;
        let library = ctx.data_opt::<std::sync::Arc<crate::domain::media::MediaLibrary>>();
        let images: Vec<media::Model> = image_ids
            .iter()
            .filter_map(|id| media_rows.get(&MediaId(*id)).cloned())
            .map(|m| match library {
                Some(library) => library.links.syndicated(m),
                None => m,
            })
            .collect();

        let url = urls::article(base, section.as_ref().map(|s| s.slug.as_str()), &a.slug);
        Ok(NewsArticle {
            article: a,
            url: &url,
            section: section.as_ref(),
            authors: &authors,
            mentioned: &mentioned,
            organizations: &organizations,
            events: &events,
            tags: &tags,
            images: &images,
            publisher: Publisher {
                name: &config.publication_name,
                url: base,
                logo_url: config.publisher_logo_url.as_deref(),
            },
        }
        .to_json())
    }
}
