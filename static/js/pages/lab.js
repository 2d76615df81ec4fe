// The code lab: the learner's app file runs in Pyodide, in a Web Worker, and answers the forms'
// requests; the answer and its explanation fill the same views as the home page.

import { part, setRichText } from "../lib/dom.js";
import { chosenFields, control, enableToggles } from "../components/endpoint-form.js";
import { buildRequest } from "../lib/request.js";
import { sendRequest } from "../lib/send.js";
import { clearExplanation } from "../components/explanation-view.js";
import { beginExchange, pageViews, render, showAnswer } from "../components/flow.js";
import { enableCopy } from "../components/request-view.js";
import { formatBytes, revealAnswer, showFailure } from "../components/response-view.js";
import { downloadProgress, loadProgress, saveProgress } from "../lib/progress.js";

const RUN_LIMIT_MS = 5000;
const CHECK_LIMIT_MS = 15000; // a Check sends a challenge's requests, a few per check
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
const linkWarning = document.querySelector("[data-link-warning]");
const linkError = document.querySelector("[data-link-error]");
const MAX_LINK_BYTES = Number(layout.dataset.maxLinkBytes);
// A deflated file is never much larger than the file; in base64, four characters for three bytes.
const MAX_PACKED_CHARACTERS = Math.ceil((MAX_LINK_BYTES * 1.01 + 64) / 3) * 4;

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

code.addEventListener("input", () => {
  refreshEditor();
  linkWarning.hidden = true;
});
code.addEventListener("scroll", syncScroll);
// Tab indents, Shift+Tab removes indentation; Esc, then Tab or Shift+Tab, moves on (as code
// editors on the web do), so the keyboard is never trapped here.
let escaped = false;
code.addEventListener("blur", () => {
  escaped = false;
});
code.addEventListener("keydown", (event) => {
  if (event.key === "Escape") {
    escaped = true;
    return;
  }
  if (["Shift", "Control", "Alt", "Meta"].includes(event.key)) return;
  if (event.key === "Tab" && escaped) {
    escaped = false;
    return; // the browser moves the focus
  }
  escaped = false;
  if (event.key === "Tab" && event.shiftKey && !event.ctrlKey && !event.metaKey && !event.altKey) {
    event.preventDefault();
    dedent();
  } else if (event.key === "Tab" && !event.ctrlKey && !event.metaKey && !event.altKey) {
    event.preventDefault();
    if (code.value.slice(code.selectionStart, code.selectionEnd).includes("\n")) indentLines();
    else document.execCommand("insertText", false, "    ");
  } else if (event.key === "Enter" && !event.ctrlKey && !event.metaKey) {
    // Keep the indentation of the line above, and indent after a colon, as Python wants.
    const before = code.value.slice(0, code.selectionStart);
    const current = before.slice(before.lastIndexOf("\n") + 1);
    const indent = current.match(/^\s*/)[0] + (current.trimEnd().endsWith(":") ? "    " : "");
    event.preventDefault();
    document.execCommand("insertText", false, `\n${indent}`);
  }
});

/** The selected lines, whole: where they start and end in the code. */
function selectedLines() {
  const start = code.value.lastIndexOf("\n", code.selectionStart - 1) + 1;
  const last = code.selectionEnd > code.selectionStart && code.value[code.selectionEnd - 1] === "\n" ? code.selectionEnd - 1 : code.selectionEnd;
  const newline = code.value.indexOf("\n", last);
  return [start, newline === -1 ? code.value.length : newline];
}

/** Replace the selected lines with `change(lines)`, as one step of the browser's undo, and keep them selected. */
function rewriteLines(change) {
  const [start, end] = selectedLines();
  const text = change(code.value.slice(start, end).split("\n")).join("\n");
  code.setSelectionRange(start, end);
  document.execCommand("insertText", false, text);
  code.setSelectionRange(start, start + text.length);
}

function indentLines() {
  rewriteLines((lines) => lines.map((line) => (line ? `    ${line}` : line)));
}

/** Remove up to four spaces from the start of each selected line (or the cursor's line). */
function dedent() {
  if (code.selectionStart !== code.selectionEnd) {
    rewriteLines((lines) => lines.map((line) => line.replace(/^ {1,4}/, "")));
    return;
  }
  const lineStart = code.value.lastIndexOf("\n", code.selectionStart - 1) + 1;
  const spaces = code.value.slice(lineStart).match(/^ {1,4}/)?.[0].length ?? 0;
  if (!spaces) return;
  const caret = code.selectionStart;
  code.setSelectionRange(lineStart, lineStart + spaces);
  document.execCommand("delete");
  code.setSelectionRange(Math.max(lineStart, caret - spaces), Math.max(lineStart, caret - spaces));
}

// The code the page itself last put in the editor (a listing, a link's, a challenge's start): any other
// is the learner's edit, not to be discarded without asking.
let loadedCode = null;

function setCode(text) {
  code.value = text;
  loadedCode = text;
  refreshEditor();
}

// -- Python, in a sandbox: an opaque-origin frame whose worker answers one request at a time -------
//
// The learner's code (or a stranger's, from a link) runs in a Web Worker inside an
// `<iframe sandbox="allow-scripts">` (static/js/workers/lab-sandbox.js): no cookie, no same-origin read, no
// way into this page but messages of plain data through one port. A message that answers no
// pending request of this page retires that sandbox. A spare sandbox loads beside the active one,
// so a stop, a Reset or a crash is followed by a ready Python at once.
//
// Where the browser does not isolate the sandbox (plain http:// to a classroom laptop's address, not
// a secure context: no SharedArrayBuffer, so the worker cannot block between requests), a sandbox
// serves one run or check and is retired as soon as its answer arrives: the next Send goes to the
// spare, and a new spare starts.

const STEPS = {
  downloading: (data) => `Downloading Python: ${formatBytes(data.loaded)} of ${formatBytes(data.total)}`,
  downloaded: () => "Downloaded Python: handing it to the sandbox…",
  starting: () => "Starting Python (the download is done)…",
  importing: () => "Importing Flask and the playground's explainer…",
  restoring: () => "Starting Python from the copy this browser kept (Flask already imported)…",
  keeping: () => "Keeping a copy of this Python in the browser, so that your next visit starts at once…",
};
let nextId = 0;
let downloads = null;

/** Download every file the sandbox needs, once per page: the browser's cache keeps them for the next
 *  visit (a sandbox, being an opaque origin, has no cache of its own), and a spare reuses them. */
