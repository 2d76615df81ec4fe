// Build a request from what a learner chose, send it with fetch, and read back the raw answer.

const BODYLESS = new Set(["GET", "HEAD"]);

/** Quote a word for a POSIX shell, keeping the tutorial's double quotes where they are safe. */
export function shellQuote(word) {
  if (/^[A-Za-z0-9_\-.,:\/=@%+]+$/.test(word)) return word;
  if (!/["\\$`!]/.test(word)) return `"${word}"`;
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

function urlencode(fields) {
  return new URLSearchParams(fields).toString();
}

function multipart(fields, boundary) {
  const parts = fields.map(
    ([name, value]) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
  );
  return `${parts.join("")}--${boundary}--\r\n`;
}

function randomBoundary() {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return `----FlaskStatusPlayground${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

function curlFormArgument([name, value]) {
  // curl -F reads a value starting with @ or < as a file, and ; as options: --form-string does not.
  const literal = /^[@<]|;/.test(value) ? "--form-string" : "-F";
  return `${literal} ${shellQuote(`${name}=${value}`)}`;
}

/**
 * Describe the request a form's choices make: what fetch sends and the curl command that sends
 * the same. `fields` is a list of [key, value] pairs: only the keys the learner chose to send.
 */
export function buildRequest({ method, encoding, path, fields, origin = location.origin }) {
  const request = { method, path, headers: [], body: null, fields };
  const args = ["curl"];
  if (BODYLESS.has(method)) {
    // A browser cannot send a body with GET or HEAD: the fields go in the query string instead.
    const query = urlencode(fields);
    request.path = query ? `${path}?${query}` : path;
    args.push(method === "HEAD" ? "-I" : "-i -X GET");
    args.push(shellQuote(`${origin}${request.path}`));
  } else {
    args.push("-i", "-X", method, shellQuote(`${origin}${path}`));
    if (encoding === "multipart/form-data") {
      const boundary = randomBoundary();
      request.headers.push(["Content-Type", `multipart/form-data; boundary=${boundary}`]);
      request.body = multipart(fields, boundary);
      args.push(...(fields.length ? fields.map(curlFormArgument) : ["-H", shellQuote("Content-Type: multipart/form-data"), "-d", '""']));
    } else {
      request.headers.push(["Content-Type", encoding]);
      request.body =
        encoding === "application/json" ? JSON.stringify(Object.fromEntries(fields)) : urlencode(fields);
      args.push("-H", shellQuote(`Content-Type: ${encoding}`), "-d", shellQuote(request.body) || '""');
    }
  }
  request.url = `${origin}${request.path}`;
  request.curl = args.join(" ");
  request.snippets = {
    curl: request.curl,
    fetch: fetchCode(request),
    requests: requestsCode(request),
    httpie: httpieCommand(request),
  };
  return request;
}

// The same request in the other forms people copy from DevTools. Each sends the very bytes fetch
// sends (a multipart body included, boundary and all). A JSON string literal is a valid literal in
// JavaScript and in Python too, so any value (quotes, $, backticks, newlines, non-ASCII) is safe.

const literal = (text) => JSON.stringify(text);

function fetchCode(request) {
  const options = [`  method: ${literal(request.method)},`];
  if (request.headers.length) {
    const headers = request.headers.map(([n, v]) => `${literal(n)}: ${literal(v)}`).join(", ");
    options.push(`  headers: { ${headers} },`);
  }
  if (request.body !== null) options.push(`  body: ${literal(request.body)},`);
  return [
    `const response = await fetch(${literal(request.url)}, {`,
    ...options,
    "});",
    "console.log(response.status, response.statusText, await response.text());",
  ].join("\n");
}

function requestsCode(request) {
  const args = [`    ${literal(request.method)},`, `    ${literal(request.url)},`];
  if (request.headers.length) {
    const headers = request.headers.map(([n, v]) => `${literal(n)}: ${literal(v)}`).join(", ");
    args.push(`    headers={${headers}},`);
  }
  if (request.body !== null) args.push(`    data=${literal(request.body)}.encode("utf-8"),`);
  return [
    "import requests",
    "",
    "response = requests.request(",
    ...args,
    ")",
    "print(response.status_code, response.reason)",
    "print(response.text)",
  ].join("\n");
}

function httpieCommand(request) {
  const args = ["http", "--ignore-stdin", request.method, shellQuote(request.url)];
  for (const [name, value] of request.headers) args.push(shellQuote(`${name}:${value}`));
  if (request.body !== null) args.push("--raw", request.body === "" ? "''" : shellQuote(request.body));
  return args.join(" ");
}

function lastTiming(url) {
  const entries = performance.getEntriesByName(url, "resource");
  return entries[entries.length - 1];
}

const VERSIONS = { "http/1.0": "HTTP/1.0", "http/1.1": "HTTP/1.1", h2: "HTTP/2", h3: "HTTP/3" };

/**
 * Send the request for real and read the whole answer: status, headers, body, time and size.
 *
 * Without credentials, as curl sends it: a 401 or 407 with a Basic challenge then comes back to the
 * page instead of opening the browser's sign-in prompt. With `follow` false, a redirect is not
 * followed; a script cannot read such an answer (fetch makes it opaque), so `opaqueRedirect` is set
 * and the page shows the server's record of it instead.
 */
export async function sendRequest(request, extraHeaders = [], { follow = true } = {}) {
  const started = performance.now();
  const response = await fetch(request.url, {
    method: request.method,
    headers: [...request.headers, ...extraHeaders],
    body: request.body,
    cache: "no-store",
    credentials: "omit",
    redirect: follow ? "follow" : "manual",
  });
  const bytes = new Uint8Array(await response.arrayBuffer());
  const elapsed = performance.now() - started;
  const timing = lastTiming(request.url) ?? lastTiming(response.url);
  const answer = {
    status: response.status,
    statusText: response.statusText,
    version: VERSIONS[timing?.nextHopProtocol] ?? (timing?.nextHopProtocol || ""),
    headers: Array.from(response.headers),
    body: new TextDecoder().decode(bytes),
    bodyBytes: bytes.byteLength,
    transferBytes: timing?.transferSize || null,
    durationMs: elapsed,
    url: response.url,
    redirected: response.redirected,
    opaqueRedirect: response.type === "opaqueredirect",
  };
  performance.clearResourceTimings();
  return answer;
}
