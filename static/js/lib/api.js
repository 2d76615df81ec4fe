// The playground's own JSON API: the server's record of each exchange.

const API = document.querySelector("[data-api]")?.dataset.api ?? "/api/exchanges";

async function getJson(url) {
  const response = await fetch(url, { cache: "no-store", headers: { Accept: "application/json" } });
  if (!response.ok) {
    // The API says what went wrong in one sentence (the shared log unavailable, an unknown id).
    const said = response.headers.get("Content-Type")?.includes("json") ? (await response.json()).error : null;
    throw new Error(said ?? `${url} answered ${response.status}`);
  }
  return response.json();
}

/** Every exchange a tagged request made, oldest first: more than one when a redirect was followed. */
export function exchangesTagged(tag) {
  return getJson(`${API}?tag=${encodeURIComponent(tag)}`);
}

export function exchangeDetail(id) {
  return getJson(`${API}/${id}`);
}

export function viewSource(endpoint) {
  return getJson(`${API.replace(/\/exchanges$/, "/views")}/${encodeURIComponent(endpoint)}`);
}

export function newTag() {
  // Not crypto.randomUUID(): it needs a secure context, and a classroom's http://192.168.x.y:5000/
  // is none. 128 random bits, in hex.
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, "0")).join("");
}
