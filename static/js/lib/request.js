// Build a request from what a learner chose: method, encoding, the fields they send.

import { snippetsFor } from "./copy-as.js";

const BODYLESS = new Set(["GET", "HEAD"]);

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

/**
 * Describe the request a form's choices make: what fetch sends and the commands that send the same.
 * `fields` is a list of [key, value] pairs: only the keys the learner chose to send.
 */
export function buildRequest({ method, encoding, path, fields, origin = location.origin }) {
  const request = { method, path, headers: [], body: null, fields, encoding };
  if (BODYLESS.has(method)) {
    // A browser cannot send a body with GET or HEAD: the fields go in the query string instead.
    const query = urlencode(fields);
    request.path = query ? `${path}?${query}` : path;
  } else if (encoding === "multipart/form-data") {
    const boundary = randomBoundary();
    request.headers.push(["Content-Type", `multipart/form-data; boundary=${boundary}`]);
    request.body = multipart(fields, boundary);
  } else {
    request.headers.push(["Content-Type", encoding]);
    request.body = encoding === "application/json" ? JSON.stringify(Object.fromEntries(fields)) : urlencode(fields);
  }
  request.url = `${origin}${request.path}`;
  request.snippets = snippetsFor(request);
  request.curl = request.snippets.curl;
  return request;
}
