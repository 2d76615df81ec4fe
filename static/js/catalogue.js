// The status catalogue: each Try button sends a real request to /status/<code>.

import { buildRequest } from "./exchange.js";
import { pageViews, sendAndShow } from "./flow.js";
import { enableCopy } from "./request-view.js";

const views = pageViews();
const statusUrl = document.querySelector("[data-status-url]").dataset.statusUrl;

document.querySelector(".catalogue").addEventListener("click", (event) => {
  const button = event.target.closest("button.try");
  if (!button) return;
  const path = statusUrl.replace("000", button.dataset.code);
  sendAndShow(views, buildRequest({ method: "GET", encoding: null, path, fields: [] }));
});
enableCopy(views.request);
