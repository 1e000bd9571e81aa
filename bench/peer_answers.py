"""The peer benchmark's documents and answers: PostGraphile's GraphQL for
the pages Toà Soạn serves (bench/workloads.py), and the comparison of both
servers' answers, normalized to the same shape (bench/peer.py runs it
before measuring). Standard library only."""

import json
from datetime import datetime, timezone

import harness as H

# ---------------------------------------------------------------- documents

# PostGraphile's names come from its generated schema (with
# @graphile-contrib/pg-simplify-inflector and --simple-collections both):
# `articles` is a connection with `filter` (postgraphile-plugin-connection-
# filter), `articlePeopleList` the link rows of an article, and so on.
# Anonymous readers see what Toà Soạn shows them: published (or scheduled
# and due) at the time the requests are prepared, and not deleted.
VISIBLE = ('status: {in: ["PUBLISHED", "SCHEDULED"]}, deletedAt: {isNull: true}, '
           "publishedAt: {lessThanOrEqualTo: $now}")

PEER_CARD = """
  id slug title lead publishedAt wordCount
  section { slug name }
  tags: articleTagsList(orderBy: [POSITION_ASC, TAG_ID_ASC]) { tag { slug name } }
  authors: articlePeopleList(condition: {role: "AUTHOR"}, orderBy: [POSITION_ASC, PERSON_ID_ASC]) {
    person { slug fullName }
  }
  people: articlePeopleList(orderBy: [POSITION_ASC, PERSON_ID_ASC]) {
    role person { slug fullName }
  }
  organizations: articleOrganizationsList(orderBy: [POSITION_ASC, ORGANIZATION_ID_ASC]) {
    organization { slug name }
  }
  events: articleEventsList(orderBy: [POSITION_ASC, EVENT_ID_ASC]) { event { slug name startsAt } }
  leadImage { url caption alt width height }
"""

# W1: a section's articles and those of its sub-sections, newest first. The
# section is named by slug, as on Toà Soạn (connectionFilterRelations).
PEER_W1 = """query HomePage($section: String!, $now: Datetime!) {
  articles(
    filter: {%s, section: {or: [{slug: {equalTo: $section}}, {parent: {slug: {equalTo: $section}}}]}}
    orderBy: [PUBLISHED_AT_DESC, ID_DESC]
    first: 20
  ) {
    edges { cursor node { %s } }
    pageInfo { hasNextPage endCursor }
  }
}""" % (VISIBLE, PEER_CARD)

# W3 without related content: the body is the stored JSON of blocks; the
# photos of its image blocks are the article's images (article_images).
PEER_W3 = """query ArticlePage($slug: String!, $now: Datetime!, $today: Date!) {
  articles(filter: {slug: {equalTo: $slug}, %s}, first: 1) {
    nodes {
      id slug title lead publishedAt updatedAt wordCount body
      images: articleImagesList(orderBy: POSITION_ASC) {
        media { id url caption credit alt width height }
      }
      section { slug name parent { slug name } }
      tags: articleTagsList(orderBy: [POSITION_ASC, TAG_ID_ASC]) { tag { slug name } }
      authors: articlePeopleList(condition: {role: "AUTHOR"}, orderBy: [POSITION_ASC, PERSON_ID_ASC]) {
        person { slug fullName }
      }
      leadImage { url caption alt width height }
      people: articlePeopleList(orderBy: [POSITION_ASC, PERSON_ID_ASC]) {
        role
        person {
          slug fullName honorific
          currentPositions: positionsList(
            filter: {startDate: {lessThanOrEqualTo: $today},
                     or: [{endDate: {isNull: true}}, {endDate: {greaterThanOrEqualTo: $today}}]}
            orderBy: [START_DATE_ASC, ID_ASC]
          ) { title startDate organization { slug name } }
        }
      }
      organizations: articleOrganizationsList(orderBy: [POSITION_ASC, ORGANIZATION_ID_ASC]) {
        organization { slug name }
      }
    }
  }
}""" % VISIBLE


