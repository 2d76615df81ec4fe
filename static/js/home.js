// The home page: each endpoint form sends a real request and the answer fills the shared views.

import { buildRequest, sendRequest } from "./exchange.js";
import { enableCopy, showRequest } from "./request-view.js";
import { showFailure, showResponse } from "./response-view.js";
import { enableToggles, isChecked } from "./send-toggle.js";

const requestView = document.querySelector("[data-request-view]");
const responseView = document.querySelector("[data-response-view]");

function control(form, name) {
  return form.querySelector(`[id="${form.id}-${name}"]`);
}

/** What a form's controls ask for: method, encoding, target path, and the fields to send. */
export function readForm(form) {
  const urls = JSON.parse(form.dataset.urls);
  const fields = [];
  for (const toggle of form.querySelectorAll(".send-toggle")) {
    if (!isChecked(toggle)) continue;
    const key = toggle.dataset.key;
    fields.push([key, control(form, key).value]);
  }
  return {
    method: control(form, "method").value,
    encoding: control(form, "encoding").value,
    returnStyle: control(form, "return_style").value,
    path: urls[control(form, "return_style").value],
    fields,
  };
}

const BODYLESS_NOTE = "GET and HEAD carry no body: the fields go in the query string.";

function showTarget(form) {
  const { method, path } = readForm(form);
  form.querySelector('[data-part="target"]').textContent = `${method} ${path}`;
  form.querySelector('[data-part="note"]').textContent =
    method === "GET" || method === "HEAD" ? BODYLESS_NOTE : "";
}

async function send(form) {
  const request = buildRequest(readForm(form));
  showRequest(requestView, request);
  responseView.setAttribute("aria-busy", "true");
  try {
    showResponse(responseView, await sendRequest(request));
  } catch (error) {
    showFailure(responseView, error);
  } finally {
    responseView.removeAttribute("aria-busy");
  }
}

for (const form of document.querySelectorAll("[data-endpoint-form]")) {
  enableToggles(form);
  showTarget(form);
  form.addEventListener("change", () => showTarget(form));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    send(form);
  });
}
enableCopy(requestView);
