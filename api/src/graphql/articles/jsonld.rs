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
        EventsOfArticle, ImagesOfArticle, MediaId, OrganizationsOfArticle, PeopleOfArticle,
        SectionId, TagsOfArticle,
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
        let with_role = |roles: &[PersonRole]| -> Vec<person::Model> {
            let mut seen = Vec::new();
            links
                .iter()
                .filter(|(link, _)| roles.contains(&link.role))
                .map(|(_, person)| person)
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

        let organizations: Vec<_> =
            super::targets(loaders.load_one(OrganizationsOfArticle(a.id)).await?).collect();
        let events: Vec<_> =
            super::targets(loaders.load_one(EventsOfArticle(a.id)).await?).collect();
        let tags: Vec<_> = super::targets(loaders.load_one(TagsOfArticle(a.id)).await?).collect();

        let image_links = loaders
            .load_one(ImagesOfArticle(a.id))
            .await?
            .unwrap_or_default();
        // The lead image first, then the body's, each once.
        let lead = match a.lead_image_id {
            Some(id) => loaders.load_one(MediaId(id)).await?,
            None => None,
        };
        let mut ordered: Vec<media::Model> = lead.into_iter().collect();
        for (_, image) in image_links {
            if !ordered.iter().any(|m| m.id == image.id) {
                ordered.push(image);
            }
        }
        let library = ctx.data_opt::<std::sync::Arc<crate::domain::media::MediaLibrary>>();
        let images: Vec<media::Model> = ordered
            .into_iter()
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
