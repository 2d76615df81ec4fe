// Show an exchange from the server's record in the shared Request and Response components.

import { pageFact } from "../lib/dom.js";

export function answerFromRecord(exchange) {
  return {
    status: exchange.response.status,
    statusText: exchange.response.reason,
    version: exchange.request.http_version,
    // A header the playground added (the sandbox of a learner-built answer) says so on its line.
    headers: exchange.response.headers.map(([name, value]) =>
      name in (exchange.response.added_by_playground ?? {}) ? [name, `${value}  (added by the playground)`] : [name, value],
    ),
    body: exchange.response.body + (exchange.response.body_truncated ? `\n… (cut: the log keeps ${(pageFact("body-cap") / 1024).toLocaleString("en")} KB)` : ""),
    bodyBytes: exchange.response.body_size,
    transferBytes: null,
    durationMs: exchange.duration_ms,
  };
}

export function requestFromRecord(exchange) {
  const req = exchange.request;
  const path = req.query ? `${req.path}?${req.query}` : req.path;
  return {
    method: req.method,
    url: `${location.origin}${path}`,
    headers: req.headers,
    body: req.body || null,
    curl: null,
    origin: `Sent by ${exchange.client || "a classmate"}; the headers as the server received them.`,
  };
}
