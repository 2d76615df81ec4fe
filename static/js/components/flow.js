// One exchange, start to end: send a request, then fill every view the page has with the answer
// and with the server's record of it. Every page that sends (home, catalogue, builder) uses this.

import { exchangesTagged, newTag } from "../lib/api.js";
import { pageFact } from "../lib/dom.js";
import { clearComparison, showComparison } from "./browser-hides.js";
import { sendRequest } from "../lib/send.js";
import { clearExplanation, showExplanation } from "./explanation-view.js";
import { clearRequest, showRequest } from "./request-view.js";
import { answerFromRecord, clearResponse, revealAnswer, showFailure, showResponse } from "./response-view.js";

// The page tags its own requests with this header to find their exchanges in the server's log. It
// changes nothing in the answer, and the curl command leaves it out.
export const TAG_HEADER = pageFact("tag-header");

export function pageViews() {
  return {
    request: document.querySelector("[data-request-view]"),
    response: document.querySelector("[data-response-view]"),
    explanation: document.querySelector("[data-explanation-view]"),
    hidden: document.querySelector("[data-hidden-view]"),
  };
}

/** Show an exchange (sent now, or restored from history) in whichever views the page has. */
export function render(views, entry) {
  if (views.request && entry.request) {
    const added = entry.tag ? [[TAG_HEADER, `${entry.tag} (added by the page to find its exchange; not in the curl command)`]] : [];
    showRequest(views.request, entry.request, added);
  }
  if (entry.answer) showResponse(views.response, entry.answer);
  if (entry.detail && views.explanation) showExplanation(views.explanation, entry.detail, entry.chain);
  if (entry.hops?.length && views.hidden) showComparison(views.hidden, entry.answer, entry.hops);
}

/** Empty every view, saying why: nothing was sent, so nothing of an earlier exchange may stay. */
export function clearViews(views, message) {
  if (views.request) clearRequest(views.request, message);
  clearResponse(views.response, message);
  if (views.explanation) clearExplanation(views.explanation, message);
  if (views.hidden) clearComparison(views.hidden, message);
}

const UNFOLLOWED =
  "Shown from the server's record: with Follow redirects off, the browser stops at the redirect, " +
  "but gives a script nothing of it to read (fetch's redirect: \"manual\" makes it opaque), so this " +
  "is what the server sent, as curl without -L shows it.";

function refusedNote(record, error) {
  const why =
    record.response.status === 407
      ? " A 407 asks for a proxy's credentials, and this answer came from the server itself, not a proxy, so the browser treats it as an error."
      : "";
  return `Shown from the server's record: the server answered, but the browser refused the answer and fetch failed (${error.message}).${why}`;
}

/**
 * An exchange begins on screen: its request shown, the views below the answer emptied (they must
 * never explain the previous answer while this one is on its way), the Response busy. Every page
 * that sends, the code lab included, begins and ends an exchange with these two.
 */
export function beginExchange(views, entry, waiting = "Waiting for the answer…") {
  render(views, { request: entry.request, tag: entry.tag });
  if (views.explanation) clearExplanation(views.explanation, waiting);
  if (views.hidden) clearComparison(views.hidden, waiting);
  views.response.setAttribute("aria-busy", "true");
}

/** Its answer on screen, brought into view when `reveal` (a phone's form is a screen above it). */
export function showAnswer(views, entry, { reveal = true } = {}) {
  showResponse(views.response, entry.answer);
  if (reveal) revealAnswer(views.response);
  views.response.removeAttribute("aria-busy");
}

/**
 * Send a request built by exchange.buildRequest; `onAnswer` runs as soon as the answer is on screen.
 * `follow` false leaves a redirect unfollowed, as curl does without -L. `reveal` brings the answer's
 * status line into view when it arrives off screen (a phone's form is a screen above its answer).
 */
export async function sendAndShow(views, request, onAnswer = () => {}, { follow = true, reveal = true } = {}) {
  // Marks for the benchmark (bench/page.py): from pressing Send to the answer painted on screen.
  performance.mark("playground:send");
  const entry = { request, tag: newTag() };
  const show = () => showAnswer(views, entry, { reveal });
  beginExchange(views, entry);
  try {
    entry.answer = await sendRequest(request, [[TAG_HEADER, entry.tag]], { follow });
    if (entry.answer.opaqueRedirect) {
      entry.hops = await exchangesTagged(entry.tag);
      entry.answer = {
        ...answerFromRecord(entry.hops[0]),
        note: UNFOLLOWED,
        unreadable: 'fetch stopped at the redirect and gave the script an "opaqueredirect": status 0',
      };
    }
    show();
    requestAnimationFrame(() => performance.measure("playground:send-to-answer", "playground:send"));
    onAnswer(entry);
  } catch (error) {
    // The browser may refuse an answer the server did send (a 407 from a server that is no proxy):
    // then the server's record is the only place to see it.
    entry.hops = await exchangesTagged(entry.tag).catch(() => []);
    if (!entry.hops.length) {
      showFailure(views.response, error);
      if (reveal) revealAnswer(views.response);
      if (views.explanation) clearExplanation(views.explanation, "No answer came back, so there is nothing to explain.");
      return entry;
    }
    entry.answer = {
      ...answerFromRecord(entry.hops[0]),
      note: refusedNote(entry.hops[0], error),
      unreadable: `the browser refused it, and fetch failed: ${error.message}`,
    };
    show();
    onAnswer(entry);
  } finally {
    views.response.removeAttribute("aria-busy");
  }
  if (views.explanation) clearExplanation(views.explanation, "Reading the server's record of this exchange…");
  try {
    entry.hops ??= await exchangesTagged(entry.tag);
    if (!entry.hops.length) throw new Error("the server's log has no record of it");
    // Explain the answer the Response shows: the last hop's. A followed redirect's earlier hops are
    // each named, with the reason for its own status, above that explanation. The tagged read
    // carries each hop's explanation and source already: one read per answer.
    const details = entry.hops;
    entry.detail = details[details.length - 1];
    entry.chain = details.length > 1 ? details : [];
    render(views, { ...entry, request: null });
  } catch (error) {
    if (views.explanation) {
      // A sentence from the server (the shared log unavailable) stands on its own; anything else is a reason.
      const why = error.message.endsWith(".") ? `. ${error.message}` : ` (${error.message}).`;
      clearExplanation(views.explanation, `The server's record of this exchange could not be read${why}`);
    }
    if (views.hidden) clearComparison(views.hidden, "No server record to compare with.");
  }
  return entry;
}