function downloadPython(onProgress) {
  downloads ??= (async () => {
    const total = config.files.reduce((sum, file) => sum + file.bytes, 0);
    let loaded = 0;
    const files = await Promise.all(
      config.files.map(async ({ url }) => {
        const response = await fetch(url);
        if (!response.ok) throw new Error(`${url} answered ${response.status}`);
        const reader = response.body.getReader();
        const chunks = [];
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          chunks.push(value);
          loaded += value.byteLength;
          onProgress?.({ step: "downloading", loaded, total });
        }
        return [url, await new Blob(chunks).arrayBuffer()];
      }),
    );
    onProgress?.({ step: "downloaded", loaded, total });
    performance.mark("lab:downloaded"); // bench/lab.py reports the page's steps
    return files;
  })();
  return downloads;
}

// -- The snapshot: a later visit starts from a Python that has imported Flask and the explainer -----
//
// The first sandbox that finds no snapshot here makes one of its Python's memory before any
// learner's code runs (static/js/workers/lab-worker.js: the Python that makes it never runs such
// code) and hands it over with "ready", and no later. This page keeps it in its own origin's Cache
// API (a sandbox, being an opaque origin, has no storage), under the server's snapshotKey (Pyodide's
// release, the wheels, the playground's Python: a new release starts afresh) with its SHA-256, and
// hands a copy to each sandbox it starts. A stored snapshot that does not match its digest, or
// that Python refuses, is dropped and Python starts fresh.

const SNAPSHOTS = "lab-python-snapshots";
// A name in the Cache API, never fetched: one per release, shared by every class on this origin.
const snapshotKey = config && `${location.origin}/lab-python-snapshot/${config.snapshotKey}`;
let snapshot = null;

