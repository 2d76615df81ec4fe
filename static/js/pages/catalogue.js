// The status catalogue: find a code by number or name; each Try sends a real request to /status/<code>.

import { buildRequest } from "../lib/request.js";
import { pageViews, sendAndShow } from "../components/flow.js";
import { enableCopy } from "../components/request-view.js";

const views = pageViews();
const catalogue = document.querySelector(".catalogue");
const statusUrl = catalogue.dataset.statusUrl;
const search = document.querySelector("[data-code-search]");
const classFilter = document.querySelector("[data-code-class]");
const count = document.querySelector("[data-code-count]");
const follow = document.querySelector("[data-follow-redirects]");

function filter() {
  const words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const cls = classFilter.value;
  let shown = 0;
  for (const group of catalogue.querySelectorAll("[data-group]")) {
    let inGroup = 0;
    for (const card of group.querySelectorAll(".code-card")) {
      const match = (!cls || group.dataset.group === cls) && words.every((w) => card.dataset.search.includes(w));
      card.hidden = !match;
      inGroup += match;
    }
    group.hidden = inGroup === 0;
    shown += inGroup;
  }
  count.textContent = `${shown} code${shown === 1 ? "" : "s"}`;
  document.querySelector("[data-no-match]").hidden = shown > 0;
}

/** Open the code a link points at (#code-401), even when a filter had hidden it. */
function openLinked() {
  const card = location.hash.startsWith("#code-") ? document.getElementById(location.hash.slice(1)) : null;
  if (!card) return;
  if (card.hidden) {
    search.value = "";
    classFilter.value = "";
    filter();
  }
  card.querySelector("details").open = true;
}

catalogue.addEventListener("click", (event) => {
  const button = event.target.closest("button.try");
  if (!button) return;
  const path = statusUrl.replace("000", button.dataset.code);
  sendAndShow(views, buildRequest({ method: "GET", encoding: null, path, fields: [] }), () => {}, {
    follow: follow.checked,
  });
});
search.addEventListener("input", filter);
classFilter.addEventListener("change", filter);
window.addEventListener("hashchange", openLinked);
enableCopy(views.request);
openLinked();
