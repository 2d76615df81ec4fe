// The Response component: one module renders every answer, on every page.

import { pageFact, part } from "../lib/dom.js";
import { clipped } from "./request-view.js";

const CLASSES = pageFact("status-classes") ?? {};

export function statusClass(status) {
  const digit = Math.floor(status / 100);
  return { key: `${digit}xx`, name: CLASSES[digit] ?? "Unknown class" };
}

export function formatBytes(count) {
  return count === 1 ? "1 byte" : `${count.toLocaleString("en")} bytes`;
}

/** Show an answer read by exchange.sendRequest. Everything goes in as text, never as HTML. */
export function showResponse(root, answer) {
  part(root, "placeholder").hidden = true;
  part(root, "answer").hidden = false;
  const cls = statusClass(answer.status);
  const status = part(root, "status");
  status.textContent = `${answer.status} ${answer.statusText}`.trim();
  status.className = `status status-${cls.key}`;
  part(root, "status-class").textContent = `${cls.key} ${cls.name}`;
  part(root, "version").textContent = answer.version;
  part(root, "timing").textContent = `${answer.durationMs.toFixed(1)} ms`;
  const sizes = [`${formatBytes(answer.bodyBytes)} of body`];
  if (answer.transferBytes) sizes.push(`${formatBytes(answer.transferBytes)} on the wire`);
  part(root, "size").textContent = sizes.join(", ");
  part(root, "headers").textContent = answer.headers.map(([n, v]) => `${n}: ${v}`).join("\n");
  const body = part(root, "body");
  body.textContent = clipped(answer.body);
  body.classList.toggle("empty", answer.body === "");
  if (answer.body === "") body.textContent = "(empty body)";
  const note = part(root, "note");
  note.textContent = answer.note ?? "";
  note.hidden = !answer.note;
  root.dataset.status = String(answer.status);
}

/** Show that there is no answer to show (nothing was sent), and nothing of the answer before. */
export function clearResponse(root, message) {
  part(root, "placeholder").hidden = false;
  part(root, "placeholder").textContent = message;
  part(root, "answer").hidden = true;
  for (const name of ["status", "status-class", "version", "timing", "size", "headers", "body", "note"]) {
    part(root, name).replaceChildren();
  }
  delete root.dataset.status;
}

/** Show that no answer came back at all (the network failed, the server is down). */
export function showFailure(root, error) {
  part(root, "placeholder").hidden = false;
  part(root, "answer").hidden = true;
  part(root, "placeholder").textContent = `No answer: the request failed before the server replied (${error.message}).`;
  delete root.dataset.status;
}

/** Whether an element is wholly on screen: inside the window and every scrolling box around it. */
function onScreen(element) {
  const box = element.getBoundingClientRect();
  if (box.top < 0 || box.bottom > innerHeight) return false;
  for (let around = element.parentElement; around; around = around.parentElement) {
    if (!/(auto|scroll|hidden)/.test(getComputedStyle(around).overflowY)) continue;
    const frame = around.getBoundingClientRect();
    if (box.top < frame.top || box.bottom > frame.bottom) return false;
  }
  return true;
}

/**
 * Bring a new answer's status line (or why there is none) to where the learner looks, if it is
 * not on screen already: the Response's top, with its status line, at the top of the window.
 */
export function revealAnswer(root) {
  const answered = !part(root, "answer").hidden;
  const target = answered ? root.querySelector(".status-line") : part(root, "placeholder");
  if (onScreen(target)) return;
  const still = matchMedia("(prefers-reduced-motion: reduce)").matches;
  root.scrollIntoView({ block: "start", behavior: still ? "auto" : "smooth" });
}

// An exchange from the server's record, in the answer shape every page shows.
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
