// The live log: exchanges pushed by Server-Sent Events, newest first, filterable, each one openable.

import { exchangeDetail } from "../lib/api.js";
import { pageViews } from "../components/flow.js";
import { showExplanation } from "../components/explanation-view.js";
import { LiveFeed } from "../lib/live-feed.js";
import { requestFromRecord, showRequest } from "../components/request-view.js";
import { answerFromRecord, showResponse, statusClass } from "../components/response-view.js";

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
  // The server says which of the path filters each exchange passes (api/serialize.py, path_matches).
  const pathOk = !path || item.dataset.logPaths.split(" ").includes(path);
  return pathOk && (!cls || item.dataset.status.startsWith(cls));
}

function entryItem(exchange) {
  const item = document.createElement("li");
  item.dataset.id = String(exchange.id);
  item.dataset.path = exchange.request.path;
  item.dataset.logPaths = (exchange.log_paths ?? []).join(" ");
  item.dataset.status = String(exchange.response.status);
  const button = document.createElement("button");
  button.type = "button";
  button.className = "log-entry";
  const time = new Date(exchange.time).toLocaleTimeString("en-GB");
  const cls = statusClass(exchange.response.status);
  const span = (name, text) => {
    const element = document.createElement("span");
    element.className = name;
    element.textContent = text;
    return element;
  };
  // What was asked (and when, and how long it took) on the first line, the answer on the second.
  const asked = span("asked", "");
  asked.append(
    span("method", exchange.request.method),
    span("path", exchange.request.path),
    span("duration", `${exchange.duration_ms.toFixed(1)} ms`),
    span("time", time),
    span("client", exchange.client),
  );
  button.append(asked, span(`status status-${cls.key}`, exchange.response.status_line));
  button.addEventListener("click", () => openExchange(exchange));
  item.append(button);
  item.hidden = !matches(item);
  return item;
}

// The Join panel folds to one line in the projector view once the class has joined (the first
// exchange arrived), unless the teacher opened it again; the teacher can fold it any time.
const join = document.querySelector("[data-join]");
const joinLine = join.querySelector("[data-join-line]");
const joinBox = join.querySelector(".join-box");
let joinChosen = false;

function foldJoin(folded) {
  join.classList.toggle("folded", folded);
  joinLine.hidden = !folded;
  joinBox.hidden = folded;
}

join.querySelector("[data-join-fold]").addEventListener("click", () => {
  joinChosen = true;
  foldJoin(true);
  join.querySelector("[data-join-unfold]").focus();
});
join.querySelector("[data-join-unfold]").addEventListener("click", () => {
  joinChosen = true;
  foldJoin(false);
  join.querySelector("[data-join-fold]").focus();
});

function add(exchange) {
  if (shown.has(exchange.id)) return;
  if (!joinChosen && document.documentElement.hasAttribute("data-projector")) foldJoin(true);
  shown.add(exchange.id);
  list.prepend(entryItem(exchange));
  while (list.children.length > MAX_ENTRIES) list.lastElementChild.remove();
}

const harLink = document.querySelector("[data-har]");
const exchangeHar = document.querySelector("[data-exchange-har]");

/** The Download HAR link exports what the filters show: the whole log, or a path, or a class. */
function updateHarLink() {
  const url = new URL(harLink.href);
  url.search = "";
  if (pathFilter.value) url.searchParams.set("path", pathFilter.value);
  if (classFilter.value) url.searchParams.set("class", classFilter.value);
  harLink.href = url.pathname + url.search;
}

async function openExchange(exchange) {
  exchangeHar.href = `${intro.dataset.api}/${exchange.id}.har`;
  exchangeHar.closest("[data-exchange-har-box]").hidden = false;
  showRequest(views.request, requestFromRecord(exchange));
  showResponse(views.response, answerFromRecord(exchange));
  try {
    showExplanation(views.explanation, await exchangeDetail(exchange.id));
  } catch {
    showExplanation(views.explanation, exchange);
  }
}

// The newest exchange the teacher's Clear emptied: one of them still arriving (a stream's backlog,
// another tab) never comes back.
let clearedThrough = 0;

/** The teacher cleared the log: every entry up to `through` goes (newer ones stay), and the tally. */
function cleared(through) {
  clearedThrough = Math.max(clearedThrough, through);
  for (const item of [...list.children]) {
    if (Number(item.dataset.id) <= clearedThrough) {
      shown.delete(Number(item.dataset.id));
      item.remove();
    }
  }
  emptyPredictions();
}

function onFeed(message) {
  if (message.type === "exchange" && message.exchange.id > clearedThrough) add(message.exchange);
  else if (message.type === "status") connection.textContent = message.text;
  else if (message.type === "gap") {
    connection.textContent = `Live (${message.count} exchanges left the log before they could be shown)`;
  } else if (message.type === "cleared") cleared(Number(message.through) || 0);
  else if (message.type === "reset") emptyPredictions();
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
    updateHarLink();
  });
}