async function sha256(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

// On plain http:// (a classroom's address: no secure context) the browser offers neither the Cache
// API nor crypto.subtle, but it does offer IndexedDB: the snapshot is kept there, with a checksum of
// this page's own that finds a damaged copy (what a digest is for here: only this origin's pages
// can write there, and they are the playground's).
const SNAPSHOT_DB = "lab-python-snapshots";

function checksum(bytes) {
  // Two FNV-1a-style sums over 32-bit words, in two directions, and the length: any flipped byte shows.
  const words = new Uint32Array(bytes, 0, bytes.byteLength >>> 2);
  let forward = 0x811c9dc5;
  let backward = 0x01000193;
  for (let i = 0; i < words.length; i++) {
    forward = Math.imul(forward ^ words[i], 0x01000193);
    backward = Math.imul(backward ^ words[words.length - 1 - i], 0x811c9dc5) + i;
  }
  for (const byte of new Uint8Array(bytes, words.length * 4)) forward = Math.imul(forward ^ byte, 0x01000193);
  return `${(forward >>> 0).toString(16)}-${(backward >>> 0).toString(16)}-${bytes.byteLength}`;
}

function snapshotStore(mode, use) {
  return new Promise((resolve, reject) => {
    const opened = indexedDB.open(SNAPSHOT_DB, 1);
    opened.onupgradeneeded = () => opened.result.createObjectStore("snapshots");
    opened.onerror = () => reject(opened.error);
    opened.onsuccess = () => {
      const db = opened.result;
      const transaction = db.transaction("snapshots", mode);
      const result = use(transaction.objectStore("snapshots"));
      transaction.oncomplete = () => {
        db.close();
        resolve(result.result);
      };
      transaction.onerror = transaction.onabort = () => {
        db.close();
        reject(transaction.error);
      };
    };
  });
}

const plainStorage = {
  async read() {
    const kept = await snapshotStore("readonly", (store) => store.get(snapshotKey));
    if (!kept) return { bytes: null, note: null };
    performance.mark("lab:snapshot-bytes");
    if (!(kept.bytes instanceof ArrayBuffer) || kept.checksum !== checksum(kept.bytes)) {
      await this.forget();
      return { bytes: null, note: "the stored snapshot did not match its checksum" };
    }
    performance.mark("lab:snapshot-read");
    return { bytes: kept.bytes, note: null };
  },
  async keep(bytes) {
    await snapshotStore("readwrite", (store) => {
      store.clear(); // another release's snapshot goes
      return store.put({ bytes, checksum: checksum(bytes) }, snapshotKey);
    });
  },
  async forget() {
    await snapshotStore("readwrite", (store) => store.delete(snapshotKey));
  },
};

/** Where this browser can keep a snapshot: the Cache API with a SHA-256 (a secure context), else
 *  IndexedDB with the page's checksum (plain http), else nowhere. */
const storage = self.caches && crypto.subtle ? "cache" : self.indexedDB ? "indexeddb" : null;

/** The stored snapshot, read once per page: `{ bytes, note }`, bytes null when there is none to use. */
function storedSnapshot() {
  snapshot ??= (async () => {
    if (storage === "indexeddb") return plainStorage.read().catch(() => ({ bytes: null, note: null }));
    if (storage !== "cache") return { bytes: null, note: null };
    try {
      const cache = await caches.open(SNAPSHOTS);
      const response = await cache.match(snapshotKey);
      if (!response) return { bytes: null, note: null };
      const bytes = await response.arrayBuffer();
      performance.mark("lab:snapshot-bytes");
      if (response.headers.get("X-Snapshot-SHA256") !== (await sha256(bytes))) {
        await cache.delete(snapshotKey);
        return { bytes: null, note: "the stored snapshot did not match its digest" };
      }
      performance.mark("lab:snapshot-read");
      return { bytes, note: null };
    } catch {
      return { bytes: null, note: null }; // storage this browser refuses: start fresh
    }
  })();
  return snapshot;
}

/** Forget a stored snapshot that Python could not start from, so that the next visit does not try it. */
async function forgetSnapshot() {
  snapshot = Promise.resolve({ bytes: null, note: null });
  try {
    if (storage === "indexeddb") await plainStorage.forget();
    else await (await caches.open(SNAPSHOTS)).delete(snapshotKey);
  } catch {
    // Nothing stored, or no storage: nothing to forget.
  }
}

/** Keep a snapshot a sandbox made before running any learner's code: for this page's next sandbox
 *  at once, and in the Cache API for the next visit (replacing any other release's). */
async function keepSnapshot(bytes) {
  snapshot = Promise.resolve({ bytes, note: null });
  if (!storage) {
    // A browser with no storage for pages: the snapshot serves this page's next Pythons only.
    layout.dataset.snapshot = "this page only";
    return;
  }
  layout.dataset.snapshot = "storing";
  if (storage === "indexeddb") {
    try {
      await plainStorage.keep(bytes);
      layout.dataset.snapshot = "stored";
    } catch {
      layout.dataset.snapshot = "not stored";
    }
    return;
  }
  try {
    const cache = await caches.open(SNAPSHOTS);
    const headers = { "Content-Type": "application/octet-stream", "X-Snapshot-SHA256": await sha256(bytes) };
    for (const request of await cache.keys()) if (request.url !== snapshotKey) await cache.delete(request);
    await cache.put(snapshotKey, new Response(bytes, { headers }));
    layout.dataset.snapshot = "stored";
  } catch {
    layout.dataset.snapshot = "not stored";
    // A browser that keeps nothing (a full disk, a private window's quota) starts fresh next time.
  }
}

class Sandbox {
  constructor(onProgress) {
    this.onProgress = onProgress;
    this.pending = new Map();
    this.state = "loading";
    this.ranCode = null; // the learner's code this Python has run, if any
    this.ready = new Promise((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    this.ready.catch(() => {});
    this.frame = document.createElement("iframe");
    this.frame.setAttribute("sandbox", "allow-scripts");
    this.frame.setAttribute("allow", "cross-origin-isolated");
    this.frame.title = "The code lab's Python";
    this.frame.className = "lab-sandbox";
    this.frame.hidden = true;
    this.frame.dataset.labSandbox = "";
    this.frame.addEventListener("load", () => this.connect(), { once: true });
    this.frame.src = layout.dataset.sandbox;
    document.body.append(this.frame);
  }

  async connect() {
    const channel = new MessageChannel();
    this.port = channel.port1;
    this.port.addEventListener("message", ({ data }) => this.receive(data));
    this.port.start();
    this.frame.contentWindow.postMessage({ type: "connect" }, "*", [channel.port2]);
    try {
      const [files, stored] = await Promise.all([
        downloadPython((data) => this.state === "loading" && this.onProgress?.(data)),
        storedSnapshot(),
      ]);
      this.setAside = stored.note;
      this.gaveSnapshot = Boolean(stored.bytes);
      // A copy of each file and of the snapshot: the page keeps its own for the spare.
      this.port.postMessage({ type: "start", config, files, snapshot: stored.bytes });
      performance.mark("lab:sandbox-started");
    } catch (error) {
      this.state = "failed";
      this.missingFiles = true; // a file of the lab's did not download: make lab fetches them
      this.rejectReady(error);
    }
  }

  /** Data from the sandbox: each message must answer what this page is waiting for. */
  receive(data) {
    const type = data?.type;
    if (this.state === "loading" && type === "progress") {
      if (STEPS[data.step]) this.onProgress?.(data);
    } else if (this.state === "loading" && type === "ready") {
      this.state = "ready";
      const timings = data.timings && typeof data.timings === "object" ? data.timings : {};
      const start = String(timings.start ?? "");
      this.timings = { ...timings, start: this.setAside && start === "fresh" ? `fresh: ${this.setAside}` : start };
      // Not isolated, it serves one run or check: the page retires it at that answer (askPython).
      this.oneRequest = data.isolated !== true || !self.crossOriginIsolated;
      layout.dataset.sandboxMode = this.oneRequest ? "one request" : "isolated";
      // Only a sandbox that has run no learner's code may hand over a snapshot: "ready" comes before
      // the first request, and a snapshot offered at any other time is a message nobody asked for.
      // (A Send may have claimed it while it loaded: that code has not been sent to it yet.)
      if (data.snapshot instanceof ArrayBuffer && !this.askedToRun) keepSnapshot(data.snapshot);
      else if (this.gaveSnapshot && start !== "snapshot") forgetSnapshot();
      this.resolveReady();
    } else if (this.state === "loading" && type === "failed") {
      this.state = "failed";
      this.rejectReady(new Error(String(data.message)));
    } else if (this.state === "ready" && type === "answer" && this.pending.has(data.id)) {
      const resolve = this.pending.get(data.id);
      this.pending.delete(data.id);
      // The worker's answer comes as JSON text (bounded by the worker and the frame); the frame's own
      // as an object. Either way answerFrom() then keeps only the fields it knows, checked.
      let result = data.result;
      if (typeof result === "string") {
        try {
          result = JSON.parse(result);
        } catch {
          result = { kind: "misbehaved" };
        }
      }
      resolve({ ...data, result });
    } else if (this.state !== "retired") {
      // The frame's own report (the worker stopped for its memory), or a message nobody asked for.
      const kind = type === "misbehaved" && data.reason === "memory" ? "memory" : "misbehaved";
      this.retire({ kind });
      onMisbehaved(this, kind);
    }
  }

  ask(message) {
    const id = ++nextId;
    if (message.type !== "highlight") this.askedToRun = true;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.port.postMessage({ ...message, id });
    });
  }

  /** Stop it for good: the frame goes, and its worker with it. */
  retire(result) {
    this.state = "retired";
    this.retiredFor = result?.kind;
    this.rejectReady(new Error("retired"));
    this.frame.remove();
    for (const resolve of this.pending.values()) resolve({ result });
    this.pending.clear();
  }
}

let active = null;
let spare = null;
let highlightTimer = null;

function showProgress(data) {
  if (data.total) {
    progress.max = data.total;
    progress.value = data.loaded;
  }
  status.textContent = STEPS[data.step](data);
}

/** The sandbox that answers the next Send; say what it is doing until it is ready. */
function activate(sandbox) {
  active = sandbox;
  sandbox.onProgress = showProgress;
  if (sandbox.state === "loading") {
    status.textContent = "Starting a fresh Python…";
    progress.hidden = false;
  }
  sandbox.ready.then(
    () => {
      if (active !== sandbox) return;
      layout.dataset.loadTimings = JSON.stringify(sandbox.timings);
      layout.dataset.pythonStart = sandbox.timings.start;
      performance.mark("lab:ready");
      status.textContent = "Python is ready: edit the code and press Send.";
      progress.hidden = true;
      requestHighlight();
      spare ??= new Sandbox(null); // warm, for the next Send, stop or Reset
      spare.ready.then(() => {
        if (spare?.state !== "ready") return;
        layout.dataset.spare = "ready";
        performance.mark("lab:spare-ready"); // bench/lab.py: how soon a fresh Python waits again
      });
    },
    (error) => {
      if (active === sandbox && sandbox.state === "failed") {
        status.textContent = sandbox.missingFiles
          ? `Python could not start (${error.message}). Run make lab, then reload.`
          : `Python could not start in this browser (${error.message}). Reload the page to try again.`;
      }
    },
  );
}

/** Retire the active sandbox and put the spare (or a new one) in its place. */
function replaceActive(result) {
  delete layout.dataset.spare;
  active.retire(result);
  const next = spare ?? new Sandbox(null);
  spare = null;
  activate(next);
}

function onMisbehaved(sandbox, kind) {
  if (sandbox === spare) {
    spare = new Sandbox(null);
  } else if (sandbox === active) {
    delete layout.dataset.spare;
    const next = spare ?? new Sandbox(null);
    spare = null;
    activate(next);
    showMistake(NO_ANSWER[kind](), null);
  }
}

function startPython() {
  if (!config) return;
  activate(new Sandbox(showProgress));
}

function requestHighlight() {
  clearTimeout(highlightTimer);
  highlightTimer = setTimeout(async () => {
    // Only a Python that has run no learner's code colours the editor: code that ran may have
    // rewritten the highlighter to watch what is typed next.
    const sandbox = [active, spare].find((one) => one?.state === "ready" && one.ranCode === null);
    if (!sandbox) return;
    const text = code.value;
    const { result } = await sandbox.ask({ type: "highlight", code: text });
    if (code.value === text && result?.kind === "tokens") paint(text, result.tokens);
  }, 150);
}

/** Colour the editor from Pygments' tokens: spans this page builds, the texts as text. */
function paint(text, tokens) {
  // Tokens that are not exactly the code (a rewritten highlighter) are refused: the text stays plain.
  const exact = Array.isArray(tokens) && tokens.every((token) => typeof token?.[1] === "string");
  if (!exact || tokens.map((token) => token[1]).join("") !== text) {
    highlight.dataset.highlighted = "refused";
    return;
  }
  highlight.dataset.highlighted = "coloured";
  const spans = tokens.map(([kind, piece]) => {
    if (!/^[a-z0-9]{1,4}$/.test(kind)) return piece;
    const span = document.createElement("span");
    span.className = kind;
    span.textContent = piece;
    return span;
  });
  highlight.replaceChildren(...spans, "\n");
}

const MISBEHAVED =
  "Stopped: your code sent this page a message of its own. The lab took no notice and stopped that Python: the next Send runs in a fresh one.";
const STOPPED = "Stopped after 5 s: your code ran too long (an endless loop?). The lab stopped that Python: the next Send runs in a fresh one.";

/**
 * Ask the active sandbox one thing (a run, a check) and read its answer with `read`, which lets only
 * data of the expected shapes through. An answer that does not come within `limit` ms is stopped, and
 * Python replaced.
 */
async function askPython(message, limit, read, busy) {
  // Code that ran may have changed its Python (a patched runtime answers for the next file too) and
  // kept what it made (JavaScript buffers outside the WebAssembly ceiling): each Send runs in a fresh
  // Python when the warm spare is ready, and other code always does. Only the same code, sent again
  // before a spare is ready, reuses the Python it ran in.
  // A Send while this Python still runs an earlier one (an endless loop, a slow run): only the newest
  // answer is shown, so the earlier run goes with its Python, and this one runs in the next, never
  // queued behind it (where the loop's stop would be its answer too).
  if (active?.running > 0 && active.state === "ready") replaceActive({ kind: "superseded" });
  const used = active?.ranCode != null && active.state === "ready";
  if (used && active.oneRequest) {
    // Its one run is still on its way: this Send goes to the next Python, and that one is retired
    // when its answer comes (below).
    delete layout.dataset.spare;
    const next = spare ?? new Sandbox(null);
    spare = null;
    activate(next);
  } else if (used && (active.ranCode !== message.code || spare?.state === "ready")) replaceActive({ kind: "reset" });
  const sandbox = active;
  const claim = (sandbox.claims = (sandbox.claims ?? 0) + 1); // the Sends waiting for this Python
  // The first file to claim a Python owns it from the claim on, before it is ready: another file
  // that claims it meanwhile goes to a fresh one, never into a Python the first file's code ran in.
  sandbox.ranCode ??= message.code;
  // Where each Python serves one run (not isolated), the next may still be starting: say so.
  if (sandbox.state === "loading") status.textContent = "Starting a fresh Python for your code…";
  try {
    await sandbox.ready;
  } catch {
    if (sandbox.retiredFor === "superseded") return { kind: "superseded" };
    return { kind: sandbox.state === "retired" ? "misbehaved" : "unavailable" };
  }
  // A Python that serves one run serves the first Send that waited for it; the others go on to the
  // next Python (the first has set ranCode by now, so this one moves past it).
  if (sandbox.oneRequest && claim > 1) return askPython(message, limit, read, busy);
  if (sandbox.ranCode !== message.code) {
    // Another file claimed this Python first. Only the newest Send's answer is shown: that one's
    // run goes with this Python, and this file runs in the next.
    if (active === sandbox) replaceActive({ kind: "superseded" });
    return askPython(message, limit, read, busy);
  }
  sandbox.frame.dataset.labSandbox = "ran code";
  status.textContent = busy;
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve({ stopped: true }), limit);
  });
  sandbox.running = (sandbox.running ?? 0) + 1;
  const outcome = await Promise.race([sandbox.ask(message), timeout]);
  sandbox.running -= 1;
  clearTimeout(timer);
  if (outcome.result?.kind === "superseded") return { kind: "superseded" };
  // A Python that may not block between requests served its one: it goes now (its frame, its worker
  // and whatever the code left behind), and the spare answers the next Send.
  if (sandbox.oneRequest && !outcome.stopped && sandbox.state !== "retired") {
    if (active === sandbox) replaceActive({ kind: "reset" });
    else sandbox.retire({ kind: "reset" });
  }
  if (outcome.stopped) {
    performance.mark("lab:stopped"); // when the limit fired: e2e/test_lab.py checks it is 5 s
    if (active === sandbox) replaceActive({ kind: "stopped" });
    else if (sandbox.state !== "retired") sandbox.retire({ kind: "stopped" });
    return { kind: "stopped" };
  }
  const result = read(outcome.result);
  if (["memory", "crashed", "misbehaved"].includes(result.kind) && active === sandbox) replaceActive(result);
  if (active === sandbox) status.textContent = "Python is ready: edit the code and press Send.";
  return { ...result, durationMs: Number(outcome.durationMs) || 0 };
}

