// The "Send <key>" toggles: ARIA checkboxes, so they answer to click, Space and Enter.

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
