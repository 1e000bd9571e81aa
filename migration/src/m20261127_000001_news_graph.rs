//! The news graph: sections, articles with their media, people and their
//! positions, organizations, events, tags and the role-carrying link tables.
//!
//! Deletion policy: link rows go with their article (CASCADE) but block the
//! deletion of the person, organization, event or tag they point at
//! (RESTRICT), so nothing referenced disappears by accident; the application
//! detaches links explicitly when asked to.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Sections {
    Table,
    Id,
    ParentId,
    Name,
    Slug,
    Position,
    IptcMediaTopic,
}

#[derive(DeriveIden)]
enum Organizations {
    Table,
    Id,
    ParentId,
    Name,
    Slug,
    ShortName,
    Kind,
    Description,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum People {
    Table,
    Id,
    FullName,
    Slug,
    Honorific,
    Bio,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Positions {
    Table,
    Id,
    PersonId,
    OrganizationId,
    Title,
    StartDate,
    EndDate,
}

#[derive(DeriveIden)]
enum Events {
    Table,
    Id,
    Name,
    Slug,
    Summary,
    StartsAt,
    EndsAt,
    Location,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Tags {
    Table,
    Id,
    Name,
    Slug,
}

#[derive(DeriveIden)]
enum Media {
    Table,
    Id,
    Url,
    Caption,
    Credit,
    Alt,
    Width,
    Height,
    Mime,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Articles {
    Table,
    Id,
    Slug,
    Title,
    Lead,
    Body,
    SectionId,
    Status,
    PublishedAt,
    CreatedAt,
    UpdatedAt,
    Version,
    Language,
    WordCount,
    LeadImageId,
}

#[derive(DeriveIden)]
enum ArticleImages {
    Table,
    ArticleId,
    MediaId,
    Position,
}

#[derive(DeriveIden)]
enum ArticlePeople {
    Table,
    ArticleId,
    PersonId,
    Role,
    Position,
}

#[derive(DeriveIden)]
enum ArticleOrganizations {
    Table,
    ArticleId,
    OrganizationId,
    Position,
}

#[derive(DeriveIden)]
enum ArticleEvents {
    Table,
    ArticleId,
    EventId,
    Position,
}

#[derive(DeriveIden)]
enum ArticleTags {
    Table,
    ArticleId,
    TagId,
    Position,
}

#[derive(DeriveIden)]
enum EventPeople {
    Table,
    EventId,
    PersonId,
    Role,
}

#[derive(DeriveIden)]
enum EventOrganizations {
    Table,
    EventId,
    OrganizationId,
}

fn fk(
    name: &str,
    from: (impl IntoIden, impl IntoIden),
    to: (impl IntoIden, impl IntoIden),
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(name)
        .from(from.0, from.1)
        .to(to.0, to.1)
        .on_delete(on_delete)
        .on_update(ForeignKeyAction::Cascade)
        .take()
}

fn index(name: &str, table: impl IntoIden, columns: &[&'static str]) -> IndexCreateStatement {
    let mut stmt = Index::create();
    stmt.name(name).table(table);
    for column in columns {
        stmt.col(Alias::new(*column));
    }
    stmt.take()
}

use ForeignKeyAction::{Cascade, Restrict, SetNull};

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table(Sections::Table)
                .col(big_pk_auto(Sections::Id))
                .col(big_integer_null(Sections::ParentId))
                .col(string(Sections::Name))
                .col(string_uniq(Sections::Slug))
                .col(integer(Sections::Position).default(0))
                .col(string_null(Sections::IptcMediaTopic))
                .foreign_key(&mut fk(
                    "fk_sections_parent",
                    (Sections::Table, Sections::ParentId),
                    (Sections::Table, Sections::Id),
                    Restrict,
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "idx_sections_parent",
            Sections::Table,
            &["parent_id", "position"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(Organizations::Table)
                .col(big_pk_auto(Organizations::Id))
                .col(big_integer_null(Organizations::ParentId))
                .col(string(Organizations::Name))
                .col(string_uniq(Organizations::Slug))
                .col(string_null(Organizations::ShortName))
                .col(string_len(Organizations::Kind, 32))
                .col(text_null(Organizations::Description))
                .col(timestamp_with_time_zone(Organizations::CreatedAt))
                .col(timestamp_with_time_zone(Organizations::UpdatedAt))
                .foreign_key(&mut fk(
                    "fk_organizations_parent",
                    (Organizations::Table, Organizations::ParentId),
                    (Organizations::Table, Organizations::Id),
                    Restrict,
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "idx_organizations_parent",
            Organizations::Table,
            &["parent_id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(People::Table)
                .col(big_pk_auto(People::Id))
                .col(string(People::FullName))
                .col(string_uniq(People::Slug))
                .col(string_null(People::Honorific))
                .col(text_null(People::Bio))
                .col(timestamp_with_time_zone(People::CreatedAt))
                .col(timestamp_with_time_zone(People::UpdatedAt))
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Positions::Table)
                .col(big_pk_auto(Positions::Id))
                .col(big_integer(Positions::PersonId))
                .col(big_integer(Positions::OrganizationId))
                .col(string(Positions::Title))
                .col(date(Positions::StartDate))
                .col(date_null(Positions::EndDate))
                .foreign_key(&mut fk(
                    "fk_positions_person",
                    (Positions::Table, Positions::PersonId),
                    (People::Table, People::Id),
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_positions_organization",
                    (Positions::Table, Positions::OrganizationId),
                    (Organizations::Table, Organizations::Id),
                    Restrict,
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "idx_positions_person",
            Positions::Table,
            &["person_id", "start_date"],
        ))
        .await?;
        m.create_index(index(
            "idx_positions_organization",
            Positions::Table,
            &["organization_id", "start_date"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(Events::Table)
                .col(big_pk_auto(Events::Id))
                .col(string(Events::Name))
                .col(string_uniq(Events::Slug))
                .col(text_null(Events::Summary))
                .col(timestamp_with_time_zone(Events::StartsAt))
                .col(timestamp_with_time_zone_null(Events::EndsAt))
                .col(string_null(Events::Location))
                .col(timestamp_with_time_zone(Events::CreatedAt))
                .col(timestamp_with_time_zone(Events::UpdatedAt))
                .take(),
        )
        .await?;
        m.create_index(index(
            "idx_events_starts_at",
            Events::Table,
            &["starts_at", "id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(Tags::Table)
                .col(big_pk_auto(Tags::Id))
                .col(string(Tags::Name))
                .col(string_uniq(Tags::Slug))
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Media::Table)
                .col(big_pk_auto(Media::Id))
                .col(text(Media::Url))
                .col(text_null(Media::Caption))
                .col(string_null(Media::Credit))
                .col(text_null(Media::Alt))
                .col(integer_null(Media::Width))
                .col(integer_null(Media::Height))
                .col(string_len_null(Media::Mime, 100))
                .col(timestamp_with_time_zone(Media::CreatedAt))
                .take(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table(Articles::Table)
                .col(big_pk_auto(Articles::Id))
                .col(string_uniq(Articles::Slug))
                .col(text(Articles::Title))
                .col(text(Articles::Lead))
                .col(text(Articles::Body))
                .col(big_integer(Articles::SectionId))
                .col(string_len(Articles::Status, 16))
                .col(timestamp_with_time_zone_null(Articles::PublishedAt))
                .col(timestamp_with_time_zone(Articles::CreatedAt))
                .col(timestamp_with_time_zone(Articles::UpdatedAt))
                .col(integer(Articles::Version).default(1))
                .col(string_len(Articles::Language, 16).default("vi"))
                .col(integer(Articles::WordCount).default(0))
                .col(big_integer_null(Articles::LeadImageId))
                .foreign_key(&mut fk(
                    "fk_articles_section",
                    (Articles::Table, Articles::SectionId),
                    (Sections::Table, Sections::Id),
                    Restrict,
                ))
                .foreign_key(&mut fk(
                    "fk_articles_lead_image",
                    (Articles::Table, Articles::LeadImageId),
                    (Media::Table, Media::Id),
                    SetNull,
                ))
                .take(),
        )
        .await?;
        // The two keyset orders readers page through: everything newest
        // first, and one section (or a few) newest first.
        m.create_index(index(
            "idx_articles_status_published",
            Articles::Table,
            &["status", "published_at", "id"],
        ))
        .await?;
        m.create_index(index(
            "idx_articles_section_status_published",
            Articles::Table,
            &["section_id", "status", "published_at", "id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(ArticleImages::Table)
                .col(big_integer(ArticleImages::ArticleId))
                .col(big_integer(ArticleImages::MediaId))
                .col(integer(ArticleImages::Position))
                .primary_key(
                    Index::create()
                        .col(ArticleImages::ArticleId)
                        .col(ArticleImages::Position),
                )
                .foreign_key(&mut fk(
                    "fk_article_images_article",
                    (ArticleImages::Table, ArticleImages::ArticleId),
                    (Articles::Table, Articles::Id),
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_article_images_media",
                    (ArticleImages::Table, ArticleImages::MediaId),
                    (Media::Table, Media::Id),
                    Restrict,
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "idx_article_images_media",
            ArticleImages::Table,
            &["media_id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(ArticlePeople::Table)
                .col(big_integer(ArticlePeople::ArticleId))
                .col(big_integer(ArticlePeople::PersonId))
                .col(string_len(ArticlePeople::Role, 16))
                .col(integer(ArticlePeople::Position).default(0))
                .primary_key(
                    Index::create()
                        .col(ArticlePeople::ArticleId)
                        .col(ArticlePeople::PersonId)
                        .col(ArticlePeople::Role),
                )
                .foreign_key(&mut fk(
                    "fk_article_people_article",
                    (ArticlePeople::Table, ArticlePeople::ArticleId),
                    (Articles::Table, Articles::Id),
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_article_people_person",
                    (ArticlePeople::Table, ArticlePeople::PersonId),
                    (People::Table, People::Id),
                    Restrict,
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "idx_article_people_person",
            ArticlePeople::Table,
            &["person_id", "article_id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(ArticleOrganizations::Table)
                .col(big_integer(ArticleOrganizations::ArticleId))
                .col(big_integer(ArticleOrganizations::OrganizationId))
                .col(integer(ArticleOrganizations::Position).default(0))
                .primary_key(
                    Index::create()
                        .col(ArticleOrganizations::ArticleId)
                        .col(ArticleOrganizations::OrganizationId),
                )
                .foreign_key(&mut fk(
                    "fk_article_organizations_article",
                    (ArticleOrganizations::Table, ArticleOrganizations::ArticleId),
                    (Articles::Table, Articles::Id),
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_article_organizations_organization",
                    (
                        ArticleOrganizations::Table,
                        ArticleOrganizations::OrganizationId,
                    ),
                    (Organizations::Table, Organizations::Id),
                    Restrict,
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "idx_article_organizations_organization",
            ArticleOrganizations::Table,
            &["organization_id", "article_id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(ArticleEvents::Table)
                .col(big_integer(ArticleEvents::ArticleId))
                .col(big_integer(ArticleEvents::EventId))
                .col(integer(ArticleEvents::Position).default(0))
                .primary_key(
                    Index::create()
                        .col(ArticleEvents::ArticleId)
                        .col(ArticleEvents::EventId),
                )
                .foreign_key(&mut fk(
                    "fk_article_events_article",
                    (ArticleEvents::Table, ArticleEvents::ArticleId),
                    (Articles::Table, Articles::Id),
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_article_events_event",
                    (ArticleEvents::Table, ArticleEvents::EventId),
                    (Events::Table, Events::Id),
                    Restrict,
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "idx_article_events_event",
            ArticleEvents::Table,
            &["event_id", "article_id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(ArticleTags::Table)
                .col(big_integer(ArticleTags::ArticleId))
                .col(big_integer(ArticleTags::TagId))
                .col(integer(ArticleTags::Position).default(0))
                .primary_key(
                    Index::create()
                        .col(ArticleTags::ArticleId)
                        .col(ArticleTags::TagId),
                )
                .foreign_key(&mut fk(
                    "fk_article_tags_article",
                    (ArticleTags::Table, ArticleTags::ArticleId),
                    (Articles::Table, Articles::Id),
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_article_tags_tag",
                    (ArticleTags::Table, ArticleTags::TagId),
                    (Tags::Table, Tags::Id),
                    Restrict,
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "idx_article_tags_tag",
            ArticleTags::Table,
            &["tag_id", "article_id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(EventPeople::Table)
                .col(big_integer(EventPeople::EventId))
                .col(big_integer(EventPeople::PersonId))
                .col(string_null(EventPeople::Role))
                .primary_key(
                    Index::create()
                        .col(EventPeople::EventId)
                        .col(EventPeople::PersonId),
                )
                .foreign_key(&mut fk(
                    "fk_event_people_event",
                    (EventPeople::Table, EventPeople::EventId),
                    (Events::Table, Events::Id),
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_event_people_person",
                    (EventPeople::Table, EventPeople::PersonId),
                    (People::Table, People::Id),
                    Restrict,
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "idx_event_people_person",
            EventPeople::Table,
            &["person_id", "event_id"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table(EventOrganizations::Table)
                .col(big_integer(EventOrganizations::EventId))
                .col(big_integer(EventOrganizations::OrganizationId))
                .primary_key(
                    Index::create()
                        .col(EventOrganizations::EventId)
                        .col(EventOrganizations::OrganizationId),
                )
                .foreign_key(&mut fk(
                    "fk_event_organizations_event",
                    (EventOrganizations::Table, EventOrganizations::EventId),
                    (Events::Table, Events::Id),
                    Cascade,
                ))
                .foreign_key(&mut fk(
                    "fk_event_organizations_organization",
                    (
                        EventOrganizations::Table,
                        EventOrganizations::OrganizationId,
                    ),
                    (Organizations::Table, Organizations::Id),
                    Restrict,
                ))
                .take(),
        )
        .await?;
        m.create_index(index(
            "idx_event_organizations_organization",
            EventOrganizations::Table,
            &["organization_id", "event_id"],
        ))
        .await?;
        Ok(())
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            EventOrganizations::Table.into_iden(),
            EventPeople::Table.into_iden(),
            ArticleTags::Table.into_iden(),
            ArticleEvents::Table.into_iden(),
            ArticleOrganizations::Table.into_iden(),
            ArticlePeople::Table.into_iden(),
            ArticleImages::Table.into_iden(),
            Articles::Table.into_iden(),
            Media::Table.into_iden(),
            Tags::Table.into_iden(),
            Events::Table.into_iden(),
            Positions::Table.into_iden(),
            People::Table.into_iden(),
            Organizations::Table.into_iden(),
            Sections::Table.into_iden(),
        ] {
            m.drop_table(Table::drop().table(table).take()).await?;
        }
        Ok(())
    }
}