/** Run the code against one request; a run that does not answer in 5 s is stopped, Python replaced. */
function runCode(request) {
  return askPython({ type: "run", code: code.value, request }, RUN_LIMIT_MS, answerFrom, "Running your code…");
}

/** What the sandbox answered, as plain data of the expected shapes: nothing else gets through. */
function answerFrom(raw) {
  const text = (value) => (typeof value === "string" ? value : "");
  const line = (value) => (Number.isInteger(value) && value > 0 ? value : null);
  const kind = text(raw?.kind);
  if (kind === "answer") {
    const headers = Array.isArray(raw.headers)
      ? raw.headers.filter((pair) => Array.isArray(pair) && pair.length === 2).map(([n, v]) => [text(n), text(v)])
      : [];
    const e = raw.explanation && typeof raw.explanation === "object" ? raw.explanation : null;
    const explanation = e && Object.fromEntries(
      Object.entries(e)
        .filter(([name]) => name !== "source_html" && name !== "rules")
        .map(([name, value]) => [name, typeof value === "number" || typeof value === "boolean" ? value : value == null ? null : text(value)]),
    );
    if (explanation) {
      for (const name of ["summary", "status_class", "status_class_name", "status_class_meaning", "status_description"]) {
        explanation[name] = text(explanation[name]);
      }
      explanation.rules = rulesFrom(e.rules);
    }
    // The answer in the shape every page shows (response-view.js), and what explains it.
    const status = Number.isInteger(raw.status) ? raw.status : 0;
    const body = text(raw.body);
    const notes = [
      ...(Array.isArray(raw.notes) ? raw.notes.map(text) : []),
      ...(raw.bodyCut === true ? ["The page shows the first 1 MiB of the body."] : []),
    ];
    return {
      kind,
      answer: {
        status,
        statusText: text(raw.statusText),
        version: "",
        headers,
        body,
        bodyBytes: Number.isInteger(raw.bodyBytes) && raw.bodyBytes >= 0 ? raw.bodyBytes : new TextEncoder().encode(body).byteLength,
        transferBytes: null,
        note: notes.join(" ") || null,
      },
      detail: explanation ? { response: { status }, explanation } : null,
      serverLog: text(raw.serverLog),
    };
  }
  if (kind === "syntax_error" || kind === "error") {
    return { kind, line: line(raw.line), column: line(raw.column), message: text(raw.message) };
  }
  if (["memory", "crashed", "misbehaved", "stopped", "unavailable"].includes(kind)) {
    return { kind, message: text(raw?.message) };
  }
  return { kind: "misbehaved" };
}

