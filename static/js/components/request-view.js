// The Request component: what the page sent, and the curl command that sends the same.

import { part } from "../lib/dom.js";

// A body is shown up to this many characters: a megabyte of text would freeze a projector's page.
export const SHOWN_CHARACTERS = 16384;

export function clipped(text) {
  if (text.length <= SHOWN_CHARACTERS) return text;
  const rest = text.length - SHOWN_CHARACTERS;
  return `${text.slice(0, SHOWN_CHARACTERS)}\n… (${rest.toLocaleString("en")} more characters not shown)`;
}

// The whole command of each Request view, in each form, for the copy button (the view may clip it).
const fullCommands = new WeakMap();
const COPY_LABELS = {
  curl: "Copy curl command",
  fetch: "Copy fetch code",
  requests: "Copy Python requests code",
  httpie: "Copy HTTPie command",
};

function showSnippet(root) {
  const form = part(root, "copy-as").value;
  const snippets = fullCommands.get(root) ?? {};
  part(root, "curl").textContent = clipped(snippets[form] ?? "");
  part(root, "copy").textContent = COPY_LABELS[form];
  part(root, "copy-status").textContent = "";
}

export function showRequest(root, request, extraHeaders = []) {
  fullCommands.set(root, request.snippets ?? { curl: request.curl });
  part(root, "placeholder").hidden = true;
  part(root, "sent").hidden = false;
  part(root, "request-line").textContent = `${request.method} ${request.url}`;
  const headers = [...request.headers, ...extraHeaders];
  part(root, "headers").textContent = headers.length
    ? headers.map(([n, v]) => `${n}: ${v}`).join("\n")
    : "(none set by the page; the browser adds its own)";
  part(root, "body").textContent = request.body === null ? "(no body)" : clipped(request.body);
  // Another client's request (on the live log) has no curl command of the page's: say who sent it.
  part(root, "curl-box").hidden = !request.curl;
  part(root, "origin").hidden = !request.origin;
  part(root, "origin").textContent = request.origin ?? "";
  showSnippet(root);
}

/** Show that nothing was sent, and nothing of the request before. */
export function clearRequest(root, message) {
  fullCommands.delete(root);
  part(root, "placeholder").hidden = false;
  part(root, "placeholder").textContent = message;
  part(root, "sent").hidden = true;
  for (const name of ["request-line", "headers", "body", "curl"]) part(root, name).replaceChildren();
}

export function enableCopy(root) {
  part(root, "copy-as").addEventListener("change", () => showSnippet(root));
  part(root, "copy").addEventListener("click", async () => {
    const status = part(root, "copy-status");
    try {
      const snippets = fullCommands.get(root) ?? {};
      await navigator.clipboard.writeText(snippets[part(root, "copy-as").value] ?? part(root, "curl").textContent);
      status.textContent = "Copied.";
    } catch {
      // Clipboard access needs a secure context (localhost is one); select the text instead.
      getSelection().selectAllChildren(part(root, "curl"));
      status.textContent = "Selected: press Ctrl+C to copy.";
    }
  });
}

// A request from the server's record (the live log): the headers as the server received them.
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
