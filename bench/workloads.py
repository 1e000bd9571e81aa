"""The benchmark's workloads: fixed GraphQL documents and the deterministic
variables they run with. Imported by harness.py; no third-party modules."""

# The selection of a home-page list: everything a card shows, no body.
ARTICLE_CARD = """
  id slug title lead publishedAt url readingTimeMinutes
  section { slug name }
  tags { slug name }
  authors { slug fullName }
  people { role person { slug fullName } }
  organizations { slug name }
  events { slug name startsAt }
  leadImage { url caption alt width height }
"""

W0 = "{ __typename }"

# W1: "the latest political news", the first screen of the home page.
W1 = """query HomePage($section: String!, $after: String) {
  articles(filter: {section: $section}, first: 20, after: $after) {
    edges { cursor node { %s } }
    pageInfo { hasNextPage endCursor }
  }
}""" % ARTICLE_CARD

W1_VARIABLES = {"section": "thoi-su-chinh-tri"}

# W3: an article page.
W3 = """query ArticlePage($slug: String!) {
  article(slug: $slug) {
    id slug title lead publishedAt updatedAt url wordCount readingTimeMinutes
    body {
      __typename
      ... on ParagraphBlock { text }
      ... on HeadingBlock { text level }
      ... on ImageBlock { image { url caption credit alt width height } }
      ... on QuoteBlock { text attribution }
      ... on ListBlock { ordered items }
    }
    bodyHtml
    section { slug name parent { slug name } }
    tags { slug name }
    authors { slug fullName }
    leadImage { url caption alt width height }
    people {
      role
      person {
        slug fullName honorific
        currentPositions { title from organization { slug name } }
      }
    }
    organizations { slug name }
    relatedEvents(first: 5) { edges { node { slug name startsAt location } } }
    relatedArticles(first: 5) { slug title publishedAt leadImage { url alt } }
  }
}"""

# W3 without related content (and without `bodyHtml`, which is rendered
# from the blocks): the article page bench/peer.sh compares with PostGraphile.
W3_PAGE = """query ArticlePage($slug: String!) {
  article(slug: $slug) {
    id slug title lead publishedAt updatedAt url wordCount readingTimeMinutes
    body {
      __typename
      ... on ParagraphBlock { text }
      ... on HeadingBlock { text level }
      ... on ImageBlock { image { url caption credit alt width height } }
      ... on QuoteBlock { text attribution }
      ... on ListBlock { ordered items }
    }
    section { slug name parent { slug name } }
    tags { slug name }
    authors { slug fullName }
    leadImage { url caption alt width height }
    people {
      role
      person {
        slug fullName honorific
        currentPositions { title from organization { slug name } }
      }
    }
    organizations { slug name }
  }
}"""

# W4: a person's page and an event's timeline.
W4_PERSON = """query PersonPage($slug: String!) {
  person(slug: $slug) {
    slug fullName honorific bio
    currentPositions { title from organization { slug name } }
    positions { title from to isCurrent organization { slug name } }
    articles(first: 10) {
      edges { node { slug title lead publishedAt section { slug name } leadImage { url alt } } }
      pageInfo { hasNextPage endCursor }
    }
    events(first: 5) { edges { node { slug name startsAt } } }
  }
}"""

W4_EVENT = """query EventTimeline($slug: String!) {
  event(slug: $slug) {
    slug name summary startsAt endsAt location
    participants {
      people { role person { slug fullName } }
      organizations { slug name }
    }
    articles(order: NEWEST_FIRST, first: 20) {
      edges { node { slug title lead publishedAt section { slug name } leadImage { url alt } } }
      pageInfo { hasNextPage endCursor }
    }
    relatedEvents(first: 5) { edges { node { slug name startsAt } } }
  }
}"""

# W5: the 20 typical reader searches of examples/bench_search.rs.
W5 = """query Search($q: String!) {
  search(query: $q, first: 10) {
    edges {
      score
      node { slug title publishedAt section { name } leadImage { url alt } }
      highlights { title snippet }
    }
  }
}"""

SEARCHES = [
    "nguyen van hung", "dân vận", "hội nghị tổng kết", "nông thôn mới",
    "kinh tế - xã hội", "cải cách hành chính", "\"phát triển kinh tế\"",
    "giáo dục", "chuyển đổi số", "an toàn giao thông", "Đức", "hoà bình",
    "ubnd tinh", "hợp tác xã", "du lịch", "y tế cơ sở", "đầu tư", "tinh uy",
    "trien khai nhiem vu", "xay dung dang",
]

# W6: an editor's edit of the lead (the write path: version check,
# revision, search index, change log, webhook outbox).
W6_VERSION = "query Version($slug: String!) { article(slug: $slug) { id version } }"
W6_UPDATE = """mutation Edit($id: ID!, $version: Int!, $lead: String!) {
  updateArticle(id: $id, version: $version, input: {lead: $lead}) {
    article { id version updatedAt }
  }
}"""