const MAX_RULES = 40;

/** The HTTP rules of an answer (recording/rules.py's Review.as_dict()), as text fields only. */
function rulesFrom(raw) {
  if (!raw || typeof raw !== "object") return null;
  const text = (value) => (typeof value === "string" ? value : "");
  const items = (value) => (Array.isArray(value) ? value.filter((item) => item && typeof item === "object").slice(0, MAX_RULES) : []);
  const cited = (item) => ({ id: text(item.id), section: text(item.section), rfc: text(item.rfc), quote: text(item.quote) });
  const finding = (item) => ({ ...cited(item), rule: text(item.rule), strength: text(item.strength), detail: text(item.detail) });
  return {
    summary: text(raw.summary),
    broken: items(raw.broken).map(finding),
    advice: items(raw.advice).map(finding),
    notes: items(raw.notes).map((item) => ({ ...cited(item), text: text(item.text) })),
  };
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

/** Say that the learner's code gave no answer, and why: in the Response, by the editor, in the line. */
function showMistake(message, line) {
  codeError.hidden = false;
  codeError.textContent = message;
  markLine(line, "mistake");
  showFailure(views.response, new Error(message));
  part(views.response, "placeholder").textContent = `No answer: ${message}`;
  clearExplanation(views.explanation, "Your code did not answer, so there is nothing to explain.");
}

const NO_ANSWER = {
  stopped: () => STOPPED,
  misbehaved: () => MISBEHAVED,
  memory: () =>
    `Stopped: your code asked for more than ${layout.dataset.memoryCeiling} MiB, the lab's memory ceiling. The next Send runs in a fresh Python.`,
  crashed: (result) => `Python itself failed while running your code (${result.message}). The next Send runs in a fresh Python.`,
  unavailable: () => "Python is not available in this page: run make lab, then reload.",
  superseded: () => "Stopped: a later Send took its place, in a fresh Python.",
};

function show(result, request = null) {
  codeError.hidden = true;
  serverLog.hidden = true;
  // A comparison belongs to the code it was made with, and to an answer.
  if (code.value !== comparedCode || result.kind !== "answer") compareView.hidden = true;
  views.response.removeAttribute("aria-busy");
  if (NO_ANSWER[result.kind]) {
    showMistake(NO_ANSWER[result.kind](result), null);
    return;
  }
  if (result.kind === "syntax_error") {
    showMistake(`SyntaxError on line ${result.line}: ${result.message}. Your code could not run, so no request reached it.`, result.line);
    return;
  }
  if (result.kind === "error") {
    showMistake(result.message, result.line);
    return;
  }
  // The same exchange, shown the same way as on every page (components/flow.js).
  const entry = { request, answer: { ...result.answer, durationMs: result.durationMs }, detail: result.detail };
  showAnswer(views, entry, { reveal: false });
  render(views, { ...entry, request: null });
  if (result.serverLog) {
    serverLog.hidden = false;
    part(serverLog, "log").textContent = result.serverLog;
  }
  if (result.detail) {
    part(views.explanation, "source-caption").textContent = "The view is your code, in the editor: its deciding line is marked there.";
    const { explanation } = result.detail;
    markLine(explanation.source_file === "app.py" ? explanation.line_number : null);
  } else {
    clearExplanation(views.explanation, "Your code answered, but no view of it ran: nothing to explain.");
  }
}

const SAME_REQUEST_NOTE =
  "These commands send the same request to this server, where the tutorial's unchanged code answers: not your code, which runs only in this browser.";

/** What the form sends, to your code in this browser: the request line has no host. */
function sentTo(request) {
  return { ...request, url: request.path, origin: SAME_REQUEST_NOTE };
}

/** The exchange begins as on every page; the Response says what is happening until the answer comes. */
function begin(request) {
  beginExchange(views, { request: sentTo(request) }, "Waiting for your code's answer…");
  const message =
    active?.state === "ready"
      ? "Running your code… (stopped after 5 s if it does not answer)"
      : "Python is still loading: your code runs as soon as it is ready.";
  part(views.response, "placeholder").hidden = false;
  part(views.response, "answer").hidden = true;
  part(views.response, "placeholder").textContent = message;
  delete views.response.dataset.status;
}

// Each Send or Compare takes a number; only the newest one's answer is shown. A Send pressed while
// an earlier one still runs (an endless loop, a Python still starting) replaces it on screen, so an
// answer never stands beside another request than its own.
let latestExchange = 0;
// The form Ctrl+Enter sends from the editor: the one the learner sent or used last.
let lastForm = forms[forms.length - 1];

async function send(form) {
  const exchange = ++latestExchange;
  lastForm = form;
  const request = describe(form);
  linkWarning.hidden = true;
  compareView.hidden = true; // a comparison belongs to the request it compared
  begin(request);
  revealAnswer(views.response); // on a phone the Response says what is happening while it waits
  performance.mark("lab:send");
  const sent = code.value;
  const [result, link] = await Promise.all([
    runCode({ path: request.path, method: request.method, headers: request.headers, body: request.body }),
    linkFor(sent),
  ]);
  if (exchange !== latestExchange) return; // a later Send or Compare owns the views now
  // The history entry is there before the answer is on screen: Back right after it goes to the
  // previous send, never to an entry this one has not pushed yet.
  history.pushState({ form: form.id, code: sent, result, request: sentTo(request), sent: true }, "", link);
  try {
    show(result, sentTo(request));
    revealAnswer(views.response); // on a phone the answer is a screen or two below the form
  } finally {
    requestAnimationFrame(() => performance.measure("lab:send-to-answer", "lab:send"));
  }
}

// -- Compare with the server: the same request to the tutorial's unchanged code --------------------

let comparedCode = null;

function summary(status, statusText, headers, body) {
  return [`${status} ${statusText}`, ...headers.map(([n, v]) => `${n}: ${v}`), "", body].join("\n");
}

async function compare(form) {
  const exchange = ++latestExchange;
  lastForm = form;
  const request = describe(form);
  compareView.hidden = true;
  begin(request);
  revealAnswer(views.response);
  const serverPath = listing.value === "make_response" ? `/make_response${form.dataset.path}` : form.dataset.path;
  const [mine, theirs] = await Promise.all([
    runCode({ path: request.path, method: request.method, headers: request.headers, body: request.body }),
    sendRequest({ ...request, url: `${location.origin}${layout.dataset.serverRoot}${serverPath}${request.path.slice(form.dataset.path.length)}` }),
  ]);
  if (exchange !== latestExchange) return; // a later Send or Compare owns the views now
  comparedCode = code.value;
  show(mine, sentTo(request)); // the Response, the explanation and the editor's marks: your code's side
  compareView.hidden = false;
  const differences = [];
  if (mine.kind !== "answer") {
    differences.push("Your code did not answer (the Response and the editor say why); the server did.");
    part(compareView, "mine").textContent = mine.message ?? "(no answer)";
  } else {
    const myHeaders = mine.answer.headers
      .map(([n, v]) => [n.toLowerCase(), v])
      .filter(([n]) => !["date", "server", "connection"].includes(n));
    const theirHeaders = theirs.headers.filter(([n]) => !["date", "server", "connection"].includes(n));
    const answer = mine.answer;
    part(compareView, "mine").textContent = summary(answer.status, answer.statusText, myHeaders, answer.body);
    if (answer.status !== theirs.status) differences.push(`Status: ${answer.status} from your code, ${theirs.status} from the server.`);
    if (answer.body !== theirs.body) differences.push("Body: your code's differs from the server's.");
    const key = (headers) => headers.map(([n, v]) => `${n}: ${v}`).sort().join("\n");
    if (key(myHeaders) !== key(theirHeaders)) differences.push("Headers: not the same (Date and Server aside).");
  }
  const shownHeaders = theirs.headers.filter(([n]) => !["date", "server", "connection"].includes(n.toLowerCase()));
  part(compareView, "server").textContent = summary(theirs.status, theirs.statusText, shownHeaders, theirs.body);
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

class LinkTooLarge extends Error {}
// Unicode's bidirectional controls: they can make code read unlike what runs ("Trojan Source").
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/;

/** The code of a #code= link: decoding stops at the lab's limit, so a small link cannot inflate. */
async function unsqueeze(packed) {
  if (packed.length > MAX_PACKED_CHARACTERS) throw new LinkTooLarge();
  const binary = atob(packed.replaceAll("-", "+").replaceAll("_", "/"));
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw")).getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_LINK_BYTES) {
      reader.cancel();
      throw new LinkTooLarge();
    }
    chunks.push(value);
  }
  return new TextDecoder("utf-8", { fatal: true }).decode(await new Blob(chunks).arrayBuffer());
}

