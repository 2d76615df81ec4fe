// "What the browser hides": the page's view of an answer beside the server's record of it.

import { part, setRichText } from "../lib/dom.js";

const ADDED_BY_SERVER = new Set(["date", "server", "connection", "transfer-encoding", "keep-alive"]);
const HIDDEN_FROM_SCRIPTS = new Set(["set-cookie", "set-cookie2"]);

/** The differences a learner would not otherwise notice, each as a sentence. */
export function differences(answer, hops) {
  const record = hops[hops.length - 1];
  const sent = record.response.headers;
  if (answer.unreadable) return unreadableNotes(answer, record);
  const seen = answer.headers;
  const notes = [];
  const renamed = sent.filter(([name]) => name !== name.toLowerCase()).map(([name]) => name);
  if (renamed.length) {
    notes.push(
      `The browser lower-cases header names: the app sent ${renamed.map((n) => `\`${n}\``).join(", ")}; the page's JavaScript sees them in lower case.`,
    );
  }
  const sentNamesInOrder = sent.map(([n]) => n).filter((n) => !HIDDEN_FROM_SCRIPTS.has(n.toLowerCase()));
  const sentOrder = sentNamesInOrder.map((n) => n.toLowerCase());
  const seenOrder = seen.map(([n]) => n.toLowerCase()).filter((n) => sentOrder.includes(n));
  if (sentOrder.join() !== seenOrder.join()) {
    notes.push(
      `The browser re-orders headers (alphabetically): the app sent them as ${sentNamesInOrder.join(", ")}.`,
    );
  }
  notes.push(...challengeNotes(sent, `so the ${answer.status} came back to it instead`));
  for (const [name] of sent) {
    if (HIDDEN_FROM_SCRIPTS.has(name.toLowerCase())) {
      notes.push(`The app sent \`${name}\`, but no script may read it: it is missing from the page's headers.`);
    }
  }
  const sentNames = new Set(sent.map(([n]) => n.toLowerCase()));
  const added = seen.map(([n]) => n).filter((n) => !sentNames.has(n.toLowerCase()));
  if (added.length) {
    const known = added.filter((n) => ADDED_BY_SERVER.has(n.toLowerCase()));
    notes.push(
      `${added.map((n) => `\`${n}\``).join(", ")} ${added.length === 1 ? "was" : "were"} added by the server` +
        `${known.length === added.length ? "" : " or on the way"}, not by the app: the view never wrote ${added.length === 1 ? "it" : "them"}.`,
    );
  }
  if (hops.length > 1 || answer.redirected) {
    notes.push(
      `fetch followed ${hops.length - 1} redirect${hops.length === 2 ? "" : "s"} silently: the page only saw the last answer (${answer.status}).`,
    );
  }
  notes.push(...playgroundNotes(record));
  if (record.response.reason && answer.statusText !== record.response.reason) {
    notes.push(`The app's reason phrase was \`${record.response.reason}\`; the page received \`${answer.statusText}\`.`);
  }
  return notes;
}

/** A Basic challenge: what a browser that opened the address would do, and what the page got instead. */
function challengeNotes(sent, instead) {
  return sent
    .filter(([name]) => ["www-authenticate", "proxy-authenticate"].includes(name.toLowerCase()))
    .map(
      ([name, value]) =>
        `\`${name}: ${value}\` asks for a user name and password: a browser that opens this address shows its sign-in prompt. The page sends without credentials, as curl does, ${instead}.`,
    );
}

function playgroundNotes(record) {
  return Object.entries(record.response.added_by_playground ?? {}).map(
    ([name, reason]) => `\`${name}\` was not written by the view: it was ${reason}.`,
  );
}

/**
 * An answer the page's JavaScript could not read (an unfollowed redirect, an answer the browser
 * refused): nothing to compare, header by header, with what the app sent. Say so, and no more.
 */
function unreadableNotes(answer, record) {
  return [
    `The page's JavaScript got nothing of this answer (${answer.unreadable}): no status, no header, no body. Both the Response and the column below are the server's record of what the app sent.`,
    ...challengeNotes(record.response.headers, "and the browser gave the page an error instead of this answer"),
    ...playgroundNotes(record),
  ];
}

function headerLines(statusLine, headers) {
  return [statusLine, ...headers.map(([n, v]) => `${n}: ${v}`)].join("\n");
}

export function showComparison(root, answer, hops) {
  part(root, "placeholder").hidden = true;
  part(root, "compared").hidden = false;
  const record = hops[hops.length - 1];
  part(root, "browser").textContent = answer.unreadable
    ? `(nothing: ${answer.unreadable})`
    : headerLines(`${answer.status} ${answer.statusText}`, answer.headers);
  part(root, "server").textContent = headerLines(record.response.status_line, record.response.headers);
  const list = part(root, "differences");
  list.replaceChildren(
    ...differences(answer, hops).map((note) => {
      const item = document.createElement("li");
      setRichText(item, note);
      return item;
    }),
  );
  const hopsList = part(root, "hops");
  part(root, "hops-box").hidden = hops.length < 2;
  hopsList.replaceChildren(
    ...hops.map((hop, index) => {
      const item = document.createElement("li");
      const location = hop.response.headers.find(([n]) => n.toLowerCase() === "location");
      const method = index === 0 ? hop.request.method : `${hop.request.method}${hop.request.method !== hops[index - 1].request.method ? " (changed from " + hops[index - 1].request.method + ")" : " (kept)"}`;
      item.textContent = `${method} ${hop.request.path} → ${hop.response.status_line}${location ? `, Location: ${location[1]}` : ""}`;
      return item;
    }),
  );
}

export function clearComparison(root, message) {
  part(root, "placeholder").hidden = false;
  part(root, "placeholder").textContent = message;
  part(root, "compared").hidden = true;
  for (const name of ["differences", "browser", "server", "hops"]) part(root, name).replaceChildren();
  part(root, "hops-box").hidden = true;
}
