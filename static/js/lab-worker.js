// The code lab's Python: Pyodide in a Web Worker, so a learner's endless loop never freezes the
// page (the page stops this worker and starts a fresh one). Nothing runs on the server.

let runtime = null;
let pyodide = null;

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
const since = performance.now();
const lap = (name) => {
  timings[name] = Math.round(performance.now() - since);
};

async function load(config) {
  // The big files first, with progress in bytes; Pyodide then finds them in the browser's cache.
  const total = config.prefetch.reduce((sum, file) => sum + file.bytes, 0);
  let loaded = 0;
  await Promise.all(
    config.prefetch.map((file) =>
      fetchWithProgress(file.url, (bytes) => {
        loaded += bytes;
        postMessage({ type: "progress", loaded, total });
      }),
    ),
  );
  lap("prefetched");
  const { loadPyodide } = await import(`${config.indexURL}pyodide.mjs`);
  pyodide = await loadPyodide({ indexURL: config.indexURL, packages: [] });
  lap("pyodide");
  for (const url of config.wheels) {
    const wheel = await (await fetch(url)).arrayBuffer();
    pyodide.unpackArchive(wheel, "wheel");
  }
  // The playground's own recorder and explainer, as a package of their own.
  const root = "/home/pyodide/lab-python/playground";
  pyodide.FS.mkdirTree(`${root}/lab`);
  pyodide.FS.mkdirTree(`${root}/stores`);
  pyodide.FS.writeFile(`${root}/__init__.py`, "");
  pyodide.FS.writeFile(`${root}/lab/__init__.py`, "");
  for (const [name, url] of Object.entries(config.sources)) {
    pyodide.FS.writeFile(`${root}/${name}`, await (await fetch(url)).text());
  }
  lap("wheels");
  pyodide.runPython("import sys; sys.path.insert(0, '/home/pyodide/lab-python')");
  runtime = pyodide.pyimport("playground.lab.runtime");
  lap("imported");
  // Highlight with the same Pygments the server uses.
  pyodide.runPython(`
def highlighted(code):
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer
    return highlight(code, PythonLexer(), HtmlFormatter(nowrap=True))
`);
}

function toJs(proxy) {
  const value = proxy.toJs({ dict_converter: Object.fromEntries, create_pyproxies: false });
  proxy.destroy();
  return value;
}

self.addEventListener("message", async ({ data }) => {
  if (data.type === "load") {
    try {
      await load(data.config);
      postMessage({ type: "ready", timings });
    } catch (error) {
      postMessage({ type: "failed", message: String(error.message ?? error) });
    }
  } else if (data.type === "run") {
    const started = performance.now();
    try {
      const result = toJs(runtime.run(data.code, pyodide.toPy(data.request)));
      postMessage({ type: "result", id: data.id, result, durationMs: performance.now() - started });
    } catch (error) {
      postMessage({ type: "result", id: data.id, result: { kind: "error", message: String(error.message ?? error) } });
    }
  } else if (data.type === "highlight") {
    const html = pyodide.globals.get("highlighted")(data.code);
    postMessage({ type: "highlighted", id: data.id, html });
  }
});
