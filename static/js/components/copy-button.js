// A button that copies the text of the element it names (data-copy="<id>"), as the Request view's
// copy button does: to the clipboard where the browser allows it (a secure context, such as
// localhost or https), else the text is selected for Ctrl+C. The buttons come hidden, for a page
// without JavaScript, and are shown here.

export function enableCopyButtons(root = document) {
  for (const button of root.querySelectorAll("[data-copy]")) {
    const source = document.getElementById(button.dataset.copy);
    const status = button.parentElement.querySelector("[data-copy-status]");
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(source.textContent);
        status.textContent = "Copied.";
      } catch {
        getSelection().selectAllChildren(source);
        status.textContent = "Selected: press Ctrl+C to copy.";
      }
    });
  }
}
