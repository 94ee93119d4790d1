// Shared by the dashboard's pages: the two languages, DOM building, the API, the offline map.
// Article text and every value from the API reach the page through textContent and attributes only.
"use strict";

const STRINGS = {
  ar: {
    app: "أخبار", tagline: "أحداث الأخبار العربية لحظة بلحظة", events: "أحداث", articles: "مقالات",
    outlets: "منافذ", live: "مباشر", offline: "غير متصل", country: "الدولة", plover: "نوع الحدث",
    outlet: "المنفذ", entity: "الكيان", any: "الكل", since: "من", until: "إلى", clear: "مسح الفلاتر",
    more: "المزيد", none: "لا أحداث بعد", reports: "تقارير", back: "كل الأحداث", actions: "الأفعال المرمّزة",
    actor1: "الفاعل", actor2: "المفعول به", place: "المكان", date: "التاريخ", confidence: "الثقة",
    timeline: "التسلسل الزمني للتقارير", map: "الأماكن", reportsByOutlet: "التقارير حسب المنفذ",
    opened: "فتح الحدث", joined: "انضم", copy: "نسخة", nearCopy: "نسخة قريبة من", source: "المصدر",
    noText: "نسخة مطابقة لتقرير آخر، بلا نص منفصل", noActions: "لا أفعال مرمّزة", legend: "تمييز",
    trigger: "فعل", first: "أول ظهور", last: "آخر نشاط", other: "English", notFound: "الحدث غير موجود",
    PERS: "شخص", ORG: "منظمة", LOC: "مكان", MISC: "أخرى",
  },
  en: {
    app: "Akhbar", tagline: "Arabic news events as they happen", events: "events", articles: "articles",
    outlets: "outlets", live: "live", offline: "offline", country: "Country", plover: "Event type",
    outlet: "Outlet", entity: "Entity", any: "Any", since: "From", until: "To", clear: "Clear filters",
    more: "More", none: "No events yet", reports: "reports", back: "All events", actions: "Coded actions",
    actor1: "Actor", actor2: "Target", place: "Place", date: "Date", confidence: "Confidence",
    timeline: "Timeline of reports", map: "Places", reportsByOutlet: "Reports by outlet",
    opened: "opened the event", joined: "joined", copy: "copy", nearCopy: "near copy of", source: "source",
    noText: "An exact copy of another report, no text of its own", noActions: "No coded actions",
    legend: "Highlights", trigger: "action", first: "First seen", last: "Last activity", other: "العربية",
    notFound: "No such event", PERS: "person", ORG: "organisation", LOC: "place", MISC: "other",
  },
};

const PLOVER = {
  AGREE: ["اتفاق", "Agree"], CONSULT: ["تشاور", "Consult"], SUPPORT: ["دعم", "Support"],
  CONCEDE: ["تنازل", "Concede"], COOPERATE: ["تعاون", "Cooperate"], AID: ["مساعدة", "Aid"],
  RETREAT: ["تراجع", "Retreat"], INVESTIGATE: ["تحقيق", "Investigate"], DEMAND: ["مطالبة", "Demand"],
  DISAPPROVE: ["استنكار", "Disapprove"], ACCUSE: ["اتهام", "Accuse"], REJECT: ["رفض", "Reject"],
  THREATEN: ["تهديد", "Threaten"], PROTEST: ["احتجاج", "Protest"], CRIME: ["جريمة", "Crime"],
  SANCTION: ["عقوبات", "Sanction"], MOBILIZE: ["تعبئة", "Mobilize"], COERCE: ["إكراه", "Coerce"],
  ASSAULT: ["اعتداء", "Assault"],
};

const lang = localStorage.getItem("akhbar-lang") === "en" ? "en" : "ar";
const t = (key) => STRINGS[lang][key] ?? key;
const ploverName = (code) => (PLOVER[code] ? PLOVER[code][lang === "ar" ? 0 : 1] : code);
const regionNames = new Intl.DisplayNames([lang], { type: "region" });
const countryName = (code) => {
  try { return regionNames.of(code); } catch { return code; }
};
const timeFormat = new Intl.DateTimeFormat(lang === "ar" ? "ar-u-nu-latn" : "en-GB",
  { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });
