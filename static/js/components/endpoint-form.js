// The tutorial's forms (Sign up, User details), read the same way on the home page and in the lab.

import { isChecked } from "./send-toggle.js";

export function control(form, name) {
  return form.querySelector(`[id="${form.id}-${name}"]`);
}

export function toggles(form) {
  return Array.from(form.querySelectorAll(".send-toggle"));
}

/** The fields the learner chose to send: [key, value] pairs, in the tutorial's order. */
export function chosenFields(form) {
  return toggles(form)
    .filter(isChecked)
    .map((toggle) => [toggle.dataset.key, control(form, toggle.dataset.key).value]);
}