async function linkFor(text) {
  return text === listings[listing.value] ? `${location.pathname}?listing=${listing.value}` : `${location.pathname}?listing=${listing.value}#code=${await squeeze(text)}`;
}

let restoring = 0;

/** Show the code of the page's URL (the listing, or a #code= link); the latest call wins. */
async function restore() {
  const mine = ++restoring;
  const params = new URLSearchParams(location.search);
  if (listings[params.get("listing")]) listing.value = params.get("listing");
  const packed = location.hash.startsWith("#code=") ? location.hash.slice(6) : null;
  linkWarning.hidden = true;
  try {
    const text = packed ? await unsqueeze(packed) : listings[listing.value];
    if (mine !== restoring) return false;
    setCode(text);
    // Code somebody else wrote: say so until the learner edits it or sends it, and name the lines
    // where characters that reverse the text's direction could make it read unlike what runs.
    linkWarning.hidden = !packed || text === listings[listing.value] || history.state?.sent;
    const reversed = text.split("\n").flatMap((row, index) => (BIDI_CONTROLS.test(row) ? [index + 1] : []));
    part(linkWarning, "bidi").hidden = !reversed.length;
    part(linkWarning, "bidi").textContent = reversed.length
      ? `Careful: line ${reversed.join(", ")} holds characters that reverse the direction of text (Unicode bidirectional controls), so it may read differently from what Python runs.`
      : "";
  } catch (error) {
    if (mine !== restoring) return false;
    setCode(listings[listing.value]);
    linkError.hidden = false;
    linkError.textContent =
      error instanceof LinkTooLarge
        ? `This link's code is over ${MAX_LINK_BYTES / 1024} KB, the lab's limit for one file: it was not opened. Here is the tutorial's code.`
        : "This link's code could not be read: here is the tutorial's code.";
  }
  return true;
}

window.addEventListener("popstate", async (event) => {
  const state = event.state;
  if (!(await restore())) return;
  shownListing = listing.value;
  latestExchange += 1; // an answer still on its way belongs to the entry left behind
  if (state?.result) {
    if (state.request) render(views, { request: state.request }); // the answer beside its own request
    show(state.result, state.request ?? null);
  } else {
    // Back to before anything was sent: no answer of later code may stay beside this code.
    codeError.hidden = true;
    serverLog.hidden = true;
    compareView.hidden = true;
    markLine(null);
    showFailure(views.response, new Error(""));
    part(views.response, "placeholder").textContent = "Press Send: your code's answer appears here.";
    clearExplanation(views.explanation, "Press Send: the same explainer as the server's says which line of your code decided the answer.");
  }
});

// -- Challenges: a goal, checks that run the learner's app in the sandbox, progress kept here ------

const challengesBox = document.querySelector("[data-challenges]");
const challenges = JSON.parse(challengesBox.dataset.challenges);
const challengeById = new Map(challenges.map((challenge) => [challenge.id, challenge]));
const challengeView = challengesBox.querySelector("[data-challenge-view]");
const checkButton = challengeView.querySelector("[data-check]");
const hintButton = challengeView.querySelector("[data-hint]");
const solutionButton = challengeView.querySelector("[data-solution-ask]");
const learnerProgress = loadProgress(challenges.map((challenge) => challenge.id));
const solutionAsks = new Map();
let chosen = null;

const CHECK_STOPPED =
  "Stopped after 15 s: the checks did not finish (an endless loop?). The lab stopped that Python: the next Check runs in a fresh one.";

