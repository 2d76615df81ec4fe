// The live log: exchanges pushed by Server-Sent Events, newest first, filterable, each one openable.

import { exchangeDetail } from "./api.js";
import { pageViews } from "./flow.js";
import { showExplanation } from "./explanation-view.js";
import { answerFromRecord, requestFromRecord } from "./record-view.js";
import { showRequest } from "./request-view.js";
import { showResponse, statusClass } from "./response-view.js";

const intro = document.querySelector("[data-stream]");
const list = document.querySelector("[data-log]");
const connection = document.querySelector("[data-connection]");
const pathFilter = document.querySelector('[data-filter="path"]');
const classFilter = document.querySelector('[data-filter="class"]');
const views = pageViews();
const shown = new Set();
const MAX_ENTRIES = 500;

function matches(item) {
  const path = pathFilter.value;
  const cls = classFilter.value;
  const pathOk = !path || (path.endsWith("/") ? item.dataset.path.startsWith(path) : item.dataset.path === path);
  return pathOk && (!cls || item.dataset.status.startsWith(cls));
}

function entryItem(exchange) {
  const item = document.createElement("li");
  item.dataset.path = exchange.request.path;
  item.dataset.status = String(exchange.response.status);
  const button = document.createElement("button");
  button.type = "button";
  button.className = "log-entry";
  const time = new Date(exchange.time).toLocaleTimeString("en-GB");
  const cls = statusClass(exchange.response.status);
  const parts = [
    ["time", time],
    ["client", exchange.client],
    ["method", exchange.request.method],
    ["path", exchange.request.path],
    [`status status-${cls.key}`, exchange.response.status_line],
    ["duration", `${exchange.duration_ms.toFixed(1)} ms`],
  ];
  for (const [name, text] of parts) {
    const span = document.createElement("span");
    span.className = name;
    span.textContent = text;
    button.append(span, " ");
  }
  button.addEventListener("click", () => openExchange(exchange));
  item.append(button);
  item.hidden = !matches(item);
  return item;
}

function add(exchange) {
  if (shown.has(exchange.id)) return;
  shown.add(exchange.id);
  list.prepend(entryItem(exchange));
  while (list.children.length > MAX_ENTRIES) list.lastElementChild.remove();
}

async function openExchange(exchange) {
  showRequest(views.request, requestFromRecord(exchange));
  showResponse(views.response, answerFromRecord(exchange));
  try {
    showExplanation(views.explanation, await exchangeDetail(exchange.id));
  } catch {
    showExplanation(views.explanation, exchange);
  }
}

function connect() {
  // EventSource reconnects by itself after a dropped connection, sending Last-Event-ID.
  const source = new EventSource(intro.dataset.stream);
  source.addEventListener("open", () => {
    connection.textContent = "Live";
  });
  source.addEventListener("exchange", (event) => add(JSON.parse(event.data)));
  source.addEventListener("gap", (event) => {
    connection.textContent = `Live (${event.data} exchanges left the log before they could be shown)`;
  });
  source.addEventListener("error", () => {
    connection.textContent = "Reconnecting…";
  });
}

for (const filter of [pathFilter, classFilter]) {
  filter.addEventListener("change", () => {
    for (const item of list.children) item.hidden = !matches(item);
  });
}

document.querySelector("[data-clear-button]").addEventListener("click", async () => {
  const token = document.querySelector('meta[name="csrf-token"]').content;
  const response = await fetch(intro.dataset.clear, { method: "POST", headers: { "X-CSRFToken": token } });
  if (response.ok) list.replaceChildren();
});

connect();
