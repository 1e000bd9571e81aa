-- Sends POST /graphql requests picked at random (seeded per thread, so
-- every run sends the same mix) from a file of JSON bodies, one per line:
--   wrk ... -s bench/wrk/requests.lua <url> -- <bodies.jsonl>
-- With three more arguments, every Nth request of a thread is instead an
-- editor's `updateArticle` of one of the articles (slugs, one per line)
-- the thread owns; the token comes from the BENCH_TOKEN variable. Run it
-- with one connection per thread (-t N -c N): answers then come back in
-- the order of the requests, so the thread knows each article's version.
--   wrk ... -- <reads.jsonl> <slugs.txt> <threads> <N>
-- A response that is not 200 or carries GraphQL "errors" is counted as
-- failed; done() prints one JSON line the harness reads.
-- BENCH_FORWARDED_FOR=spread sends every read with an X-Forwarded-For of
-- its own (many readers behind a CDN: bench/abuse.py); any other value
-- is sent as it is.

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
  table.insert(threads, thread)
end

function init(args)
  bodies = {}
  for line in io.lines(args[1]) do
    if #line > 0 then
      table.insert(bodies, line)
    end
  end
  math.randomseed(1000 + id)
  failed = 0
  writes = 0
  sample = nil
  sent = 0
  expecting = "read"
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["Accept"] = "application/graphql-response+json"
  forwarded = os.getenv("BENCH_FORWARDED_FOR")
  if forwarded ~= nil and forwarded ~= "spread" then
    wrk.headers["X-Forwarded-For"] = forwarded
  end
  if args[2] ~= nil then
    write_setup(args[2], tonumber(args[3]), tonumber(args[4]))
  end
end

-- W6: this thread's articles, each with its id and version once known.
function write_setup(slugs_file, threads_count, every)
  write_every = every
  owned = {}
  local i = 0
  for slug in io.lines(slugs_file) do
    if #slug > 0 then
      if i % threads_count == id - 1 then
        table.insert(owned, {slug = slug})
      end
      i = i + 1
    end
  end
  next_owned = 1
  editor = "Bearer " .. os.getenv("BENCH_TOKEN")
end

local VERSION = 'query Version($slug: String!) { article(slug: $slug) { id version } }'
local UPDATE = 'mutation Edit($id: ID!, $version: Int!, $lead: String!) { ' ..
  'updateArticle(id: $id, version: $version, input: {lead: $lead}) { article { id version } } }'

local function write_request()
  local article = owned[next_owned]
  local headers = {
    ["Content-Type"] = "application/json",
    ["Accept"] = "application/graphql-response+json",
    ["Authorization"] = editor,
  }
  if article.version == nil then
    expecting = "version"
    return wrk.format(nil, nil, headers, string.format(
      '{"query":"%s","variables":{"slug":"%s"}}', VERSION, article.slug))
  end
  expecting = "update"
  writes = writes + 1
  local lead = string.format("Bản tin cập nhật lần thứ %d của luồng %d (biên tập thử nghiệm).",
    article.version + 1, id)
  return wrk.format(nil, nil, headers, string.format(
    '{"query":"%s","variables":{"id":"%s","version":%d,"lead":"%s"}}',
    UPDATE, article.id, article.version, lead))
end

function request()
  sent = sent + 1
  if owned ~= nil and #owned > 0 then
    local article = owned[next_owned]
    if article.version == nil or sent % write_every == 0 then
      return write_request()
    end
  end
  expecting = "read"
  if forwarded == "spread" then
    wrk.headers["X-Forwarded-For"] = string.format("203.0.%d.%d", math.random(0, 255),
      math.random(1, 254))
  end
  return wrk.format(nil, nil, nil, bodies[math.random(#bodies)])
end

local function note_failure(status, body)
  failed = failed + 1
  if sample == nil then
    sample = status .. " " .. string.sub(body, 1, 300)
  end
end

function response(status, headers, body)
  if status ~= 200 or string.find(body, '"errors"', 1, true) then
    note_failure(status, body)
    if expecting ~= "read" then
      -- Re-read the version before the next edit of this article.
      owned[next_owned].version = nil
    end
    return
  end
  if expecting == "version" or expecting == "update" then
    local article = owned[next_owned]
    article.id = string.match(body, '"id":"([^"]+)"')
    article.version = tonumber(string.match(body, '"version":(%d+)'))
    if expecting == "update" then
      next_owned = next_owned % #owned + 1
    end
  end
end

local function json_string(s)
  s = string.gsub(s, '[%c"\\]', function(c)
    if c == '"' then return '\\"' elseif c == '\\' then return '\\\\' else return ' ' end
  end)
  return '"' .. s .. '"'
end

function done(summary, latency, requests)
  local failures, first, edits = 0, "", 0
  for _, thread in ipairs(threads) do
    failures = failures + thread:get("failed")
    edits = edits + thread:get("writes")
    local s = thread:get("sample")
    if s ~= nil and first == "" then
      first = s
    end
  end
  io.write(string.format(
    'WRK_RESULT {"requests":%d,"duration_us":%d,"p50_us":%d,"p95_us":%d,"p99_us":%d,' ..
    '"max_us":%d,"socket_errors":%d,"status_errors":%d,"failed":%d,"writes":%d,"sample":%s}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status, failures, edits, json_string(first)))
end