/** A check's result from the sandbox, as plain data of the expected shapes: nothing else gets through. */
function checkFrom(raw) {
  const text = (value) => (typeof value === "string" ? value : "");
  const line = (value) => (Number.isInteger(value) && value > 0 ? value : null);
  const kind = text(raw?.kind);
  if (kind !== "checked") {
    const known = ["memory", "crashed", "misbehaved", "stopped", "unavailable", "error"].includes(kind);
    return known ? { kind, message: text(raw?.message) } : { kind: "misbehaved" };
  }
  const pairs = (value) =>
    Array.isArray(value) ? value.filter((pair) => Array.isArray(pair) && pair.length === 2).slice(0, 50).map(([n, v]) => [text(n), text(v)]) : [];
  const sent = (value) =>
    value && typeof value === "object"
      ? { method: text(value.method), path: text(value.path), headers: pairs(value.headers), body: value.body == null ? null : text(value.body) }
      : null;
  const got = (value) =>
    value && typeof value === "object"
      ? {
          status: Number.isInteger(value.status) ? value.status : 0,
          headers: pairs(value.headers),
          body: text(value.body),
          exception: value.exception == null ? null : text(value.exception),
        }
      : null;
  const results = (Array.isArray(raw.results) ? raw.results : [])
    .filter((result) => result && typeof result === "object")
    .slice(0, 50)
    .map((result) => ({
      check: text(result.check),
      passed: result.passed === true,
      sent: sent(result.sent),
      expected: text(result.expected),
      got: got(result.got),
      mistake: result.mistake == null ? null : text(result.mistake),
      line: line(result.line),
      sourceLine: text(result.source_line),
    }));
  const error =
    raw.error && typeof raw.error === "object"
      ? { message: text(raw.error.message), line: line(raw.error.line), mistake: raw.error.mistake == null ? null : text(raw.error.mistake) }
      : null;
  const solved = !error && results.length > 0 && results.every((result) => result.passed);
  return { kind, challenge: text(raw.challenge), solved, error, results };
}

function item(className, ...children) {
  const element = document.createElement("li");
  if (className) element.className = className;
  element.append(...children);
  return element;
}

function labelled(term, text) {
  const row = document.createElement("p");
  const label = document.createElement("strong");
  label.textContent = `${term}: `;
  row.append(label);
  const value = document.createElement("span");
  setRichText(value, text);
  row.append(value);
  return row;
}

function requestLine(sent) {
  const body = sent.body ? `, body \`${sent.body}\`` : "";
  const address = sent.address ? ` from ${sent.address}` : "";
  const headers = sent.headers.filter(([name]) => name.toLowerCase() !== "content-type").map(([n, v]) => `\`${n}: ${v}\``);
  return `\`${sent.method} ${sent.path}\`${address}${headers.length ? `, with ${headers.join(", ")}` : ""}${body}`;
}

function answerLine(got) {
  const headers = got.headers.filter(([name]) => !["content-length", "date", "server"].includes(name.toLowerCase()));
  const shown = headers.map(([n, v]) => `\`${n}: ${v}\``).join(", ");
  const body = got.body ? `, body \`${got.body.length > 200 ? `${got.body.slice(0, 200)}…` : got.body}\`` : ", no body";
  const raised = got.exception ? ` (the app raised \`${got.exception}\`)` : "";
  return `${got.status}${raised}${shown ? `, with ${shown}` : ""}${body}`;
}

/** One check as a list item: passed, or failed with what it sent, expected and got. */
function resultItem(result) {
  const head = document.createElement("p");
  const verdict = document.createElement("strong");
  verdict.textContent = result.passed ? "Passed: " : "Failed: ";
  head.append(verdict, result.check);
  const entry = item(result.passed ? "check-result passed" : "check-result failed", head);
  if (!result.passed) {
    if (result.sent) entry.append(labelled("Sent", requestLine(result.sent)));
    if (result.expected) entry.append(labelled("Expected", result.expected));
    if (result.got) entry.append(labelled("Got", answerLine(result.got)));
    if (result.mistake) entry.append(labelled("In short", result.mistake));
    if (result.line) {
      const source = result.sourceLine ? `: \`${result.sourceLine}\`` : "";
      entry.append(labelled("Deciding line", `line ${result.line} of app.py${source} (marked in the editor)`));
    }
  }
  return entry;
}

function showCheckNames(challenge) {
  const results = part(challengeView, "results");
  results.replaceChildren(...challenge.checks.map((name) => item("check-result", `Not checked yet: ${name}`)));
}

function showHints(challenge) {
  const shown = Math.min(learnerProgress.hints[challenge.id] ?? 0, challenge.hints.length);
  const list = part(challengeView, "hints");
  list.replaceChildren(...challenge.hints.slice(0, shown).map((hint) => {
    const entry = item("hint");
    setRichText(entry, hint);
    return entry;
  }));
  list.hidden = shown === 0;
  hintButton.disabled = shown >= challenge.hints.length;
}

function showSolution(challenge) {
  const box = part(challengeView, "solution");
  const open = Boolean(learnerProgress.solved[challenge.id]) || (solutionAsks.get(challenge.id) ?? 0) >= 2;
  box.hidden = !open;
  solutionButton.hidden = open;
  if (open) part(box, "solution-code").textContent = challenge.solution;
}

function markSolved() {
  for (const entry of challengesBox.querySelectorAll("[data-challenge-item]")) {
    // Text only when solved: the word is what screen readers and tests read.
    entry.querySelector("[data-solved-mark]").textContent = learnerProgress.solved[entry.dataset.challengeItem] ? "Solved" : "";
  }
  const count = challenges.filter((challenge) => learnerProgress.solved[challenge.id]).length;
  part(challengesBox, "progress-count").textContent = `Solved ${count} of ${challenges.length}, kept in this browser.`;
}

async function chooseChallenge(id) {
  const challenge = challengeById.get(id);
  if (!challenge) return;
  if (chosen !== challenge) {
    const start = `Start “${challenge.title}”? Your edits to app.py will be lost.`;
    if (code.value !== loadedCode && code.value !== challenge.starting_code && !confirm(start)) return;
    setCode(challenge.starting_code);
    history.pushState(null, "", await linkFor(code.value));
  }
  chosen = challenge;
  for (const button of challengesBox.querySelectorAll("[data-challenge]")) {
    if (button.dataset.challenge === id) button.setAttribute("aria-current", "true");
    else button.removeAttribute("aria-current");
  }
  challengeView.hidden = false;
  part(challengeView, "title").textContent = challenge.title;
  setRichText(part(challengeView, "task"), challenge.task);
  part(challengeView, "check-status").textContent = learnerProgress.solved[challenge.id]
    ? "Solved already: Check again whenever you like."
    : "Edit the code, then press Check.";
  showCheckNames(challenge);
  showHints(challenge);
  showSolution(challenge);
  challengeView.scrollIntoView({ block: "nearest" });
}

function freshSeed() {
  return Array.from(crypto.getRandomValues(new Uint32Array(2)), (n) => n.toString(16)).join("");
}

