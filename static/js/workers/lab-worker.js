// The code lab's Python: Pyodide in a Web Worker of the lab's sandbox frame (an opaque origin: see
// static/js/workers/lab-sandbox.js). The learner's file runs here, and is hostile until shown otherwise:
//
// - Everything this script needs after the learner's code has run is captured before it loads, so
//   code that replaces a global (postMessage, JSON, Atomics) cannot change what this script does.
// - A run ends with its answer. In a cross-origin isolated sandbox, the worker blocks on Atomics.wait
//   after each answer until the next request: the learner's timers, intervals and handlers never get
//   a turn. In one that is not (plain http:// to a classroom's address: no SharedArrayBuffer), the
//   worker serves one run or check, closes itself as it answers, and the frame terminates it the
//   moment the answer arrives: what the code left behind dies with it.
// - WebAssembly memory may not grow past the page's ceiling: an allocation past it fails, Python
//   raises MemoryError, and the run is reported as stopped, in one sentence.
// - Python starts from a snapshot of a ready Python's memory (the page's, or one made here first by
//   a Python that then runs nothing of the learner's): no Python that runs the learner's code can
//   make a snapshot, and the only one this worker hands over goes with "ready", before any request.

// Everything below lives inside this one function: no name of it is a global the learner's code
// could read or replace (a script it loads with importScripts shares the globals, not these).
(() => {
  const post = self.postMessage.bind(self);
  const closeWorker = self.close.bind(self);
  const listen = self.addEventListener.bind(self);
  const toText = String;
  const wait = Atomics.wait;
  const store = Atomics.store;
  const parse = JSON.parse;
  const stringify = JSON.stringify;
  const apply = Reflect.apply;
  const now = performance.now.bind(performance);
  const decoder = new TextDecoder();
  const decode = decoder.decode.bind(decoder);
  const slice = Uint8Array.prototype.slice;
  const bufferOf = Object.getOwnPropertyDescriptor(WebAssembly.Memory.prototype, "buffer").get;
  const byteLengthOf = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, "byteLength").get;
  const grow = WebAssembly.Memory.prototype.grow;
  const WASM_PAGE = 65536;

  let runtime = null;
  let pyodide = null;
  let nonce = null;
  let ceiling = Infinity;
  let ceilingReached = false;

  // The memory ceiling, fixed for the worker's life: not writable, not configurable.
  Object.defineProperty(WebAssembly.Memory.prototype, "grow", {
    value: function growWithinCeiling(pages) {
      const size = apply(byteLengthOf, apply(bufferOf, this, []), []);
      if (size + pages * WASM_PAGE > ceiling) {
        ceilingReached = true;
        throw new RangeError("the code lab's memory ceiling");
      }
      return apply(grow, this, [pages]);
    },
    writable: false,
    configurable: false,
  });

  function send(message) {
    post({ ...message, nonce });
  }

  const timings = {};
  const since = now();
  const lap = (name) => {
    timings[name] = Math.round(now() - since);
  };

  /** A module from the page's files, imported from a blob: URL (this sandbox fetches nothing). */
  async function importFrom(files, url) {
    return import(URL.createObjectURL(new Blob([files.get(url)], { type: "text/javascript" })));
  }

  /** Start a Pyodide from the page's files: fresh, ready to make a snapshot, or from a snapshot. */
  async function startPyodide(config, files, options) {
    // Pyodide asks for its files by URL while it starts: answered from the page's files, nothing else.
    const network = self.fetch;
    const types = { wasm: "application/wasm", json: "application/json" };
    self.fetch = async (resource) => {
      const url = String(resource instanceof Request ? resource.url : resource);
      if (!files.has(url)) throw new TypeError(`The code lab's sandbox has no ${url}`);
      const kind = types[url.split(".").pop()] ?? "application/octet-stream";
      return new Response(files.get(url), { headers: { "Content-Type": kind } });
    };
    try {
      const { loadPyodide } = await importFrom(files, `${config.indexURL}pyodide.mjs`);
      const create = (await importFrom(files, `${config.indexURL}pyodide.asm.mjs`)).default;
      let createPyodideModule = create;
      if (options._loadSnapshot) {
        // This Pyodide's WebAssembly makes its own memory (it ignores INITIAL_MEMORY), so the memory
        // is grown to hold the snapshot before Pyodide copies it in.
        const size = options._loadSnapshot.byteLength;
        createPyodideModule = async (settings) => {
          const module = await create(settings);
          module.growMemory(size);
          return module;
        };
      }
      return await loadPyodide({ indexURL: config.indexURL, packages: [], createPyodideModule, ...options });
    } finally {
      self.fetch = network;
    }
  }

  /** The wheels and the playground's own Python, as files: a snapshot holds Python's memory, not
   *  its files, and a module imported later, or a traceback's source line, is read from them. */
  function writeFiles(python, config, files) {
    for (const url of config.wheels) python.unpackArchive(files.get(url), "wheel");
    // The playground's own recorder and explainer, as a package of their own.
    const root = "/home/pyodide/lab-python/playground";
    const decoder = new TextDecoder();
    for (const [name, url] of Object.entries(config.sources)) {
      const path = `${root}/${name}`;
      python.FS.mkdirTree(path.slice(0, path.lastIndexOf("/")));
      python.FS.writeFile(path, decoder.decode(files.get(url)));
    }
    for (const folder of new Set(Object.keys(config.sources).map((name) => name.split("/").slice(0, -1)))) {
      // Each folder of the package is a package, even where the lab loads none of its __init__.py.
      for (let depth = 0; depth <= folder.length; depth += 1) {
        const init = [root, ...folder.slice(0, depth), "__init__.py"].join("/");
        if (!python.FS.analyzePath(init).exists) python.FS.writeFile(init, "");
      }
    }
  }

  /** A Python with Flask and the explainer imported, warmed up by the tutorial's own file. */
  async function startFresh(config, files, options = {}) {
    const python = await startPyodide(config, files, options);
    lap("pyodide");
    send({ type: "progress", step: "importing" });
    writeFiles(python, config, files);
    lap("wheels");
    python.runPython("import sys; sys.path.insert(0, '/home/pyodide/lab-python')");
    const module = python.pyimport("playground.lab.runtime");
    lap("imported");
    warmUp(module);
    return { python, module };
  }

  /** A Python restored from a snapshot: Flask and the explainer imported, warm, as when it was made. */
  async function startFromSnapshot(config, files, snapshot) {
    const python = await startPyodide(config, files, { _loadSnapshot: new Uint8Array(snapshot) });
    python._api.config._loadSnapshot = null; // Python's memory holds it now: no second copy kept
    lap("restored");
    writeFiles(python, config, files);
    const module = python.pyimport("playground.lab.runtime");
    module.after_restore();
    lap("restoredFiles");
    return { python, module };
  }

  /**
   * Start the Python that will run the learner's code. From the page's stored snapshot when it has
   * one; else fresh, and then a snapshot is made and this Python restored from it, so that every
   * Python that runs a learner's code started from a snapshot made before any such code ran (the
   * Python that makes one, with Pyodide's _makeSnapshot option, never runs the learner's code).
   * Returns the snapshot it made, for the page to keep, or null.
   */
  async function load(config, files, stored) {
    if (stored) {
      send({ type: "progress", step: "restoring" });
      try {
        ({ python: pyodide, module: runtime } = await startFromSnapshot(config, files, stored));
        timings.start = "snapshot";
        return null;
      } catch (error) {
        timings.start = `fresh: Python refused the stored snapshot (${toText(error?.message ?? error).split("\n")[0]})`;
      }
    }
    timings.start ??= "fresh";
    send({ type: "progress", step: "starting" });
    const maker = await startFresh(config, files, { _makeSnapshot: true });
    // What the first Send and the first highlight would import, imported before the snapshot.
    toJs(maker.module.highlight_tokens("x = 1\n"));
    send({ type: "progress", step: "keeping" });
    const snapshot = maker.python.makeMemorySnapshot();
    maker.module.destroy();
    lap("snapshot");
    try {
      ({ python: pyodide, module: runtime } = await startFromSnapshot(config, files, snapshot.buffer));
      return snapshot.buffer;
    } catch (error) {
      // A snapshot this Python cannot restore is not kept; a plain fresh Python runs the code.
      timings.start = `fresh: its own snapshot could not be restored (${toText(error?.message ?? error).split("\n")[0]})`;
      ({ python: pyodide, module: runtime } = await startFresh(config, files));
      return null;
    }
  }

  /** Send the tutorial's own file one request before the learner's first: Flask's test client and
   *  its modules are imported now, so the first Send answers as fast as the next. */
  function warmUp(module) {
    try {
      toJs(module.warm_up());
    } catch {
      // A warm-up that fails leaves the first Send slower, nothing worse.
    }
    lap("warm");
  }

  function toJs(proxy) {
    const value = proxy.toJs({ dict_converter: Object.fromEntries, create_pyproxies: false });
    proxy.destroy();
    return value;
  }

  // What one answer may carry to the page: enough for any lesson, never enough to stall the page.
  const LIMITS = { body: 1024 * 1024, text: 64 * 1024, short: 4096, headers: 200, notes: 20 };

  function clip(value, limit) {
    return typeof value === "string" && value.length > limit ? value.slice(0, limit) : value;
  }

  /** The answer as the page may receive it: every string and list cut to its limit. */
  function bounded(result) {
    if (!result || typeof result !== "object") return result;
    const out = { ...result };
    if (typeof out.body === "string" && out.body.length > LIMITS.body) {
      out.body = clip(out.body, LIMITS.body);
      out.bodyCut = true;
    }
    for (const name of ["serverLog", "message"]) out[name] = clip(out[name], LIMITS.text);
    out.statusText = clip(out.statusText, LIMITS.short);
    if (Array.isArray(out.headers)) {
      out.headers = out.headers.slice(0, LIMITS.headers).map((pair) => (Array.isArray(pair) ? pair.map((v) => clip(v, LIMITS.short)) : pair));
    }
    if (Array.isArray(out.notes)) out.notes = out.notes.slice(0, LIMITS.notes).map((note) => clip(note, LIMITS.short));
    if (Array.isArray(out.tokens) && out.tokens.length > 100_000) out.tokens = [];
    if (out.explanation && typeof out.explanation === "object") {
      out.explanation = Object.fromEntries(Object.entries(out.explanation).map(([k, v]) => [k, clip(v, LIMITS.text)]));
    }
    return out;
  }

  // What any one answer may hold once written as JSON: its values and its characters. The fields the
  // page reads are cut to their limits above; anything else the code made (a field it added to an
  // answer, nested as deep as it likes) counts here, and past these the answer is refused whole,
  // in this worker, before the page (which would copy and read it on its own thread) sees any of it.
  const MAX_ANSWER_VALUES = 200_000;
  const MAX_ANSWER_CHARS = 4 * 1024 * 1024;
  const TOO_LARGE = { kind: "crashed", message: "your code's answer was too large for the lab to show" };

  /** The answer as JSON text, within the bounds above: the only shape an answer leaves the worker in. */
  function sealed(answer) {
    let values = 0;
    let chars = 0;
    const count = (key, value) => {
      values += 1;
      if (typeof value === "string") chars += value.length;
      if (values > MAX_ANSWER_VALUES || chars > MAX_ANSWER_CHARS) throw new RangeError("too large");
      return value;
    };
    try {
      const text = stringify(answer, count);
      return typeof text === "string" && text.length <= MAX_ANSWER_CHARS * 2 ? text : stringify(TOO_LARGE);
    } catch {
      return stringify(TOO_LARGE);
    }
  }

  /** One request from the page: run the learner's file against it, or highlight the code. */
  function handle(message) {
    ceilingReached = false;
    let result;
    try {
      if (message.type === "run") {
        result = toJs(runtime.run(message.code, pyodide.toPy(message.request)));
      } else if (message.type === "check") {
        // A challenge's checks, with the page's fresh seed: answered like "run", as plain data.
        result = { kind: "checked", ...toJs(runtime.check(toText(message.challenge), message.code, toText(message.seed))) };
      } else if (message.type === "highlight") {
        result = { kind: "tokens", tokens: toJs(runtime.highlight_tokens(message.code)) };
      } else {
        result = { kind: "error", message: "The lab was asked for something it does not do." };
      }
    } catch (error) {
      result = { kind: "crashed", message: toText(error?.message ?? error) };
    }
    return sealed(ceilingReached ? { kind: "memory" } : bounded(result));
  }

  /** Answer the page's requests, one at a time, and block in between: nothing else ever runs here. */
  function serve(control, bytes) {
    for (;;) {
      // Whatever the learner's code replaced or threw, the loop goes on: leaving it would let the
      // event loop run what the code left behind.
      try {
        apply(wait, Atomics, [control, 0, 0]);
        answerOne(() => {
          try {
            return decode(apply(slice, bytes, [0, control[1]]));
          } finally {
            apply(store, Atomics, [control, 0, 0]); // the buffer is free for the next request
          }
        });
      } catch {
        // Nothing to do but wait for the next request; the page stops a run that never answers.
      }
    }
  }

  /** Read one request (its JSON text, from `read`), answer it, post the answer; the request. */
  function answerOne(read) {
    let message = null;
    let answer;
    const started = now();
    try {
      message = parse(read());
      answer = handle(message);
    } catch {
      answer = { kind: "crashed", message: "The lab could not read the request." };
    }
    const id = message?.id ?? null;
    try {
      post({ type: "answer", id, result: answer, durationMs: now() - started, nonce });
    } catch {
      post({ type: "answer", id, result: { kind: "crashed", message: "Your code's answer could not be passed to the page." }, nonce });
    }
    return message;
  }

  /** Not cross-origin isolated: answer highlights, then one run or check, and close. The frame
   *  terminates this worker when that answer reaches it; closing here as well discards at once
   *  every task the learner's code queued, before any of them runs. */
  function serveOne() {
    listen("message", ({ data }) => {
      if (data?.type !== "request" || typeof data.text !== "string") return;
      const message = answerOne(() => data.text);
      if (message?.type !== "highlight") closeWorker();
    });
  }

  self.addEventListener("message", async ({ data }) => {
    if (data?.type !== "load" || nonce !== null) return;
    nonce = data.nonce;
    let snapshot;
    try {
      snapshot = await load(data.config, data.files, data.snapshot instanceof ArrayBuffer ? data.snapshot : null);
    } catch (error) {
      send({ type: "failed", message: String(error?.message ?? error) });
      return;
    }
    ceiling = data.config.memoryCeiling;
    // The snapshot goes to the page with "ready", before any learner's code has run: the page keeps
    // none that comes later. Transferred, so nothing in this worker keeps a hold on it.
    if (data.shared) {
      post({ type: "ready", timings, snapshot, nonce }, snapshot ? [snapshot] : []);
      serve(new Int32Array(data.shared, 0, 2), new Uint8Array(data.shared, 8));
    } else {
      serveOne();
      post({ type: "ready", timings, snapshot, nonce }, snapshot ? [snapshot] : []);
    }
  });
})();
