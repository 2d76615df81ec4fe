// The live log: exchanges pushed by Server-Sent Events, newest first, filterable, each one openable.

import { exchangeDetail } from "./api.js";
import { pageViews } from "./flow.js";
import { showExplanation } from "./explanation-view.js";
import { LiveFeed } from "./live-feed.js";
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

function onFeed(message) {
  if (message.type === "exchange") add(message.exchange);
  else if (message.type === "status") connection.textContent = message.text;
  else if (message.type === "gap") {
    connection.textContent = `Live (${message.count} exchanges left the log before they could be shown)`;
  } else if (message.type === "cleared") {
    list.replaceChildren();
    shown.clear();
  }
}

/** Open the feed: one per browser, shared by its tabs through a SharedWorker where there is one. */
function openFeed() {
  const start = { type: "start", streamUrl: intro.dataset.stream, apiUrl: intro.dataset.api };
  if (!("SharedWorker" in window)) {
    new LiveFeed({ ...start, emit: onFeed }).start();
    return () => {};
  }
  const worker = new SharedWorker(intro.dataset.worker, { type: "module", name: "live-log" });
  worker.port.addEventListener("message", ({ data }) => onFeed(data));
  worker.port.start();
  worker.port.postMessage(start);
  addEventListener("pagehide", () => worker.port.postMessage({ type: "bye" }));
  return (message) => worker.port.postMessage(message);
}

for (const filter of [pathFilter, classFilter]) {
  filter.addEventListener("change", () => {
    for (const item of list.children) item.hidden = !matches(item);
  });
}

const tellOtherTabs = openFeed();

async function teacherPost(url) {
  const token = document.querySelector('meta[name="csrf-token"]').content;
  const response = await fetch(url, { method: "POST", headers: { "X-CSRFToken": token } });
  return response.ok;
}

document.querySelector("[data-clear-button]")?.addEventListener("click", async () => {
  if (!(await teacherPost(intro.dataset.clear))) return;
  onFeed({ type: "cleared" });
  tellOtherTabs({ type: "cleared" });
});

document.querySelector("[data-reset-predictions]")?.addEventListener("click", async () => {
  if (await teacherPost(intro.dataset.resetPredictions)) {
    document.querySelector("[data-predictions] tbody").replaceChildren();
  }
});

document.querySelector("[data-show-clients]")?.addEventListener("change", (event) => {
  list.classList.toggle("show-clients", event.target.checked);
});
