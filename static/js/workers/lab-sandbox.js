// The code lab's sandbox frame: an opaque origin (served with `sandbox allow-scripts`) that starts the
// learner's Python in a worker and passes plain data between it and the page, through one port. The
// page hands it every file it needs (the worker's script, Pyodide, the wheels): it fetches nothing.
//
// The worker runs a stranger's code, and nothing it leaves behind (a timer, a handler) may run after
// its answer. Two ways, chosen by what the browser grants this frame:
//
// - Cross-origin isolated (HTTPS, or localhost): after each answer the worker blocks on Atomics.wait,
//   and wakes only when this frame hands it the next request through shared memory.
// - Not isolated (plain http:// to a classroom laptop's address, which no browser counts as a secure
//   context, so no SharedArrayBuffer): the worker serves one run or check and no more. It answers
//   by postMessage, and this frame terminates it the moment that answer arrives, before passing it
//   on; the page then removes this frame and uses a fresh Python for the next Send.
//
// A message from the worker that is not the answer to the pending request, signed with this frame's
// nonce, stops it at once, and the page is told so.

(() => {
  const REQUEST_BYTES = 4 * 1024 * 1024; // a request: the code (64 KB at most) and a form's values
  const STATES = { idle: 0, request: 1 };
  let port = null;
  let worker = null;
  let nonce = null;
  let ready = false;
  let control = null; // Int32Array on shared memory: [state, length]
  let bytes = null; // Uint8Array on shared memory: the request, as JSON
  const MAX_ANSWER_TEXT = 8 * 1024 * 1024; // characters: the worker's bound, twice over
  let current = null; // the request the worker is answering
  // Whether the worker can block between requests. Without it, the worker serves one run or check.
  const isolated = self.crossOriginIsolated === true && typeof SharedArrayBuffer === "function";
  let spent = false; // not isolated: the one run or check has been asked for
  const queue = [];
  const encoder = new TextEncoder();

  function tell(message) {
    port?.postMessage(message);
  }

  function misbehaved(reason) {
    worker?.terminate();
    worker = null;
    tell({ type: "misbehaved", reason });
  }

  function next() {
    if (!ready || current !== null || !queue.length || !worker) return;
    const request = queue.shift();
    const encoded = encoder.encode(JSON.stringify(request));
    if (encoded.byteLength > REQUEST_BYTES) {
      tell({ type: "answer", id: request.id, result: { kind: "error", message: "The request is too large for the lab." } });
      next();
      return;
    }
    if (!isolated && spent) {
      tell({ type: "answer", id: request.id, result: { kind: "error", message: "This Python has already run code: the lab uses a fresh one." } });
      next();
      return;
    }
    current = request;
    if (!isolated) {
      // The one run or check this worker will serve; a highlight runs no learner's code.
      spent = request.type !== "highlight";
      worker.postMessage({ type: "request", text: JSON.stringify(request) });
      return;
    }
    bytes.set(encoded);
    Atomics.store(control, 1, encoded.byteLength);
    Atomics.store(control, 0, STATES.request);
    Atomics.notify(control, 0);
  }

  function fromWorker({ data, target }) {
    if (target !== worker) return; // a worker this frame has terminated: nothing of it is heard
    if (!data || data.nonce !== nonce) {
      misbehaved("a message the lab did not ask for");
      return;
    }
    if (!ready && data.type === "progress") {
      tell({ type: "progress", loaded: Number(data.loaded), total: Number(data.total), step: String(data.step ?? "") });
    } else if (!ready && data.type === "ready") {
      ready = true;
      // A snapshot comes only with "ready": from a Python that has run no learner's code yet.
      const snapshot = data.snapshot instanceof ArrayBuffer ? data.snapshot : null;
      port?.postMessage({ type: "ready", timings: data.timings, snapshot, isolated }, snapshot ? [snapshot] : []);
      next();
    } else if (!ready && data.type === "failed") {
      tell({ type: "failed", message: String(data.message) });
    } else if (ready && data.type === "answer" && current !== null && data.id === current.id) {
      const { type } = current;
      current = null;
      if (!isolated && type !== "highlight") {
        // Its one request is answered: the worker goes now, with whatever the code left behind.
        worker.terminate();
        worker = null;
      }
      // An answer is JSON text of bounded size (the worker writes it so): anything else is refused
      // here, before the page copies it onto its own thread.
      const result =
        typeof data.result === "string" && data.result.length <= MAX_ANSWER_TEXT
          ? data.result
          : { kind: "crashed", message: "your code's answer was too large for the lab to show" };
      tell({ type: "answer", id: data.id, result, durationMs: Number(data.durationMs) || 0 });
      next();
    } else {
      misbehaved("a message the lab did not ask for");
    }
  }

  function start(config, files, snapshot) {
    // Every file came from the page: this frame may fetch nothing (connect-src 'none').
    const url = URL.createObjectURL(new Blob([files.get(config.worker)], { type: "text/javascript" }));
    // A classic worker (Chromium starts no module worker from an opaque origin's blob: URL); its
    // script keeps every name inside one function, so code that runs another script in the worker's
    // scope (importScripts) finds none of them.
    worker = new Worker(url);
    // Not isolated: no shared memory, and the worker serves one run or check (see above).
    const shared = isolated ? new SharedArrayBuffer(8 + REQUEST_BYTES) : null;
    if (shared) {
      control = new Int32Array(shared, 0, 2);
      bytes = new Uint8Array(shared, 8);
    }
    nonce = Array.from(crypto.getRandomValues(new Uint32Array(4)), (n) => n.toString(16)).join("");
    worker.addEventListener("message", fromWorker);
    worker.addEventListener("message", () => URL.revokeObjectURL(url), { once: true });
    worker.addEventListener("error", (event) => tell({ type: "failed", message: String(event.message ?? "the worker stopped") }));
    const transfer = [...files.values(), ...(snapshot ? [snapshot] : [])];
    worker.postMessage({ type: "load", config, files, snapshot, shared, nonce }, transfer);
  }

  function fromPage({ data }) {
    if (data?.type === "start" && !worker) {
      try {
        start(data.config, new Map(data.files), data.snapshot instanceof ArrayBuffer ? data.snapshot : null);
      } catch (error) {
        tell({ type: "failed", message: String(error?.message ?? error) });
      }
    } else if (["run", "check", "highlight"].includes(data?.type) && Number.isInteger(data.id)) {
      queue.push(data);
      next();
    }
  }

  window.addEventListener("message", (event) => {
    if (port || event.source !== window.parent || event.data?.type !== "connect" || !event.ports[0]) return;
    port = event.ports[0];
    port.addEventListener("message", fromPage);
    port.start();
  });
})();
