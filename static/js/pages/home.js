// The home page: each endpoint form sends a real request, and the answer fills the shared views.

import { viewSource } from "../lib/api.js";
import { buildRequest } from "../lib/request.js";
import { showSource } from "../components/explanation-view.js";
import { pageViews, render, sendAndShow } from "../components/flow.js";
import { askPrediction, predicting, reveal } from "../components/predict.js";
import { enableCopy } from "../components/request-view.js";
import { chosenFields, control, enableToggles, isChecked, setChecked, toggles } from "../components/endpoint-form.js";

const views = pageViews();
const forms = Array.from(document.querySelectorAll("[data-endpoint-form]"));

// Values never put in the page's URL: a link is shared, and a password must not travel with it.
const PRIVATE_KEYS = new Set(["password"]);
// Nor a value too long for a link: copying a megabyte into the address bar takes seconds.
const LINKED_CHARACTERS = 2000;

/** What a form's controls ask for: method, encoding, target path, and the fields to send. */
function readForm(form) {
  const urls = JSON.parse(form.dataset.urls);
  const style = control(form, "return_style").value;
  return {
    method: control(form, "method").value,
    encoding: control(form, "encoding").value,
    returnStyle: style,
    path: urls[style],
    view: JSON.parse(form.dataset.views)[style],
    fields: chosenFields(form),
  };
}

// -- Shareable state: the form, its values, toggles and options live in the URL ----------------------

function stateOf(form) {
  const params = new URLSearchParams({ form: form.id });
  for (const toggle of toggles(form)) {
    const key = toggle.dataset.key;
    const value = control(form, key).value;
    if (value && !PRIVATE_KEYS.has(key) && value.length <= LINKED_CHARACTERS) params.set(key, value);
    if (!isChecked(toggle)) params.set(`send_${key}`, "0");
  }
  params.set("method", control(form, "method").value);
  params.set("encoding", control(form, "encoding").value);
  params.set("style", control(form, "return_style").value);
  return params;
}

function applyState(params) {
  const form = forms.find((f) => f.id === params.get("form"));
  if (!form) return null;
  for (const toggle of toggles(form)) {
    const key = toggle.dataset.key;
    if (!PRIVATE_KEYS.has(key)) control(form, key).value = params.get(key) ?? "";
    setChecked(toggle, params.get(`send_${key}`) !== "0");
  }
  const choose = (name, value) => {
    const select = control(form, name);
    if (value && Array.from(select.options).some((o) => o.value === value)) select.value = value;
  };
  choose("method", params.get("method"));
  choose("encoding", params.get("encoding"));
  choose("return_style", params.get("style"));
  showTarget(form);
  return form;
}

// -- The views --------------------------------------------------------------------------------------

const BODYLESS_NOTE = "GET and HEAD carry no body: the fields go in the query string.";

function showTarget(form) {
  const { method, path } = readForm(form);
  form.querySelector('[data-part="target"]').textContent = `${method} ${path}`;
  form.querySelector('[data-part="note"]').textContent =
    method === "GET" || method === "HEAD" ? BODYLESS_NOTE : "";
}

async function showViewSource(form) {
  const { view } = readForm(form);
  try {
    const source = await viewSource(view);
    showSource(views.explanation, source.source_html, `The view that will answer: \`${view}\``);
  } catch {
    // The source is a help, not the answer: the page works on without it.
  }
}

async function send(form) {
  const predicted = predicting() ? await askPrediction() : null;
  const request = buildRequest(readForm(form));
  // Each send is a step in the history: the URL holds the request, ready to share, at once.
  history.pushState({ request }, "", `?${stateOf(form)}`);
  const url = location.href;
  const remember = (entry) => {
    if (location.href === url) history.replaceState(entry, "", url);
  };
  // With Predict first, the verdict (where the learner just chose) names the status: stay there.
  const entry = await sendAndShow(views, request, remember, { reveal: predicted === null });
  remember(entry);
  if (predicted !== null) await reveal(predicted, entry);
}

for (const form of forms) {
  enableToggles(form);
  showTarget(form);
  form.addEventListener("change", (event) => {
    showTarget(form);
    if (event.target === control(form, "return_style")) showViewSource(form);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    send(form);
  });
  form.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      send(form);
    }
  });
}
enableCopy(views.request);

window.addEventListener("popstate", (event) => {
  const form = applyState(new URLSearchParams(location.search));
  if (event.state?.request) render(views, event.state);
  if (form && !event.state?.detail) showViewSource(form);
});

const opened = applyState(new URLSearchParams(location.search));
showViewSource(opened ?? forms[forms.length - 1]);
if (opened) opened.querySelector("button.send").focus();
