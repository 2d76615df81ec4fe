// The code lab's Python: Pyodide in a Web Worker of the lab's sandbox frame (an opaque origin: see
// static/js/lab-sandbox.js). The learner's file runs here, and is hostile until shown otherwise:
//
// - Everything this script needs after the learner's code has run is captured before it loads, so
//   code that replaces a global (postMessage, JSON, Atomics) cannot change what this script does.
// - After each answer the worker blocks on Atomics.wait until the next request: the learner's timers,
//   intervals and handlers never get a turn, so a run ends with its answer.
// - WebAssembly memory may not grow past the page's ceiling: an allocation past it fails, Python
//   raises MemoryError, and the run is reported as stopped, in one sentence.

const post = self.postMessage.bind(self);
const toText = String;
const wait = Atomics.wait;
const store = Atomics.store;
const parse = JSON.parse;
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

/** Fetch a file whole, reporting each chunk's bytes as it arrives. */
async function fetchWithProgress(url, onBytes) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  const reader = response.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    onBytes(value.byteLength);
  }
}

const timings = {};
const since = now();
const lap = (name) => {
  timings[name] = Math.round(now() - since);
};

async function load(config) {
  // The big files first, with progress in bytes; Pyodide then finds them in the browser's cache.
  const total = config.prefetch.reduce((sum, file) => sum + file.bytes, 0);
  let loaded = 0;
  await Promise.all(
    config.prefetch.map((file) =>
      fetchWithProgress(file.url, (bytes) => {
        loaded += bytes;
        send({ type: "progress", step: "downloading", loaded, total });
      }),
    ),
  );
  lap("prefetched");
  send({ type: "progress", step: "starting", loaded, total });
  const { loadPyodide } = await import(`${config.indexURL}pyodide.mjs`);
  pyodide = await loadPyodide({ indexURL: config.indexURL, packages: [] });
  lap("pyodide");
  send({ type: "progress", step: "importing", loaded, total });
  const wheels = await Promise.all(config.wheels.map(async (url) => (await fetch(url)).arrayBuffer()));
  for (const wheel of wheels) pyodide.unpackArchive(wheel, "wheel");
  // The playground's own recorder and explainer, as a package of their own.
  const root = "/home/pyodide/lab-python/playground";
  pyodide.FS.mkdirTree(`${root}/lab`);
  pyodide.FS.mkdirTree(`${root}/stores`);
  pyodide.FS.writeFile(`${root}/__init__.py`, "");
  pyodide.FS.writeFile(`${root}/lab/__init__.py`, "");
  const sources = await Promise.all(
    Object.entries(config.sources).map(async ([name, url]) => [name, await (await fetch(url)).text()]),
  );
  for (const [name, text] of sources) pyodide.FS.writeFile(`${root}/${name}`, text);
  lap("wheels");
  pyodide.runPython("import sys; sys.path.insert(0, '/home/pyodide/lab-python')");
  runtime = pyodide.pyimport("playground.lab.runtime");
  lap("imported");
  ceiling = config.memoryCeiling;
}

function toJs(proxy) {
  const value = proxy.toJs({ dict_converter: Object.fromEntries, create_pyproxies: false });
  proxy.destroy();
  return value;
}

/** One request from the page: run the learner's file against it, or highlight the code. */
function handle(message) {
  ceilingReached = false;
  let result;
  try {
    if (message.type === "run") {
      result = toJs(runtime.run(message.code, pyodide.toPy(message.request)));
    } else if (message.type === "highlight") {
      result = { kind: "tokens", tokens: toJs(runtime.highlight_tokens(message.code)) };
    } else {
      result = { kind: "error", message: "The lab was asked for something it does not do." };
    }
  } catch (error) {
    result = { kind: "crashed", message: toText(error?.message ?? error) };
  }
  return ceilingReached ? { kind: "memory" } : result;
}

/** Answer the page's requests, one at a time, and block in between: nothing else ever runs here. */
function serve(control, bytes) {
  for (;;) {
    // Whatever the learner's code replaced or threw, the loop goes on: leaving it would let the
    // event loop run what the code left behind.
    try {
      apply(wait, Atomics, [control, 0, 0]);
      let message = null;
      let answer;
      const started = now();
      try {
        const length = control[1];
        const copy = apply(slice, bytes, [0, length]);
        apply(store, Atomics, [control, 0, 0]);
        message = parse(decode(copy));
        answer = handle(message);
      } catch (error) {
        apply(store, Atomics, [control, 0, 0]);
        answer = { kind: "crashed", message: "The lab could not read the request." };
      }
      const id = message?.id ?? null;
      try {
        post({ type: "answer", id, result: answer, durationMs: now() - started, nonce });
      } catch {
        post({ type: "answer", id, result: { kind: "crashed", message: "Your code's answer could not be passed to the page." }, nonce });
      }
    } catch {
      // Nothing to do but wait for the next request; the page stops a run that never answers.
    }
  }
}

self.addEventListener("message", async ({ data }) => {
  if (data?.type !== "load" || nonce !== null) return;
  nonce = data.nonce;
  try {
    await load(data.config);
  } catch (error) {
    send({ type: "failed", message: String(error?.message ?? error) });
    return;
  }
  send({ type: "ready", timings });
  serve(new Int32Array(data.shared, 0, 2), new Uint8Array(data.shared, 8));
});
