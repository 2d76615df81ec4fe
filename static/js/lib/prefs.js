// Display preferences, applied before the page paints: projector view and theme, kept in the browser.
// A classic script (not a module) so it runs at once; no inline script, the CSP forbids it.
(function () {
  const root = document.documentElement;
  const stored = (key) => {
    try {
      return localStorage.getItem(key);
    } catch {
      return null;
    }
  };
  const store = (key, value) => {
    try {
      localStorage.setItem(key, value);
    } catch {
      // Private mode: the choice lasts for this page only.
    }
  };
  const asked = new URLSearchParams(location.search).get("projector");
  if (asked === "1" || asked === "0") store("projector", asked);
  const setProjector = (on) => {
    if (on) root.dataset.projector = "";
    else delete root.dataset.projector;
  };
  const setTheme = (theme) => {
    if (theme === "light" || theme === "dark") root.dataset.theme = theme;
    else delete root.dataset.theme;
  };
  setProjector(stored("projector") === "1");
  setTheme(stored("theme"));

  document.addEventListener("DOMContentLoaded", () => {
    const toggle = document.querySelector("[data-projector-toggle]");
    const theme = document.querySelector("[data-theme-select]");
    if (toggle) {
      toggle.setAttribute("aria-pressed", String("projector" in root.dataset));
      toggle.addEventListener("click", () => {
        const on = !("projector" in root.dataset);
        setProjector(on);
        store("projector", on ? "1" : "0");
        toggle.setAttribute("aria-pressed", String(on));
      });
    }
    if (theme) {
      theme.value = stored("theme") || "system";
      theme.addEventListener("change", () => {
        setTheme(theme.value);
        store("theme", theme.value);
      });
    }
  });
})();
