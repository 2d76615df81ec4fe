// The Request component: what the page sent, and the curl command that sends the same.

function part(root, name) {
  return root.querySelector(`[data-part="${name}"]`);
}

export function showRequest(root, request, extraHeaders = []) {
  part(root, "placeholder").hidden = true;
  part(root, "sent").hidden = false;
  part(root, "request-line").textContent = `${request.method} ${request.url}`;
  const headers = [...request.headers, ...extraHeaders];
  part(root, "headers").textContent = headers.length
    ? headers.map(([n, v]) => `${n}: ${v}`).join("\n")
    : "(none set by the page; the browser adds its own)";
  part(root, "body").textContent = request.body ?? "(no body)";
  part(root, "curl").textContent = request.curl;
  part(root, "copy-status").textContent = "";
}

export function enableCopy(root) {
  part(root, "copy").addEventListener("click", async () => {
    const status = part(root, "copy-status");
    try {
      await navigator.clipboard.writeText(part(root, "curl").textContent);
      status.textContent = "Copied.";
    } catch {
      // Clipboard access needs a secure context (localhost is one); select the text instead.
      getSelection().selectAllChildren(part(root, "curl"));
      status.textContent = "Selected: press Ctrl+C to copy.";
    }
  });
}
