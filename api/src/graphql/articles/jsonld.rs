//! `Article.jsonLd`: gathers the article's relations through the
//! DataLoaders (all of them in one batch, so a list of articles costs one
//! statement for every relation) and hands them to [`crate::jsonld`].

use async_graphql::Context;
use entity::{article_person::PersonRole, media, person};
use serde_json::Value;

use super::Article;
use crate::{
    domain::jsonld::{NewsArticle, Publisher},
    domain::linked::{Linked, LinkedRows},
    domain::loaders::SectionId,
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
        let people = Linked::People {
            article: a.id,
            positions: false,
        };
        let keys = [
            people,
            Linked::Organizations(a.id),
            Linked::Events(a.id),
            Linked::Tags(a.id),
            Linked::Images(a.id),
        ];
        let lead_image = a.lead_image_id.map(Linked::Media);
        let mut rows = loaders
            .load_many(keys.into_iter().chain(lead_image))
            .await?;
        let links = LinkedRows::people(rows.remove(&people));
        let with_role = |roles: &[PersonRole]| -> Vec<person::Model> {
            let mut seen = Vec::new();
            links
                .iter()
                .filter(|(link, _, _)| roles.contains(&link.role))
                .map(|(_, person, _)| person)
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

        let organizations: Vec<_> = super::targets(LinkedRows::organizations(
            rows.remove(&Linked::Organizations(a.id)),
        ))
        .collect();
        let events: Vec<_> =
            super::targets(LinkedRows::events(rows.remove(&Linked::Events(a.id)))).collect();
        let tags: Vec<_> =
            super::targets(LinkedRows::tags(rows.remove(&Linked::Tags(a.id)))).collect();

        let image_links = LinkedRows::images(rows.remove(&Linked::Images(a.id)));
        // The lead image first, then the body's, each once.
        let lead = lead_image.and_then(|key| LinkedRows::media(rows.remove(&key)));
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
