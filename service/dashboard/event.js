// An event's page: its coded actions, a timeline and a map of its reports, and every report's
// text with its entities and action triggers highlighted from their offsets.
"use strict";

const eventId = new URLSearchParams(location.search).get("id") || "";

// The text of one field with its spans marked. Offsets count code points, as Python's do.
function highlighted(text, spans) {
  const chars = Array.from(text || "");
  const clamp = (n) => Math.max(0, Math.min(chars.length, n));
  const cuts = [...new Set([0, chars.length, ...spans.flatMap((s) => [clamp(s.start), clamp(s.end)])])]
    .sort((a, b) => a - b);
  const pieces = [];
  for (let i = 0; i + 1 < cuts.length; i += 1) {
    const [from, to] = [cuts[i], cuts[i + 1]];
    const piece = chars.slice(from, to).join("");
    const covering = spans.filter((s) => s.start <= from && s.end >= to && s.start < s.end);
    if (!covering.length) { pieces.push(piece); continue; }
    const entity = covering.find((s) => s.kind === "entity");
    const trigger = covering.find((s) => s.kind === "trigger");
    pieces.push(el("mark", {
      class: [entity ? `entity ${entity.type}` : "", trigger ? "trigger" : ""].join(" ").trim(),
      "data-entity": entity?.entity_id, "data-plover": trigger?.plover,
      title: covering.map((s) => s.label).join(" · "),
    }, piece));
  }
  return pieces;
}

function spansOf(article, field) {
  const entities = article.entities.filter((e) => e.field === field).map((e) => ({
    kind: "entity", start: e.start, end: e.end, type: e.type, entity_id: e.entity_id,
    label: `${t(e.type)}: ${e.canonical || e.text}${e.country ? ` (${e.country}${e.role ? ` ${e.role}` : ""})` : ""}`,
  }));
  const triggers = article.actions.filter((a) => a.trigger.field === field).map((a) => ({
    kind: "trigger", start: a.trigger.start, end: a.trigger.end, plover: a.plover,
    label: `${t("trigger")}: ${ploverName(a.plover)} ${a.cameo}`,
  }));
  return [...entities, ...triggers];
}

function actor(ref) {
  if (!ref) return "—";
  const codes = [ref.country, ref.sector].filter(Boolean).join(" ");
  return el("span", { class: "actor" }, el("span", { dir: "auto" }, ref.text),
    ref.canonical && ref.canonical !== ref.text ? el("span", { class: "canonical", dir: "auto" }, ref.canonical) : null,
    codes ? el("code", {}, codes) : null);
}

function actionsTable(actions) {
  if (!actions.length) return el("p", { class: "empty" }, t("noActions"));
  return el("table", { class: "actions" },
    el("thead", {}, el("tr", {}, ["plover", "actor1", "actor2", "place", "date", "confidence"]
      .map((key) => el("th", {}, key === "plover" ? `${t("plover")} (PLOVER / CAMEO)` : t(key))))),
    el("tbody", {}, actions.map((a) => el("tr", {},
      el("td", {}, el("span", { class: "chip plover" }, ploverName(a.plover)), " ",
        el("code", {}, `${a.plover} ${a.cameo}`)),
      el("td", {}, actor(a.actor1)), el("td", {}, actor(a.actor2)),
      el("td", {}, a.location ? actor(a.location) : "—"), el("td", {}, a.date || "—"),
      el("td", {}, a.confidence.toFixed(2))))));
}

// Reports on a time axis, one row an outlet, in the order of first report.
function timeline(mentions) {
  const outlets = [...new Set(mentions.map((m) => m.source))];
  const times = mentions.map((m) => Date.parse(m.published_utc)).filter(Number.isFinite);
  const width = 800;
  const row = 26;
  const left = 150;
  const height = outlets.length * row + 30;
  const [first, last] = times.length ? [Math.min(...times), Math.max(...times)] : [0, 1];
  const span = Math.max(last - first, 3600e3);
  const x = (time) => left + ((time - first) / span) * (width - left - 20);
  const svg = el("svg", { viewBox: `0 0 ${width} ${height}`, class: "timeline", dir: "ltr", role: "img",
    "aria-label": t("timeline") });
  outlets.forEach((outlet, i) => {
    const y = i * row + 18;
    svg.append(el("text", { x: 4, y: y + 4, class: "outlet-label" }, outlet),
      el("line", { x1: left, x2: width - 10, y1: y, y2: y, class: "row" }));
  });
  const axisLabel = (time) => `${new Date(time).toISOString().slice(0, 16).replace("T", " ")} UTC`;
  svg.append(el("text", { x: left, y: height - 4, class: "axis" }, axisLabel(first)),
    el("text", { x: width - 10, y: height - 4, class: "axis end" }, axisLabel(first + span)));
  for (const m of mentions) {
    const time = Date.parse(m.published_utc);
    if (!Number.isFinite(time)) continue;
    svg.append(el("circle", { cx: x(time), cy: outlets.indexOf(m.source) * row + 18, r: 6,
      class: `report ${m.relation}`, "data-article": m.article_id },
      el("title", {}, `${m.source} · ${formatTime(m.published_utc)} · ${t(m.relation)}`)));
  }
  return svg;
}