const formatTime = (iso) => (iso ? `${timeFormat.format(new Date(iso))} UTC` : "—");

const SVG_TAGS = new Set(["svg", "path", "circle", "g", "line", "text", "title"]);

// el("a", {href: …, class: …}, child, "text", …): children are nodes or strings (as text nodes).
function el(tag, attributes = {}, ...children) {
  const node = document.createElementNS(
    SVG_TAGS.has(tag) ? "http://www.w3.org/2000/svg" : "http://www.w3.org/1999/xhtml", tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// Only web links become links: a report's url may be anything its producer sent.
const safeLink = (url) => (/^https?:\/\//i.test(url || "") ? url : null);

async function api(path) {
  const response = await fetch(path, { headers: { Accept: "application/json" } });
  if (!response.ok) throw new Error(`${response.status} ${path}`);
  return response.json();
}

function setUpPage() {
  document.documentElement.lang = lang;
  document.documentElement.dir = lang === "ar" ? "rtl" : "ltr";
  for (const node of document.querySelectorAll("[data-t]")) node.textContent = t(node.dataset.t);
  const toggle = document.getElementById("language");
  toggle.textContent = t("other");
  toggle.addEventListener("click", () => {
    localStorage.setItem("akhbar-lang", lang === "ar" ? "en" : "ar");
    location.reload();
  });
}

// A live connection to /updates; `onEvent(summary)` for each changed event, `onReconnect()` after a gap.
function liveUpdates(query, onEvent, onReconnect) {
  const status = document.getElementById("live");
  const source = new EventSource(`/updates${query ? `?${query}` : ""}`);
  let lost = false;
  source.addEventListener("open", () => {
    status.textContent = t("live");
    status.className = "live on";
    if (lost) onReconnect();
    lost = false;
  });
  source.addEventListener("error", () => {
    status.textContent = t("offline");
    status.className = "live off";
    lost = true;
  });
  source.addEventListener("event", (message) => onEvent(JSON.parse(message.data)));
  return source;
}

// The offline map: vendored Natural Earth boundaries, equirectangular, fitted to the places shown.
let world = null;
const REGION = { west: -18, east: 64, south: 8, north: 44 }; // the Arab world, when nothing is placed

async function drawMap(container, countries, places) {
  world = world || await api("/world.geojson");
  const lons = places.map((p) => p.longitude);
  const lats = places.map((p) => p.latitude);
  const box = places.length ? {
    west: Math.min(REGION.west, ...lons), east: Math.max(REGION.east, ...lons),
    south: Math.min(REGION.south, ...lats), north: Math.max(REGION.north, ...lats),
  } : REGION;
  const width = 800;
  const scale = width / (box.east - box.west);
  const height = Math.round((box.north - box.south) * scale);
  const project = ([lon, lat]) => `${((lon - box.west) * scale).toFixed(1)},${((box.north - lat) * scale).toFixed(1)}`;
  const involved = new Set(countries);
  const svg = el("svg", { viewBox: `0 0 ${width} ${height}`, class: "map", role: "img", "aria-label": t("map") });
  for (const feature of world.features) {
    const d = feature.geometry.coordinates.flat()
      .map((ring) => `M${ring.map(project).join("L")}Z`).join("");
    const code = feature.properties.iso;
    svg.append(el("path", { d, class: involved.has(code) ? "land involved" : "land", "data-country": code },
      el("title", {}, countryName(code))));
  }
  for (const place of places) {
    const [x, y] = project([place.longitude, place.latitude]).split(",");
    svg.append(el("circle", { cx: x, cy: y, r: 5, class: "place", "data-entity": place.entity_id },
      el("title", {}, place.canonical || place.entity_id)));
  }
  container.replaceChildren(svg);
}
