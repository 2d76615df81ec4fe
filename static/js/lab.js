// The code lab: the learner's app file runs in Pyodide, in a Web Worker, and answers the forms'
// requests; the answer and its explanation fill the same views as the home page.

import { part, setRichText } from "./dom.js";
import { chosenFields, control } from "./endpoint-form.js";
import { buildRequest, sendRequest } from "./exchange.js";
import { clearExplanation, showExplanation } from "./explanation-view.js";
import { pageViews } from "./flow.js";
import { enableCopy, showRequest } from "./request-view.js";
import { formatBytes, showFailure, showResponse } from "./response-view.js";
import { enableToggles } from "./send-toggle.js";

const RUN_LIMIT_MS = 5000;
const layout = document.querySelector("[data-lab-config]");
const config = JSON.parse(layout.dataset.labConfig);
const listings = JSON.parse(layout.dataset.listings);
const views = pageViews();
const code = document.querySelector("[data-code]");
const gutter = document.querySelector("[data-gutter]");
const highlight = document.querySelector("[data-highlight]");
const mark = document.querySelector("[data-mark]");
const codeError = document.querySelector("[data-code-error]");
const listing = document.querySelector("[data-listing]");
const status = document.querySelector("[data-lab-status]");
const progress = document.querySelector("[data-lab-progress]");
const serverLog = document.querySelector("[data-server-log]");
const compareView = document.querySelector("[data-compare-view]");
const forms = Array.from(document.querySelectorAll("[data-lab-form]"));

// -- The editor: a textarea, with line numbers, Pygments' colours behind it, and the deciding line ---

function refreshEditor() {
  const count = code.value.split("\n").length;
  // The editor grows with the code: the page scrolls, not a box inside it.
  code.style.height = "auto";
  code.style.height = `${code.scrollHeight}px`;
  gutter.textContent = Array.from({ length: count }, (_, i) => i + 1).join("\n");
  highlight.textContent = `${code.value}\n`;
  requestHighlight();
  markLine(null);
}

function syncScroll() {
  highlight.style.transform = `translate(${-code.scrollLeft}px, ${-code.scrollTop}px)`;
  mark.style.transform = `translateY(${-code.scrollTop}px)`;
  gutter.scrollTop = code.scrollTop;
}

/** Mark a line of the editor: the deciding line of an answer, or the line of a mistake. */
function markLine(line, kind = "deciding") {
  mark.hidden = !line;
  if (!line) return;
  const lineHeight = parseFloat(getComputedStyle(code).lineHeight);
  const padding = parseFloat(getComputedStyle(code).paddingTop);
  mark.style.top = `${padding + (line - 1) * lineHeight}px`;
  mark.style.height = `${lineHeight}px`;
  mark.className = `editor-mark ${kind}`;
  mark.dataset.line = String(line);
}

code.addEventListener("input", refreshEditor);
code.addEventListener("scroll", syncScroll);
code.addEventListener("keydown", (event) => {
  if (event.key === "Tab" && !event.ctrlKey && !event.metaKey && !event.altKey) {
    event.preventDefault();
    document.execCommand("insertText", false, "    ");
  } else if (event.key === "Enter" && !event.ctrlKey && !event.metaKey) {
    // Keep the indentation of the line above, and indent after a colon, as Python wants.
    const before = code.value.slice(0, code.selectionStart);
    const current = before.slice(before.lastIndexOf("\n") + 1);
    const indent = current.match(/^\s*/)[0] + (current.trimEnd().endsWith(":") ? "    " : "");
    event.preventDefault();
    document.execCommand("insertText", false, `\n${indent}`);
  }
});

function setCode(text) {
  code.value = text;
  refreshEditor();
}

// -- Python, in a worker: loaded once, restarted after a run that takes too long ---------------------

let worker = null;
let ready = null;
let nextId = 0;
const pending = new Map();
let highlightTimer = null;

