// The live log's feed: the stream of new exchanges, or polling when the server refuses a stream.
// Runs in a SharedWorker (live-worker.js), so that all of a browser's tabs share one stream; or in
// the page itself where a browser has no SharedWorker.

const POLL_MS = 2000;
const STREAM_RETRY_MS = 10000;

export class LiveFeed {
  /**
   * `emit` receives {type: "exchange", exchange}, {type: "gap", count}, {type: "status", text},
   * and the teacher's actions: {type: "cleared", through} and {type: "reset"}.
   */
  constructor({ streamUrl, apiUrl, emit }) {
    this.streamUrl = streamUrl;
    this.apiUrl = apiUrl;
    this.emit = emit;
    this.lastId = 0;
    this.source = null;
    this.pollTimer = null;
  }

  start() {
    this.connect();
  }

  deliver(exchange) {
    if (this.unavailable) {
      this.unavailable = false;
      this.emit({ type: "status", text: "Live" });
    }
    if (exchange.id <= this.lastId) return;
    this.lastId = exchange.id;
    this.emit({ type: "exchange", exchange });
  }

  connect() {
    // After a fall back to polling, the stream resumes from the last exchange shown.
    const url = this.lastId ? `${this.streamUrl}?after=${this.lastId}` : this.streamUrl;
    const source = (this.source = new EventSource(url));
    source.addEventListener("open", () => {
      this.stopPolling();
      this.emit({ type: "status", text: "Live" });
    });
    source.addEventListener("exchange", (event) => this.deliver(JSON.parse(event.data)));
    source.addEventListener("gap", (event) => this.emit({ type: "gap", count: Number(event.data) }));
    // The teacher cleared the log: nothing up to `through` is delivered again (polling included).
    source.addEventListener("cleared", (event) => {
      const through = Number(event.data) || 0;
      this.lastId = Math.max(this.lastId, through);
      this.emit({ type: "cleared", through });
    });
    source.addEventListener("reset", () => this.emit({ type: "reset" }));
    // The shared log (Redis) is away: the stream stays open and goes on when it is back.
    source.addEventListener("unavailable", (event) => {
      this.unavailable = true;
      this.emit({ type: "status", text: event.data });
    });
    source.addEventListener("error", () => {
      if (source.readyState === EventSource.CONNECTING) {
        // A dropped connection: EventSource reconnects by itself, sending Last-Event-ID.
        this.emit({ type: "status", text: "Reconnecting…" });
        return;
      }
      // Refused (a 503 at the server's stream limit) or gone: poll, and try the stream again later.
      source.close();
      this.emit({ type: "status", text: "Polling every 2 s (the server is at its limit of live streams)" });
      this.startPolling();
      setTimeout(() => this.connect(), STREAM_RETRY_MS);
    });
  }

  startPolling() {
    if (this.pollTimer !== null) return;
    const poll = async () => {
      try {
        const url = this.lastId ? `${this.apiUrl}?after=${this.lastId}` : this.apiUrl;
        const response = await fetch(url, { cache: "no-store", headers: { Accept: "application/json" } });
        if (response.ok) for (const exchange of await response.json()) this.deliver(exchange);
        else if (response.status === 503 && response.headers.get("Content-Type")?.includes("json")) {
          this.emit({ type: "status", text: (await response.json()).error });
        }
      } catch {
        // The next poll tries again.
      }
      if (this.pollTimer !== null) this.pollTimer = setTimeout(poll, POLL_MS);
    };
    this.pollTimer = setTimeout(poll, 0);
  }

  stopPolling() {
    clearTimeout(this.pollTimer);
    this.pollTimer = null;
  }
}
