// The response builder: the server checks the values (WTForms) and writes the code, then the page
// sends the request to the real /respond view and shows the answer.

import { buildRequest } from "../lib/request.js";
import { clearViews, pageViews, sendAndShow } from "../components/flow.js";
import { enableCopy } from "../components/request-view.js";

const views = pageViews();
const form = document.querySelector("[data-builder-form]");
const codeView = document.querySelector("[data-code-view]");
const csrfToken = document.querySelector('meta[name="csrf-token"]').content;

function showErrors(errors) {
  for (const old of form.querySelectorAll(".field-error")) old.remove();
  for (const input of form.querySelectorAll("[aria-invalid]")) input.removeAttribute("aria-invalid");
  for (const [name, messages] of Object.entries(errors)) {
    const input = form.querySelector(`[name="${name}"]`);
    if (!input) continue;
    input.setAttribute("aria-invalid", "true");
    const note = document.createElement("p");
    note.className = "field-error";
    note.setAttribute("role", "alert");
    note.textContent = messages.join(" ");
    input.closest(".field").append(note);
  }
}

const REFUSED = "Nothing sent: the values marked above were refused, so no view ran.";

/** The code of the view that answers, or the placeholder saying there is none. */
function showCode(built) {
  const code = codeView.querySelector('[data-part="code"]');
  let placeholder = codeView.querySelector('[data-part="placeholder"]');
  if (!placeholder) {
    // The page came from a no-JavaScript send, with its code and a link, and no placeholder.
    placeholder = document.createElement("p");
    placeholder.className = "placeholder";
    placeholder.dataset.part = "placeholder";
    code.before(placeholder);
  }
  placeholder.hidden = built !== null;
  placeholder.textContent = built ? "" : "No code: the values marked in the form were refused.";
  // Pygments wrote this HTML on the server, escaping the code.
  code.innerHTML = built ? built.code_html : "";
  codeView.querySelector('[data-part="link"]')?.remove();
}

async function build() {
  const response = await fetch(form.action, {
    method: "POST",
    body: new FormData(form),
    headers: { Accept: "application/json", "X-CSRFToken": csrfToken },
  });
  const answer = await response.json();
  showErrors(answer.errors ?? {});
  return answer.built;
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const built = await build();
  if (!built) {
    // The last code and answer belong to other values: under an error they would read as this one's.
    showCode(null);
    clearViews(views, REFUSED);
    return;
  }
  showCode(built);
  const request = buildRequest({
    method: built.method,
    encoding: "application/x-www-form-urlencoded",
    path: built.url,
    fields: built.fields,
  });
  sendAndShow(views, request, () => {}, { follow: form.querySelector("[data-follow-redirects]").checked });
});
form.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    form.requestSubmit();
  }
});
enableCopy(views.request);