async function checkChallenge() {
  const challenge = chosen;
  if (!challenge) return;
  const line = part(challengeView, "check-status");
  checkButton.disabled = true;
  line.textContent = "Checking: sending the challenge's requests to your app…";
  markLine(null);
  const message = { type: "check", challenge: challenge.id, code: code.value, seed: freshSeed() };
  const result = await askPython(message, CHECK_LIMIT_MS, checkFrom, "Checking your code…");
  checkButton.disabled = false;
  if (chosen !== challenge) return;
  if (result.kind !== "checked") {
    const why = result.kind === "stopped" ? CHECK_STOPPED : result.kind === "error" ? result.message : NO_ANSWER[result.kind]?.(result);
    line.textContent = why ?? MISBEHAVED;
    return;
  }
  reportToClass(challenge.id, result);
  const results = part(challengeView, "results");
  if (result.error) {
    line.textContent = `Your file did not run, so nothing was checked: ${result.error.message}`;
    markLine(result.error.line, "mistake");
    showCheckNames(challenge);
    return;
  }
  results.replaceChildren(...result.results.map(resultItem));
  const passed = result.results.filter((each) => each.passed).length;
  if (result.solved) {
    learnerProgress.solved[challenge.id] ??= new Date().toISOString();
    saveProgress(learnerProgress);
    markSolved();
    line.textContent = `Solved: all ${passed} checks passed. A solution is below, to compare with yours.`;
    showSolution(challenge);
  } else {
    line.textContent = `${passed} of ${result.results.length} checks passed: the first failed one's deciding line is marked in the editor.`;
    const failed = result.results.find((each) => !each.passed && each.line);
    markLine(failed?.line ?? null, "mistake");
  }
}

// -- The class's challenge: the one the teacher set on /log is opened here; a Check on it is reported --

const CLASS_POLL_MS = 2000;
const classNote = challengesBox.querySelector("[data-class-note]");
let classChallenge = null; // the id of the challenge the teacher set
let classRound = -1;

function showClassChallenge(id) {
  for (const entry of challengesBox.querySelectorAll("[data-challenge-item]")) {
    const set = entry.dataset.challengeItem === id;
    entry.classList.toggle("set-by-teacher", set);
    entry.querySelector("[data-set-mark]").textContent = set ? "Set by your teacher" : "";
  }
  classNote.hidden = !id;
  classNote.textContent = id
    ? `Set by your teacher: “${challengeById.get(id).title}”. When you press Check on it, the class's live log counts whether you solved it and the mistakes its checks named, without your name or your code.`
    : "";
}

/** Whether the editor holds nothing of the learner's own: a listing or a challenge's start, untouched. */
function nothingToLose() {
  return Object.values(listings).includes(code.value) || challenges.some((challenge) => challenge.starting_code === code.value);
}

async function followClassChallenge() {
  if (document.visibilityState === "hidden") {
    setTimeout(followClassChallenge, CLASS_POLL_MS); // a hidden tab asks again once it is shown
    return;
  }
  try {
    const response = await fetch(challengesBox.dataset.classUrl, { cache: "no-store", headers: { Accept: "application/json" } });
    if (response.ok) {
      const state = await response.json();
      const id = challengeById.has(state.challenge) ? state.challenge : null;
      if (state.round !== classRound) {
        classRound = state.round;
        classChallenge = id;
        showClassChallenge(id);
        // Opened at once, unless the learner's own code would be lost: then it is only marked.
        if (id && chosen?.id !== id && nothingToLose()) await chooseChallenge(id);
      }
    }
  } catch {
    // The next round asks again.
  }
  setTimeout(followClassChallenge, CLASS_POLL_MS);
}

/** Tell the class's live log how a Check on the set challenge went: solved or not, and the checks'
 * mistakes (words such as "answered 400 instead of 422"); never the code, never what was sent. */
function reportToClass(id, result) {
  if (id !== classChallenge) return;
  const named = result.error ? [result.error.mistake] : result.results.filter((each) => !each.passed).map((each) => each.mistake);
  const mistakes = [...new Set(named.filter(Boolean))].slice(0, 8);
  const token = document.querySelector('meta[name="csrf-token"]').content;
  fetch(challengesBox.dataset.reportUrl, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRFToken": token },
    body: JSON.stringify({ challenge: id, solved: result.solved, mistakes }),
  }).catch(() => {});
}

for (const button of challengesBox.querySelectorAll("[data-challenge]")) {
  button.addEventListener("click", () => chooseChallenge(button.dataset.challenge));
}
checkButton.addEventListener("click", checkChallenge);
hintButton.addEventListener("click", () => {
  if (!chosen) return;
  learnerProgress.hints[chosen.id] = Math.min((learnerProgress.hints[chosen.id] ?? 0) + 1, chosen.hints.length);
  saveProgress(learnerProgress);
  showHints(chosen);
  const left = chosen.hints.length - learnerProgress.hints[chosen.id];
  part(challengeView, "check-status").textContent = left ? `Hint ${learnerProgress.hints[chosen.id]} of ${chosen.hints.length}.` : "That was the last hint.";
});
solutionButton.addEventListener("click", () => {
  if (!chosen) return;
  const asks = (solutionAsks.get(chosen.id) ?? 0) + 1;
  solutionAsks.set(chosen.id, asks);
  if (asks < 2) {
    part(challengeView, "check-status").textContent =
      "Sure? A solution teaches most after a try of your own. Press Show the solution again to see it.";
  }
  showSolution(chosen);
});
challengesBox.querySelector("[data-download-progress]").addEventListener("click", () => downloadProgress(learnerProgress, challenges));
markSolved();

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
  form.addEventListener("focusin", () => {
    lastForm = form;
  });
}
document.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    const form = event.target.closest?.("[data-lab-form]") ?? lastForm;
    send(form);
  }
});
let shownListing = listing.value;
listing.addEventListener("change", async () => {
  const edited = code.value !== listings[shownListing];
  const choice = listing.options[listing.selectedIndex].text;
  if (edited && !confirm(`Switch to the ${choice.toLowerCase()}? Your edits to app.py will be lost.`)) {
    listing.value = shownListing;
    return;
  }
  shownListing = listing.value;
  setCode(listings[listing.value]);
  history.pushState(null, "", await linkFor(code.value));
});
document.querySelector("[data-reset]").addEventListener("click", async () => {
  setCode(chosen ? chosen.starting_code : listings[listing.value]);
  linkWarning.hidden = true;
  // A fresh Python too: nothing an earlier file changed in this one stays.
  if (active?.state === "ready" && spare) replaceActive({ kind: "reset" });
  history.pushState(null, "", await linkFor(code.value));
});
enableCopy(views.request);
views.explanation.classList.add("lab-source-hidden");
startPython(); // first: Python loads while the page restores the code from its link
await restore();
shownListing = listing.value;
followClassChallenge(); // after the code is restored: a link's code is never replaced unasked
