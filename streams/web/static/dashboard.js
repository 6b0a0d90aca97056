// The dashboard: rows and events pushed by the worker over server-sent events (/stream), drawn
// as bars with the vendored Chart.js; nothing is fetched from anywhere but the worker.
"use strict";

const KINDS = { signing: "签约", project: "项目", period_stat: "统计", target: "目标", pipeline: "储备" };
const METRICS = { total_investment: "总投资", attracted_funds: "引资", funds_in_place: "到位资金", fdi_utilized: "实际利用外资" };
const FEED_SIZE = 30;
const TOP_CITIES = 20;
const rows = new Map(); // key → totals row of the chosen metric and year
let source = null;

const metricPicker = document.getElementById("metric");
const yearPicker = document.getElementById("year");

function yi(cny) {
  return cny / 1e8;
}

function barChart(canvasId, color) {
  return new Chart(document.getElementById(canvasId), {
    type: "bar",
    data: { labels: [], datasets: [{ label: "亿元", data: [], backgroundColor: color }] },
    options: {
      indexAxis: "y",
      animation: false,
      maintainAspectRatio: false,
      plugins: { legend: { display: false } },
      scales: { x: { beginAtZero: true } },
    },
  });
}

const charts = { province: barChart("provinces", "#2f6fdf"), city: barChart("cities", "#1f9d7a") };

function draw() {
  for (const [level, chart] of Object.entries(charts)) {
    let shown = [...rows.values()].filter((r) => r.region.level === level && r.event_count > 0);
    shown.sort((a, b) => b.amount_cny - a.amount_cny || a.key.localeCompare(b.key));
    if (level === "city") shown = shown.slice(0, TOP_CITIES);
    chart.data.labels = shown.map((r) => r.region.name);
    chart.data.datasets[0].data = shown.map((r) => yi(r.amount_cny));
    chart.canvas.parentNode.style.height = `${Math.max(60, shown.length * 24 + 40)}px`;
    chart.resize();
    chart.update();
  }
  const drawn = charts.province.data.labels.length + charts.city.data.labels.length;
  document.getElementById("empty").hidden = drawn > 0;
}

function setYears(years) {
  const chosen = yearPicker.value;
  const wanted = ["all", ...years];
  const have = [...yearPicker.options].map((o) => o.value);
  if (wanted.join() === have.join()) return;
  yearPicker.replaceChildren(
    ...wanted.map((y) => new Option(y === "all" ? "all years" : y, y, false, y === chosen)),
  );
}

function eventItem(e) {
  const li = document.createElement("li");
  li.dataset.eventId = e.event_id;
  const meta = document.createElement("div");
  meta.className = "meta";
  const figure = e.amount ? `${yi(e.amount.value_cny).toLocaleString("zh-CN", { maximumFractionDigits: 2 })} 亿元` : "";
  const amount = [METRICS[e.metric], figure].filter(Boolean).join(" ");
  const when = e.published_at || "";
  meta.textContent = [KINDS[e.kind] || e.kind, e.region.name, amount, when].filter(Boolean).join(" · ");
  const evidence = document.createElement("p");
  evidence.className = "evidence";
  const mark = document.createElement("mark");
  mark.textContent = e.evidence;
  evidence.append(mark);
  const link = document.createElement("a");
  link.href = e.url;
  link.target = "_blank";
  link.rel = "noopener noreferrer";
  link.textContent = e.url;
  li.append(meta, evidence, link);
  return li;
}

function addEvents(events) {
  const feed = document.getElementById("feed");
  // events come newest first; prepend the oldest first so the newest ends on top
  for (const e of [...events].reverse()) {
    feed.querySelector(`li[data-event-id="${CSS.escape(e.event_id)}"]`)?.remove();
    feed.prepend(eventItem(e));
  }
  while (feed.children.length > FEED_SIZE) feed.lastElementChild.remove();
}

function setStats(s) {
  document.getElementById("deadletters").textContent = s.deadletters.toLocaleString();
  document.getElementById("lag").textContent = s.lag.toLocaleString();
  document.getElementById("articles-in").textContent = s.articles_in.toLocaleString();
  document.getElementById("events-out").textContent = s.events_out.toLocaleString();
}

function connect() {
  if (source) source.close();
  const query = new URLSearchParams({ metric: metricPicker.value, year: yearPicker.value });
  const status = document.getElementById("connection");
  source = new EventSource(`/stream?${query}`);
  source.onopen = () => (status.textContent = "live");
  source.onerror = () => (status.textContent = "reconnecting");
  source.addEventListener("totals", (msg) => {
    const m = JSON.parse(msg.data);
    if (m.reset) rows.clear();
    for (const r of m.rows) rows.set(r.key, r);
    for (const key of m.removed) rows.delete(key);
    setYears(m.years);
    draw();
  });
  source.addEventListener("events", (msg) => addEvents(JSON.parse(msg.data).events));
  source.addEventListener("stats", (msg) => setStats(JSON.parse(msg.data)));
}

metricPicker.addEventListener("change", () => {
  yearPicker.value = "all";
  connect();
});
yearPicker.addEventListener("change", connect);
connect();
