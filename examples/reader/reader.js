// A reader page built on Toà Soạn's GraphQL API with no build step: the
// latest political news, and an article page with its people, captioned
// photos and related events ("Sự kiện liên quan").
//
// Every query goes over GET with a persisted query (Apollo's protocol):
// its first call on a page load sends the query with its hash (which
// registers it, and gives a URL that stays the same from one load to the
// next); later calls send the hash alone (and the query again only if the
// server answers PERSISTED_QUERY_NOT_FOUND, after a restart). With
// `cache: 'no-cache'` the browser revalidates what it kept with its ETag
// (If-None-Match): an unchanged answer comes back as 304 with no body, so
// the second load of a page costs headers only.
//
// `?api=https://api.example` (or `window.TOASOAN_API`) points the page at
// an API on another origin, allowed by its CORS_ALLOWED_ORIGINS; by
// default it talks to the server that served it.
'use strict';

const API = (new URLSearchParams(location.search).get('api') || window.TOASOAN_API || '') + '/graphql';

const LATEST = `query Latest {
  articles(filter: { section: "thoi-su-chinh-tri" }, first: 20) {
    edges { node { id slug title lead publishedAt
      leadImage { alt placeholder url(width: 320, height: 180, format: WEBP) } } }
  }
}`;

const ARTICLE = `query ArticlePage($slug: String!) {
  article(slug: $slug) {
    id title lead publishedAt
    section { name }
    authors { fullName }
    people { role person { fullName currentPositions { title organization { name } } } }
    leadImage { alt caption credit width height placeholder url(width: 960, format: WEBP) }
    body {
      __typename
      ... on ParagraphBlock { text }
      ... on HeadingBlock { level text }
      ... on QuoteBlock { text }
      ... on ImageBlock { image { alt caption credit width height placeholder url(width: 960, format: WEBP) } }
    }
    relatedEvents(first: 5) { edges { node { name startsAt location } } }
  }
}`;

async function sha256(text) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), b => b.toString(16).padStart(2, '0')).join('');
}

// The documents this page load has already sent in full.
const registered = new Set();

// One GraphQL query over GET: query and hash the first time, then the
// hash alone.
async function query(document, variables) {
  const hash = await sha256(document);
  const params = new URLSearchParams();
  if (variables) params.set('variables', JSON.stringify(variables));
  params.set('extensions', JSON.stringify({ persistedQuery: { version: 1, sha256Hash: hash } }));
  if (!registered.has(hash)) params.set('query', document);
  let body = await get(params);
  const unknown = (body.errors || []).some(e => e.extensions && e.extensions.code === 'PERSISTED_QUERY_NOT_FOUND');
  if (unknown) {
    params.set('query', document);
    body = await get(params);
  }
  if (body.errors) throw new Error(body.errors.map(e => e.message).join('; '));
  registered.add(hash);
  return body.data;
}

async function get(params) {
  const response = await fetch(API + '?' + params.toString(), {
    headers: { Accept: 'application/json' },
    cache: 'no-cache',
  });
  return response.json();
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  Object.entries(attrs || {}).forEach(([k, v]) => { if (v != null) node.setAttribute(k, v); });
  children.flat().forEach(c => node.append(c instanceof Node ? c : document.createTextNode(String(c))));
  return node;
}

const when = iso => new Date(iso).toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', dateStyle: 'short', timeStyle: 'short' });

function photo(image) {
  if (!image) return [];
  const style = image.placeholder ? `background-image: url(${image.placeholder})` : null;
  const caption = [image.caption, image.credit ? `(Ảnh: ${image.credit})` : null].filter(Boolean).join(' ');
  return el('figure', {},
    el('img', { src: image.url, alt: image.alt || image.caption || '', width: image.width, height: image.height, style, loading: 'lazy' }),
    caption ? el('figcaption', {}, caption) : []);
}

async function showLatest(app) {
  const data = await query(LATEST);
  document.title = 'Thời sự - Chính trị — Toà Soạn reader';
  app.replaceChildren(el('h1', {}, 'Thời sự - Chính trị'),
    ...data.articles.edges.map(({ node }) => el('article', { class: 'card' },
      node.leadImage ? el('img', { src: node.leadImage.url, alt: node.leadImage.alt || '' }) : el('span'),
      el('div', {}, el('h2', {}, el('a', { href: '#/bai/' + node.slug }, node.title)),
        el('p', { class: 'meta' }, when(node.publishedAt)), el('p', {}, node.lead)))));
}

async function showArticle(app, slug) {
  const { article } = await query(ARTICLE, { slug });
  if (!article) { app.replaceChildren(el('p', { class: 'error' }, 'Không tìm thấy bài viết.')); return; }
  document.title = article.title;
  const blocks = article.body.map(b => {
    switch (b.__typename) {
      case 'ParagraphBlock': return el('p', {}, b.text);
      case 'HeadingBlock': return el('h' + Math.min(6, Math.max(2, b.level)), {}, b.text);
      case 'QuoteBlock': return el('blockquote', {}, b.text);
      case 'ImageBlock': return photo(b.image);
      default: return [];
    }
  });
  const people = article.people.filter(p => p.role !== 'AUTHOR').map(({ person }) => el('li', {},
    person.fullName, person.currentPositions.length ? ' — ' + person.currentPositions.map(p => `${p.title}, ${p.organization.name}`).join('; ') : ''));
  const events = article.relatedEvents.edges.map(({ node }) => el('li', {}, `${node.name} (${when(node.startsAt)})`));
  app.replaceChildren(el('article', {},
    el('p', { class: 'meta' }, article.section.name),
    el('h1', {}, article.title),
    el('p', { class: 'meta' }, when(article.publishedAt), ' · ', article.authors.map(a => a.fullName).join(', ')),
    el('p', { class: 'lead' }, article.lead),
    photo(article.leadImage), blocks),
    people.length ? el('aside', { class: 'people' }, el('h2', {}, 'Nhân vật'), el('ul', {}, people)) : [],
    el('aside', { class: 'related-events' }, el('h2', {}, 'Sự kiện liên quan'),
      events.length ? el('ul', {}, events) : el('p', {}, 'Chưa có sự kiện liên quan.')));
}

async function route() {
  const app = document.getElementById('app');
  const match = location.hash.match(/^#\/bai\/([^/?#]+)/);
  try {
    if (match) await showArticle(app, decodeURIComponent(match[1]));
    else await showLatest(app);
    document.body.dataset.loaded = location.hash || '#/';
  } catch (err) {
    app.replaceChildren(el('p', { class: 'error' }, 'Không tải được: ' + err.message));
    document.body.dataset.loaded = 'error';
  }
}

window.addEventListener('hashchange', route);
route();
