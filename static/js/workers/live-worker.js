// One live-log stream per browser: every tab with the log open connects to this SharedWorker,
// which holds the one stream (or polls) and passes each message on to every tab.

import { LiveFeed } from "../lib/live-feed.js";

const RECENT = 100;
const ports = new Set();
const recent = [];
let status = { type: "status", text: "Connecting…" };
let feed = null;
let clearedThrough = 0; // the newest exchange a Clear emptied: none of them is passed on again

function forgetCleared(through) {
  clearedThrough = Math.max(clearedThrough, through);
  // A tab opened later must not be handed what was cleared.
  const kept = recent.filter((message) => message.exchange.id > clearedThrough);
  recent.splice(0, recent.length, ...kept);
}

function broadcast(message) {
  if (message.type === "exchange" && message.exchange.id <= clearedThrough) return;
  if (message.type === "cleared") forgetCleared(Number(message.through) || 0);
  if (message.type === "exchange") {
    recent.push(message);
    if (recent.length > RECENT) recent.shift();
  } else if (message.type === "status") {
    status = message;
  }
  for (const port of ports) port.postMessage(message);
}

self.addEventListener("connect", (event) => {
  const port = event.ports[0];
  ports.add(port);
  port.addEventListener("message", ({ data }) => {
    if (data.type === "start") {
      // A tab opened later starts where the others are: the recent exchanges, then what comes.
      for (const message of recent) port.postMessage(message);
      port.postMessage(status);
      if (!feed) {
        feed = new LiveFeed({ streamUrl: data.streamUrl, apiUrl: data.apiUrl, emit: broadcast });
        feed.start();
      }
    } else if (data.type === "cleared") {
      // The teacher's tab says so at once (its stream says so too, to every tab of every browser).
      forgetCleared(Number(data.through) || 0);
      for (const other of ports) if (other !== port) other.postMessage(data);
    } else if (data.type === "bye") {
      ports.delete(port);
    }
  });
  port.start();
});