# ---------------------------------------------------------------- answers

def instant(text):
    """A timestamp as the same instant in UTC, whatever its zone."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)


def reading_time(words):
    return max(1, -(-max(words, 0) // 200))


def named(row, *fields):
    return None if row is None else tuple(row[f] for f in fields)


def image(row):
    return named(row, "url", "caption", "alt", "width", "height")


def card_of_toasoan(node):
    section = node["section"]
    assert node["url"].endswith(f"/{section['slug']}/{node['slug']}"), node["url"]
    return {
        "slug": node["slug"], "title": node["title"], "lead": node["lead"],
        "publishedAt": instant(node["publishedAt"]),
        "readingTime": node["readingTimeMinutes"],
        "section": named(section, "slug", "name"),
        "tags": [named(t, "slug", "name") for t in node["tags"]],
        "authors": [named(p, "slug", "fullName") for p in node["authors"]],
        "people": [(p["role"], named(p["person"], "slug", "fullName")) for p in node["people"]],
        "organizations": [named(o, "slug", "name") for o in node["organizations"]],
        "events": [(e["slug"], e["name"], instant(e["startsAt"])) for e in node["events"]],
        "leadImage": image(node["leadImage"]),
    }


def card_of_peer(node):
    return {
        "slug": node["slug"], "title": node["title"], "lead": node["lead"],
        "publishedAt": instant(node["publishedAt"]),
        "readingTime": reading_time(node["wordCount"]),
        "section": named(node["section"], "slug", "name"),
        "tags": [named(t["tag"], "slug", "name") for t in node["tags"]],
        "authors": [named(p["person"], "slug", "fullName") for p in node["authors"]],
        "people": [(p["role"], named(p["person"], "slug", "fullName")) for p in node["people"]],
        "organizations": [named(o["organization"], "slug", "name")
                          for o in node["organizations"]],
        "events": [(e["event"]["slug"], e["event"]["name"], instant(e["event"]["startsAt"]))
                   for e in node["events"]],
        "leadImage": image(node["leadImage"]),
    }


def body_media(row):
    return named(row, "url", "caption", "credit", "alt", "width", "height")


def block_of_toasoan(block):
    kind = block["__typename"]
    if kind == "ParagraphBlock":
        return ("paragraph", block["text"])
    if kind == "HeadingBlock":
        return ("heading", block["level"], block["text"])
    if kind == "ImageBlock":
        return ("image", body_media(block["image"]))
    if kind == "QuoteBlock":
        return ("quote", block["text"], block["attribution"])
    if kind == "ListBlock":
        return ("list", block["ordered"], tuple(block["items"]))
    return (kind,)


def block_of_peer(block, media):
    kind = block["type"]
    if kind == "paragraph":
        return ("paragraph", block["text"])
    if kind == "heading":
        return ("heading", block["level"], block["text"])
    if kind == "image":
        return ("image", body_media(media.get(str(block["mediaId"]))))
    if kind == "quote":
        return ("quote", block["text"], block.get("attribution"))
    if kind == "list":
        return ("list", block["ordered"], tuple(block["items"]))
    return ("EmbedBlock",) if kind == "embed" else (kind,)


def person_page(person):
    return (person["slug"], person["fullName"], person["honorific"])


def page_of_toasoan(node):
    section = node["section"]
    return {
        "slug": node["slug"], "title": node["title"], "lead": node["lead"],
        "publishedAt": instant(node["publishedAt"]), "updatedAt": instant(node["updatedAt"]),
        "wordCount": node["wordCount"], "readingTime": node["readingTimeMinutes"],
        "body": [block_of_toasoan(b) for b in node["body"]],
        "section": (section["slug"], section["name"], named(section["parent"], "slug", "name")),
        "tags": [named(t, "slug", "name") for t in node["tags"]],
        "authors": [named(p, "slug", "fullName") for p in node["authors"]],
        "leadImage": image(node["leadImage"]),
        "people": [(p["role"], person_page(p["person"]),
                    [(c["title"], c["from"], named(c["organization"], "slug", "name"))
                     for c in p["person"]["currentPositions"]])
                   for p in node["people"]],
        "organizations": [named(o, "slug", "name") for o in node["organizations"]],
    }


def page_of_peer(node):
    section = node["section"]
    media = {m["media"]["id"]: m["media"] for m in node["images"] if m["media"]}
    return {
        "slug": node["slug"], "title": node["title"], "lead": node["lead"],
        "publishedAt": instant(node["publishedAt"]), "updatedAt": instant(node["updatedAt"]),
        "wordCount": node["wordCount"], "readingTime": reading_time(node["wordCount"]),
        "body": [block_of_peer(b, media) for b in json.loads(node["body"])],
        "section": (section["slug"], section["name"], named(section["parent"], "slug", "name")),
        "tags": [named(t["tag"], "slug", "name") for t in node["tags"]],
        "authors": [named(p["person"], "slug", "fullName") for p in node["authors"]],
        "leadImage": image(node["leadImage"]),
        "people": [(p["role"], person_page(p["person"]),
                    [(c["title"], c["startDate"], named(c["organization"], "slug", "name"))
                     for c in p["person"]["currentPositions"]])
                   for p in node["people"]],
        "organizations": [named(o["organization"], "slug", "name")
                          for o in node["organizations"]],
    }


def same(what, ours, theirs):
    """Fails loudly, naming the first difference, when the answers differ."""
    if ours == theirs:
        return
    if isinstance(ours, dict) and isinstance(theirs, dict):
        for key in ours:
            if ours[key] != theirs.get(key):
                raise SystemExit(f"{what}: the answers differ in {key}:\n"
                                 f"  Toà Soạn:     {ours[key]!r}\n"
                                 f"  PostGraphile: {theirs.get(key)!r}")
    raise SystemExit(f"{what}: the answers differ:\n  Toà Soạn:     {ours!r}\n"
                     f"  PostGraphile: {theirs!r}")


def check(ours, peer, requests, check_pages):
    """Fetches each query once from both servers and compares the answers."""
    (w0, _), (w1, v1), (w3, v3) = requests["toasoan"]
    (p0, _), (p1, q1), (p3, q3) = requests["peer"]
    same("W0", ours.graphql(w0), peer.graphql(p0))

    cards = [card_of_toasoan(e["node"]) for e in ours.graphql(w1, v1[0])["articles"]["edges"]]
    theirs = [card_of_peer(e["node"]) for e in peer.graphql(p1, q1[0])["articles"]["edges"]]
    if not cards:
        raise SystemExit("W1: the home page is empty")
    same("W1 slugs", [c["slug"] for c in cards], [c["slug"] for c in theirs])
    for ours_card, their_card in zip(cards, theirs):
        same(f"W1 card {ours_card['slug']}", ours_card, their_card)

    links = 0
    for ours_vars, their_vars in list(zip(v3, q3))[:check_pages]:
        slug = ours_vars["slug"]
        article = ours.graphql(w3, ours_vars)["article"]
        nodes = peer.graphql(p3, their_vars)["articles"]["nodes"]
        if article is None or len(nodes) != 1:
            raise SystemExit(f"W3 {slug}: Toà Soạn found {article is not None}, "
                             f"PostGraphile {len(nodes)} articles")
        page, their_page = page_of_toasoan(article), page_of_peer(nodes[0])
        same(f"W3 {slug}", page, their_page)
        links += len(page["people"]) + len(page["tags"]) + len(page["organizations"])
    H.log(f"answers equal: W0, W1 ({len(cards)} cards), W3 ({check_pages} pages, "
          f"{links} people, tags and organizations)")
