// The code lab's sandbox frame: an opaque origin (served with `sandbox allow-scripts`) that starts the
// learner's Python in a worker and passes plain data between it and the page, through one port. The
// page hands it every file it needs (the worker's script, Pyodide, the wheels): it fetches nothing.
//
// The worker runs a stranger's code. After each answer it blocks on Atomics.wait, so nothing it left
// behind (a timer, a handler) ever runs; it wakes only when this frame hands it the next request
// through shared memory. A message from the worker that is not the answer to the pending request,
// signed with this frame's nonce, stops it at once, and the page is told so.

(() => {
  const REQUEST_BYTES = 4 * 1024 * 1024; // a request: the code (64 KB at most) and a form's values
  const STATES = { idle: 0, request: 1 };
  let port = null;
  let worker = null;
  let nonce = null;
  let ready = false;
  let control = null; // Int32Array on shared memory: [state, length]
  let bytes = null; // Uint8Array on shared memory: the request, as JSON
  let current = null; // the id of the request the worker is answering
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
    current = request.id;
    bytes.set(encoded);
    Atomics.store(control, 1, encoded.byteLength);
    Atomics.store(control, 0, STATES.request);
    Atomics.notify(control, 0);
  }

  function fromWorker({ data }) {
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
      port?.postMessage({ type: "ready", timings: data.timings, snapshot }, snapshot ? [snapshot] : []);
      next();
    } else if (!ready && data.type === "failed") {
      tell({ type: "failed", message: String(data.message) });
    } else if (ready && data.type === "answer" && current !== null && data.id === current) {
      current = null;
      tell({ type: "answer", id: data.id, result: data.result, durationMs: Number(data.durationMs) || 0 });
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
    const shared = new SharedArrayBuffer(8 + REQUEST_BYTES);
    control = new Int32Array(shared, 0, 2);
    bytes = new Uint8Array(shared, 8);
    nonce = Array.from(crypto.getRandomValues(new Uint32Array(4)), (n) => n.toString(16)).join("");
    worker.addEventListener("message", fromWorker);
    worker.addEventListener("message", () => URL.revokeObjectURL(url), { once: true });
    worker.addEventListener("error", (event) => tell({ type: "failed", message: String(event.message ?? "the worker stopped") }));
    const transfer = [...files.values(), ...(snapshot ? [snapshot] : [])];
    worker.postMessage({ type: "load", config, files, snapshot, shared, nonce }, transfer);
  }

  function fromPage({ data }) {
    if (data?.type === "start" && !worker) {
      if (!self.crossOriginIsolated) {
        tell({ type: "failed", message: "this browser did not isolate the lab's sandbox (Cross-Origin-Embedder-Policy)" });
        return;
      }
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