function startWorker() {
  if (!config) return;
  worker = new Worker(layout.dataset.worker, { type: "module" });
  ready = new Promise((resolve, reject) => {
    worker.addEventListener("message", ({ data }) => {
      if (data.type === "progress") {
        progress.max = data.total;
        progress.value = data.loaded;
        status.textContent = `Loading Python: ${formatBytes(data.loaded)} of ${formatBytes(data.total)}`;
        for (const send of document.querySelectorAll("[data-send]")) send.textContent = "Send (loading Python…)";
      } else if (data.type === "ready") {
        layout.dataset.loadTimings = JSON.stringify(data.timings);
        status.textContent = "Python is ready: edit the code and press Send.";
        progress.hidden = true;
        for (const send of document.querySelectorAll("[data-send]")) send.textContent = "Send";
        resolve();
        requestHighlight();
      } else if (data.type === "failed") {
        status.textContent = `Python could not start (${data.message}). Run make lab, then reload.`;
        reject(new Error(data.message));
      } else if (data.type === "result" || data.type === "highlighted") {
        pending.get(data.id)?.(data);
        pending.delete(data.id);
      }
    });
  });
  ready.catch(() => {});
  worker.postMessage({ type: "load", config });
}

function ask(message) {
  const id = ++nextId;
  return new Promise((resolve) => {
    pending.set(id, resolve);
    worker.postMessage({ ...message, id });
  });
}

function requestHighlight() {
  clearTimeout(highlightTimer);
  highlightTimer = setTimeout(async () => {
    if (!worker || !(await ready.then(() => true, () => false))) return;
    const text = code.value;
    const answer = await ask({ type: "highlight", code: text });
    // Pygments escaped the source: its HTML is safe to show (as on every page's source view).
    if (code.value === text) highlight.innerHTML = `${answer.html}\n`;
  }, 150);
}

/** Run the code against one request; an endless loop is stopped after 5 s and Python restarted. */
async function runCode(request) {
  await ready;
  const message = { type: "run", code: code.value, request };
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve({ stopped: true }), RUN_LIMIT_MS);
  });
  const outcome = await Promise.race([ask(message), timeout]);
  clearTimeout(timer);
  if (outcome.stopped) {
    worker.terminate();
    for (const resolve of pending.values()) resolve({ result: { kind: "stopped" } });
    pending.clear();
    startWorker();
    return { kind: "stopped" };
  }
  return { ...outcome.result, durationMs: outcome.durationMs ?? 0 };
}

// -- Sending --------------------------------------------------------------------------------------

function describe(form) {
  return buildRequest({
    method: control(form, "method").value,
    encoding: control(form, "encoding").value,
    path: form.dataset.path,
    fields: chosenFields(form),
  });
}

function showMistake(message, line) {
  codeError.hidden = false;
  codeError.textContent = message;
  markLine(line, "mistake");
  showFailure(views.response, new Error(message));
  clearExplanation(views.explanation, "Your code did not answer, so there is nothing to explain.");
}

function show(result) {
  codeError.hidden = true;
  serverLog.hidden = true;
  if (result.kind === "stopped") {
    showMistake("Stopped after 5 s: your code ran too long (an endless loop?). A fresh Python is starting.", null);
    return;
  }
  if (result.kind === "syntax_error") {
    showMistake(`SyntaxError on line ${result.line}: ${result.message}. Nothing was sent.`, result.line);
    return;
  }
  if (result.kind === "error") {
    showMistake(result.message, result.line);
    return;
  }
  const body = result.body ?? "";
  showResponse(views.response, {
    status: result.status,
    statusText: result.statusText,
    version: "test_client",
    headers: result.headers,
    body,
    bodyBytes: new TextEncoder().encode(body).byteLength,
    transferBytes: null,
    durationMs: result.durationMs,
    note: result.notes?.length ? result.notes.join(" ") : null,
  });
  if (result.serverLog) {
    serverLog.hidden = false;
    part(serverLog, "log").textContent = result.serverLog;
  }
  if (result.explanation) {
    showExplanation(views.explanation, { response: { status: result.status }, explanation: result.explanation });
    part(views.explanation, "source-caption").textContent = "The view is your code, in the editor: its deciding line is marked there.";
    markLine(result.explanation.source_file === "app.py" ? result.explanation.line_number : null);
  }
}

async function send(form) {
  const request = describe(form);
  showRequest(views.request, request);
  clearExplanation(views.explanation, "Waiting for your code's answer…");
  views.response.setAttribute("aria-busy", "true");
  performance.mark("lab:send");
  const result = await runCode({ path: request.path, method: request.method, headers: request.headers, body: request.body });
  show(result);
  requestAnimationFrame(() => performance.measure("lab:send-to-answer", "lab:send"));
  views.response.removeAttribute("aria-busy");
  history.pushState({ form: form.id, code: code.value, result }, "", await linkFor(code.value));
}

