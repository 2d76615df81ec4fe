// The "Why this status" component: the server's explanation of an answer, and the view's source.

import { part, setRichText } from "../lib/dom.js";

/** Show a view's source: HTML highlighted on the server by Pygments, which escapes it. */
export function showSource(root, sourceHtml, caption) {
  part(root, "source").innerHTML = sourceHtml;
  setRichText(part(root, "source-caption"), caption);
}

/**
 * Show why an answer got its status. `chain` is every hop of a followed redirect, the last being
 * `exchange` itself: each earlier hop is named with the reason for its own status, so the 303 that
 * led to a 200 is never mistaken for the 200's explanation.
 */
export function showExplanation(root, exchange, chain = []) {
  const e = exchange.explanation;
  part(root, "placeholder").hidden = true;
  part(root, "explained").hidden = false;
  showChain(root, chain);
  setRichText(part(root, "summary"), e.summary);
  part(root, "class").textContent = `${e.status_class} ${e.status_class_name}: ${e.status_class_meaning}.`;
  // Names of code go in `backticks` (shown as code): a long one may wrap anywhere, prose never.
  setRichText(
    part(root, "code"),
    e.status_name
      ? `${exchange.response.status} ${e.status_phrase} (\`HTTPStatus.${e.status_name}\`): ${e.status_description}`
      : `${exchange.response.status}: ${e.status_description}`,
  );
  part(root, "line").textContent = e.source_line ?? "(none)";
  setRichText(part(root, "where"), e.line_number ? `\`${e.source_file}\`, line ${e.line_number}` : "");
  if (e.source_html) {
    const caption = e.source_function
      ? `Decided before the view ran, in \`${e.source_file}\`: \`${e.source_function}()\``
      : `The view that answered: \`${e.view_function}\``;
    showSource(root, e.source_html, caption);
  }
  root.dataset.status = String(exchange.response.status);
}

function hopLine(hop) {
  return `\`${hop.request.method} ${hop.request.path}\` answered ${hop.response.status_line}`;
}

function showChain(root, chain) {
  const box = part(root, "chain");
  if (!box) return;
  box.hidden = chain.length < 2;
  const last = chain[chain.length - 1];
  setRichText(
    part(root, "chain-intro"),
    chain.length < 2
      ? ""
      : `This answer took ${chain.length} requests: fetch followed ${chain.length === 2 ? "a redirect" : `${chain.length - 1} redirects`}. ` +
          `Below is why the last one, the ${last.response.status} in Response, got its status.`,
  );
  part(root, "chain-hops").replaceChildren(
    ...chain.map((hop, index) => {
      const item = document.createElement("li");
      const why = index === chain.length - 1 ? "the answer shown in Response, explained below." : hop.explanation.summary;
      setRichText(item, `${hopLine(hop)}: ${why}`);
      return item;
    }),
  );
}

/** Say why there is no explanation (yet), and leave nothing of the previous one, its source included. */
export function clearExplanation(root, message) {
  part(root, "placeholder").hidden = false;
  part(root, "placeholder").textContent = message;
  part(root, "explained").hidden = true;
  for (const name of ["summary", "class", "code", "line", "where", "source", "source-caption"]) {
    part(root, name).replaceChildren();
  }
  showChain(root, []);
  delete root.dataset.status;
}