function report(mention, article) {
  const link = safeLink(mention.url);
  const head = el("div", { class: "meta" },
    el("time", { datetime: mention.published_utc || "" }, formatTime(mention.published_utc)), " · ",
    el("span", { class: `relation ${mention.relation}` }, t(mention.relation)),
    mention.similarity !== null ? ` (${mention.similarity.toFixed(2)})` : "",
    article?.duplicate_of ? ` · ${t("nearCopy")} ${article.duplicate_of}` : "",
    link ? [" · ", el("a", { href: link, rel: "noopener noreferrer", target: "_blank" }, t("source"))] : "");
  if (!article) {
    return el("article", { class: "report", "data-article-id": mention.article_id }, head,
      el("p", { class: "empty" }, t("noText")));
  }
  const textDir = article.language === "ar" ? "rtl" : "auto";
  return el("article", { class: "report", "data-article-id": article.article_id }, head,
    el("h3", { class: "article-title", dir: textDir }, highlighted(article.title, spansOf(article, "title"))),
    el("div", { class: "article-body", dir: textDir }, highlighted(article.body, spansOf(article, "body"))));
}

function legend() {
  return el("p", { class: "legend" }, `${t("legend")}: `,
    ["PERS", "ORG", "LOC", "MISC"].map((type) => [el("mark", { class: `entity ${type}` }, t(type)), " "]),
    el("mark", { class: "trigger" }, t("trigger")));
}

async function render() {
  const page = document.getElementById("event");
  let event;
  try {
    event = await api(`/events/${encodeURIComponent(eventId)}`);
  } catch {
    page.replaceChildren(el("h1", {}, t("notFound")));
    return;
  }
  const texts = await Promise.all(event.mentions.map((m) => (m.has_text
    ? api(`/articles/${encodeURIComponent(m.article_id)}`) : Promise.resolve(null))));
  const articles = new Map(texts.filter(Boolean).map((a) => [a.article_id, a]));
  const byOutlet = new Map();
  for (const mention of event.mentions) {
    if (!byOutlet.has(mention.source)) byOutlet.set(mention.source, []);
    byOutlet.get(mention.source).push(mention);
  }
  document.title = `${event.title} · ${t("app")}`;
  const map = el("div", { class: "map-panel" });
  page.replaceChildren(
    el("h1", { dir: "auto" }, event.title),
    el("p", { class: "meta" }, `${t("first")}: ${formatTime(event.first_seen_utc)} · ${t("last")}: `,
      formatTime(event.last_seen_utc),
      ` · ${event.num_articles} ${t("reports")} · ${event.num_sources} ${t("outlets")}`),
    el("div", { class: "chips" },
      event.countries.map((code) => el("span", { class: "chip country" }, countryName(code)))),
    el("section", { class: "panel" }, el("h2", {}, t("actions")), actionsTable(event.actions)),
    el("div", { class: "columns" },
      el("section", { class: "panel" }, el("h2", {}, t("timeline")), timeline(event.mentions)),
      el("section", { class: "panel" }, el("h2", {}, t("map")), map)),
    el("section", { class: "panel" }, el("h2", {}, t("reportsByOutlet")), legend(),
      [...byOutlet].map(([outlet, mentions]) => el("section", { class: "outlet", "data-outlet": outlet },
        el("h3", { class: "outlet-name" }, `${outlet} (${mentions.length})`),
        mentions.map((m) => report(m, articles.get(m.article_id)))))));
  await drawMap(map, event.countries, event.places);
}

setUpPage();
liveUpdates("", (summary) => { if (summary.event_id === eventId) render(); }, render);
render();