// -- Compare with the server: the same request to the tutorial's unchanged code --------------------

function summary(status, statusText, headers, body) {
  return [`${status} ${statusText}`, ...headers.map(([n, v]) => `${n}: ${v}`), "", body].join("\n");
}

async function compare(form) {
  const request = describe(form);
  const serverPath = listing.value === "make_response" ? `/make_response${form.dataset.path}` : form.dataset.path;
  const [mine, theirs] = await Promise.all([
    runCode({ path: request.path, method: request.method, headers: request.headers, body: request.body }),
    sendRequest({ ...request, url: `${location.origin}${serverPath}${request.path.slice(form.dataset.path.length)}` }),
  ]);
  compareView.hidden = false;
  const differences = [];
  if (mine.kind !== "answer") {
    differences.push("Your code did not answer (see the Response above); the server did.");
    part(compareView, "mine").textContent = mine.message ?? "(no answer)";
  } else {
    const myHeaders = mine.headers
      .map(([n, v]) => [n.toLowerCase(), v])
      .filter(([n]) => !["date", "server", "connection"].includes(n));
    const theirHeaders = theirs.headers.filter(([n]) => !["date", "server", "connection"].includes(n));
    part(compareView, "mine").textContent = summary(mine.status, mine.statusText, myHeaders, mine.body);
    if (mine.status !== theirs.status) differences.push(`Status: ${mine.status} from your code, ${theirs.status} from the server.`);
    if (mine.body !== theirs.body) differences.push("Body: your code's differs from the server's.");
    const key = (headers) => headers.map(([n, v]) => `${n}: ${v}`).sort().join("\n");
    if (key(myHeaders) !== key(theirHeaders)) differences.push("Headers: not the same (Date and Server aside).");
  }
  part(compareView, "server").textContent = summary(theirs.status, theirs.statusText, theirs.headers, theirs.body);
  const list = part(compareView, "differences");
  list.replaceChildren(
    ...(differences.length ? differences : ["The same answer: your code and the server's agree."]).map((text) => {
      const item = document.createElement("li");
      setRichText(item, text);
      return item;
    }),
  );
  compareView.scrollIntoView({ block: "nearest" });
}

// -- Share and history: the code lives in the URL, compressed -------------------------------------

async function squeeze(text) {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream("deflate-raw"));
  const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

async function unsqueeze(packed) {
  const binary = atob(packed.replaceAll("-", "+").replaceAll("_", "/"));
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
  return new Response(stream).text();
}

async function linkFor(text) {
  return text === listings[listing.value] ? `${location.pathname}?listing=${listing.value}` : `${location.pathname}?listing=${listing.value}#code=${await squeeze(text)}`;
}

async function restore() {
  const params = new URLSearchParams(location.search);
  if (listings[params.get("listing")]) listing.value = params.get("listing");
  const packed = location.hash.startsWith("#code=") ? location.hash.slice(6) : null;
  try {
    setCode(packed ? await unsqueeze(packed) : listings[listing.value]);
  } catch {
    setCode(listings[listing.value]);
    status.textContent = "The link's code could not be read: here is the tutorial's.";
  }
}

window.addEventListener("popstate", async (event) => {
  await restore();
  if (event.state?.result) show(event.state.result);
});

// -- Wiring ---------------------------------------------------------------------------------------

for (const form of forms) {
  enableToggles(form);
  const target = form.querySelector('[data-part="target"]');
  form.addEventListener("change", () => {
    target.textContent = `${control(form, "method").value} ${form.dataset.path}`;
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    send(form);
  });
  form.querySelector("[data-compare]").addEventListener("click", () => compare(form));
}
document.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    const form = event.target.closest?.("[data-lab-form]") ?? forms[forms.length - 1];
    send(form);
  }
});
listing.addEventListener("change", async () => {
  setCode(listings[listing.value]);
  history.replaceState(null, "", await linkFor(code.value));
});
document.querySelector("[data-reset]").addEventListener("click", async () => {
  setCode(listings[listing.value]);
  history.pushState(null, "", await linkFor(code.value));
});
enableCopy(views.request);
startWorker(); // first: Python loads while the page restores the code from its link
await restore();
