// Send a request for real, with fetch, and read back the raw answer.

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
