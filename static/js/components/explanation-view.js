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
  showRules(root, e.rules, e);
  root.dataset.status = String(exchange.response.status);
}

// -- HTTP rules: what RFC 9110 asks of this answer (playground/recording/rules.py) -----------------

const RFC = /^[0-9]{3,5}$/;
const SECTION = /^[0-9]{1,2}(\.[0-9]{1,2}){0,4}$/;

/** The RFC Editor's address of a section, built here from checked parts: never a URL from the data. */
export function sectionUrl(rfc, section) {
  return RFC.test(rfc) && SECTION.test(section) ? `https://www.rfc-editor.org/rfc/rfc${rfc}#section-${section}` : null;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** The section as a link, and the RFC's own words in a <details>: readable offline. */
function citation(item) {
  const box = element("div", "rule-cite");
  const url = sectionUrl(item.rfc, item.section);
  const name = `RFC ${item.rfc}, section ${item.section}`;
  if (url) {
    const link = element("a", null, name);
    link.href = url;
    link.rel = "noopener noreferrer";
    box.append(link);
  } else {
    box.append(name);
  }
  if (item.quote) {
    const details = element("details");
    details.append(element("summary", null, "What the RFC says"), element("blockquote", null, item.quote));
    box.append(details);
  }
  return box;
}

function ruleItem(finding, kind, explanation) {
  const item = element("li", `rule ${kind}`);
  item.dataset.rule = finding.id;
  const head = element("p");
  const label = kind === "broken" ? `Broken (${finding.strength}): ` : `Advice (${finding.strength}), not a broken rule: `;
  head.append(element("strong", "rule-kind", label), finding.rule);
  item.append(head);
  if (finding.detail) item.append(element("p", "rule-detail", finding.detail));
  if (kind === "broken" && explanation?.source_line) {
    const where = explanation.line_number ? ` (\`${explanation.source_file}\`, line ${explanation.line_number})` : "";
    const line = element("p", "muted");
    setRichText(line, `The line that decided the status: \`${explanation.source_line}\`${where}.`);
    item.append(line);
  }
  item.append(citation(finding));
  return item;
}

function noteItem(note) {
  const item = element("li", "rule note");
  item.dataset.rule = note.id;
  const head = element("p");
  head.append(element("strong", "rule-kind", "Note, no rule broken: "), note.text);
  item.append(head, citation(note));
  return item;
}

/** The HTTP rules list: one item per rule broken, then the advice (a MAY), then the notes. */
function showRules(root, rules, explanation) {
  const box = part(root, "rules-box");
  if (!box) return;
  const list = part(root, "rules");
  box.hidden = !rules;
  if (!rules) {
    list.replaceChildren();
    return;
  }
  part(root, "rules-summary").textContent = rules.summary;
  list.replaceChildren(
    ...rules.broken.map((finding) => ruleItem(finding, "broken", explanation)),
    ...rules.advice.map((finding) => ruleItem(finding, "advice", explanation)),
    ...rules.notes.map(noteItem),
  );
  list.hidden = !list.children.length;
  root.dataset.rulesBroken = String(rules.broken.length);
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
  showRules(root, null);
  delete root.dataset.status;
  delete root.dataset.rulesBroken;
}
