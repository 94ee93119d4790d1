// The live list of events: newest activity first, filtered, updated from /updates without a reload.
"use strict";

const PAGE = 50;
const FILTERS = ["country", "plover", "source", "entity", "since", "until"];
const shown = new Map(); // event id -> summary
let nextOffset = 0;
let stream = null;

const params = () => {
  const query = new URLSearchParams(location.search);
  for (const name of [...query.keys()]) if (!FILTERS.includes(name) || !query.get(name)) query.delete(name);
  return query;
};

function eventCard(event) {
  return el("li", { class: "event", "data-event-id": event.event_id },
    el("a", { class: "title", href: `event.html?id=${encodeURIComponent(event.event_id)}`, dir: "auto" }, event.title),
    el("div", { class: "meta" },
      el("time", { datetime: event.last_seen_utc || "" }, formatTime(event.last_seen_utc)), " · ",
      el("span", { class: "num-articles" }, `${event.num_articles} ${t("reports")}`), " · ",
      el("span", { class: "num-sources" }, `${event.num_sources} ${t("outlets")}`)),
    el("div", { class: "chips" },
      event.sources.map((source) => el("span", { class: "chip outlet" }, source)),
      event.plover.map((code) => el("span", { class: "chip plover", title: code }, ploverName(code))),
      event.countries.map((code) => el("span", { class: "chip country", title: code }, countryName(code)))),
    el("div", { class: "chips" }, event.entities.map((entity) => el("button", {
      type: "button", class: `chip entity ${entity.type}`, title: entity.entity_id || "",
      onclick: () => entity.entity_id && applyFilters({ entity: entity.entity_id, entityName: entity.canonical }),
    }, entity.canonical))));
}

const newestFirst = (a, b) => (b.last_seen_utc || "").localeCompare(a.last_seen_utc || "")
  || b.event_id.localeCompare(a.event_id);

function render() {
  const events = [...shown.values()].sort(newestFirst);
  document.getElementById("events").replaceChildren(...events.map(eventCard));
  document.getElementById("empty").hidden = events.length > 0;
  document.getElementById("more").hidden = nextOffset === null;
  drawMap(document.getElementById("map"), events.flatMap((e) => e.countries), events.flatMap((e) => e.places));
}

async function loadPage(reset) {
  if (reset) { shown.clear(); nextOffset = 0; }
  const query = params();
  query.set("limit", PAGE);
  query.set("offset", nextOffset);
  const page = await api(`/events?${query}`);
  for (const event of page.items) shown.set(event.event_id, event);
  nextOffset = page.next_offset;
  render();
}

let statsTimer = null;
async function loadStats() {
  const stats = await api("/stats");
  document.getElementById("counts").replaceChildren(
    el("span", { id: "count-events" }, `${stats.events} ${t("events")}`), " · ",
    el("span", { id: "count-articles" }, `${stats.articles} ${t("articles")}`), " · ",
    el("span", { id: "count-outlets" }, `${stats.outlets} ${t("outlets")}`));
  return stats;
}
const refreshStats = () => { clearTimeout(statsTimer); statsTimer = setTimeout(loadStats, 500); };

function fillSelect(name, values, label) {
  const select = document.querySelector(`select[name=${name}]`);
  const current = params().get(name) || "";
  select.replaceChildren(el("option", { value: "" }, t("any")),
    ...values.map((value) => el("option", { value, selected: value === current }, label(value))));
}

function showFilters(stats) {
  const query = params();
  const countries = [...new Set([...stats.countries, query.get("country")].filter(Boolean))];
  fillSelect("country", countries.sort((a, b) => countryName(a).localeCompare(countryName(b), lang)), countryName);
  fillSelect("plover", Object.keys(PLOVER), (code) => `${ploverName(code)} (${code})`);
  fillSelect("source", [...new Set([...stats.sources.map((s) => s.source), query.get("source")].filter(Boolean))],
    (source) => source);
  for (const name of ["since", "until"]) document.querySelector(`input[name=${name}]`).value = query.get(name) || "";
  const chip = document.getElementById("entity-filter");
  chip.hidden = !query.get("entity");
  chip.replaceChildren(`${t("entity")}: ${sessionStorage.getItem("akhbar-entity-name") || query.get("entity")} `,
    el("button", { type: "button", "aria-label": t("clear"), onclick: () => applyFilters({ entity: "" }) }, "×"));
}

function applyFilters(changes) {
  const query = params();
  for (const [name, value] of Object.entries(changes)) {
    if (!FILTERS.includes(name)) continue;
    if (value) query.set(name, value); else query.delete(name);
  }
  if (changes.entityName) sessionStorage.setItem("akhbar-entity-name", changes.entityName);
  history.replaceState(null, "", `${location.pathname}${query.size ? `?${query}` : ""}`);
  start();
}

function onUpdate(event) {
  const last = [...shown.values()].sort(newestFirst).at(-1);
  if (!shown.has(event.event_id) && nextOffset !== null && last && newestFirst(event, last) > 0) return;
  shown.set(event.event_id, event);
  render();
  const card = document.querySelector(`[data-event-id="${CSS.escape(event.event_id)}"]`);
  if (card) card.classList.add("fresh");
  refreshStats();
}

async function start() {
  if (stream) stream.close();
  stream = liveUpdates(params().toString(), onUpdate, () => { loadPage(true); loadStats(); });
  const [stats] = await Promise.all([loadStats(), loadPage(true)]);
  showFilters(stats);
}

setUpPage();
const form = document.getElementById("filters");
form.addEventListener("change", (change) => applyFilters({ [change.target.name]: change.target.value }));
form.addEventListener("reset", (reset) => {
  reset.preventDefault();
  history.replaceState(null, "", location.pathname);
  start();
});
document.getElementById("more").addEventListener("click", () => loadPage(false));
start();