const tellOtherTabs = openFeed();

async function teacherPost(url) {
  const token = document.querySelector('meta[name="csrf-token"]').content;
  return fetch(url, { method: "POST", headers: { "X-CSRFToken": token } });
}

// Clear asks once; then every open live log (this one, the class's) empties, told by its stream.
document.querySelector("[data-clear-button]")?.addEventListener("click", async () => {
  if (!confirm("Clear the log and the predictions for the whole class?")) return;
  const response = await teacherPost(intro.dataset.clearUrl);
  if (!response.ok) return;
  const message = { type: "cleared", through: Number(response.headers.get("X-Cleared-Through")) || 0 };
  onFeed(message);
  tellOtherTabs(message);
});

document.querySelector("button[data-reset-predictions]")?.addEventListener("click", async () => {
  if ((await teacherPost(intro.dataset.resetUrl)).ok) emptyPredictions();
});

// "How the class predicted" follows the class: the tally is read again every few seconds, and
// emptied at once when the stream says the teacher reset it.
const predictionsTable = document.querySelector("[data-predictions]");
const noPredictions = predictionsTable.dataset.empty;
let tallyVersion = 0; // a read that began before a reset must not bring its rows back

function emptyRow() {
  const tr = document.createElement("tr");
  const td = document.createElement("td");
  td.colSpan = 4;
  td.className = "muted";
  td.textContent = noPredictions;
  tr.append(td);
  return tr;
}

function emptyPredictions() {
  tallyVersion += 1;
  predictionsTable.tBodies[0].replaceChildren(emptyRow());
}

function predictionRow(row) {
  const tr = document.createElement("tr");
  const predicted = Object.entries(row.predicted).map(([code, n]) => `${code} × ${n}`).join(", ");
  const cells = [row.shape, String(row.actual), `${row.right} of ${row.count}`, predicted];
  cells.forEach((text, index) => {
    const td = document.createElement("td");
    if (index === 0) {
      const code = document.createElement("code");
      code.textContent = text;
      td.append(code);
    } else {
      td.textContent = text;
    }
    tr.append(td);
  });
  return tr;
}

async function refreshPredictions() {
  const version = tallyVersion;
  try {
    const response = await fetch(predictionsTable.dataset.url, { cache: "no-store" });
    if (!response.ok) return;
    const rows = await response.json();
    if (version !== tallyVersion) return;
    const body = predictionsTable.tBodies[0];
    body.replaceChildren(...(rows.length ? rows.map(predictionRow) : [emptyRow()]));
  } catch {
    // The next round tries again.
  }
}
setInterval(refreshPredictions, 3000);

const joinDialog = document.querySelector("[data-join-dialog]");
document.querySelector("[data-join-open]").addEventListener("click", () => joinDialog.showModal());

document.querySelector("[data-show-clients]")?.addEventListener("change", (event) => {
  list.classList.toggle("show-clients", event.target.checked);
});

// The class's challenge: the teacher sets one (every lab opens it); its results follow every 2 s.
const classBox = document.querySelector("[data-class-challenge]");
const setForm = classBox.querySelector("[data-set-challenge]");
const stopButton = classBox.querySelector("[data-stop-challenge]");
const CLASS_POLL_MS = 2000;

function showClassResults(state) {
  const set = classBox.querySelector('[data-part="set"]');
  if (state.challenge) {
    const title = document.createElement("strong");
    title.textContent = state.title;
    set.replaceChildren("Set: ", title);
  } else {
    set.textContent = set.dataset.none;
  }
  classBox.querySelector('[data-part="solved"]').textContent = state.challenge
    ? `Solved by ${state.solved} of ${state.checked}`
    : "";
  const rows = state.mistakes.map(({ mistake, count }) => {
    const item = document.createElement("li");
    item.textContent = `${mistake}: ${count}`;
    return item;
  });
  if (!rows.length) {
    const none = document.createElement("li");
    none.className = "muted";
    none.textContent = "None yet.";
    rows.push(none);
  }
  classBox.querySelector('[data-part="mistakes"]').replaceChildren(...rows);
  if (stopButton) stopButton.hidden = !state.challenge;
}

async function refreshClassResults() {
  try {
    const response = await fetch(classBox.dataset.resultsUrl, { cache: "no-store" });
    if (response.ok) showClassResults(await response.json());
  } catch {
    // The next round tries again.
  }
}

async function setClassChallenge(challenge) {
  const token = document.querySelector('meta[name="csrf-token"]').content;
  const response = await fetch(setForm.action, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRFToken": token },
    body: JSON.stringify({ challenge }),
  });
  if (response.ok) await refreshClassResults();
}

setForm?.addEventListener("submit", (event) => {
  event.preventDefault();
  setClassChallenge(setForm.elements.challenge.value);
});
stopButton?.addEventListener("click", () => setClassChallenge(""));
setInterval(() => {
  if (document.visibilityState === "visible") refreshClassResults();
}, CLASS_POLL_MS);
