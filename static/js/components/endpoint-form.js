// The tutorial's forms (Sign up, User details), read the same way on the home page and in the lab,
// and their "Send <key>" toggles: ARIA checkboxes, so they answer to click, Space and Enter.

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

function flip(toggle) {
  const checked = toggle.getAttribute("aria-checked") !== "true";
  toggle.setAttribute("aria-checked", String(checked));
  toggle.dispatchEvent(new Event("change", { bubbles: true }));
}

export function isChecked(toggle) {
  return toggle.getAttribute("aria-checked") === "true";
}

export function setChecked(toggle, checked) {
  toggle.setAttribute("aria-checked", String(checked));
}

export function enableToggles(root) {
  root.addEventListener("click", (event) => {
    const toggle = event.target.closest(".send-toggle");
    if (toggle) flip(toggle);
  });
  root.addEventListener("keydown", (event) => {
    const toggle = event.target.closest(".send-toggle");
    // Ctrl+Enter (or Cmd+Enter) sends the form: it must not flip the toggle that has focus first.
    const modified = event.ctrlKey || event.metaKey || event.altKey;
    if (toggle && !modified && (event.key === " " || event.key === "Enter")) {
      event.preventDefault();
      flip(toggle);
    }
  });
}
