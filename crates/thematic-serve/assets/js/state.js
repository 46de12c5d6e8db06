// The page's state and its talk with the server.

import { el } from "/js/util.js";

export const S = {
  study: null, // GET /api/study
  view: "",
  reader: null, // { id, turns, codings, memos }
  pending: null, // the last selection in the reader: { n, start, end, text }
  shownTheme: null,
  // Incremented on every render: an answer that arrives after the researcher moved on to
  // another view must not speak on the new one (see sayIn).
  generation: 0,
  // Keep a selection's exact characters instead of snapping it to whole words.
  exact: localStorage.getItem("thematic.exact") === "1",
};

// ---------- talking to the server ----------

export async function api(method, path, body) {
  let res;
  try {
    res = await fetch(path, {
      method,
      credentials: "same-origin",
      headers: body === undefined ? {} : { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new Error("cannot reach the thematic server; is `thematic serve` still running?");
  }
  const type = res.headers.get("content-type") || "";
  const data = type.includes("application/json") ? await res.json().catch(() => null) : null;
  if (!res.ok) {
    const msg = data && data.error ? data.error : "the server answered " + res.status + " " + res.statusText;
    throw new Error(msg);
  }
  return data;
}

export function showError(e) {
  const box = document.getElementById("error");
  box.replaceChildren(
    el("span", { text: e && e.message ? e.message : String(e) }),
    el("button", { type: "button", class: "small", onclick: hideError }, "Dismiss")
  );
  box.hidden = false;
}

export function hideError() {
  const box = document.getElementById("error");
  box.hidden = true;
  box.replaceChildren();
}

export function say(text) {
  document.getElementById("status").textContent = text;
}

// Says `text` only if the view rendered as generation `gen` is still the one shown.
export function sayIn(gen, text) {
  if (gen === S.generation) say(text);
}

// A message with an action beside it (Undo after a removal), until the next message.
export function sayWith(text, label, action) {
  const box = document.getElementById("status");
  box.replaceChildren(text + " ", el("button", {
    type: "button", class: "small linklike", onclick: async () => {
      box.replaceChildren();
      await action();
    },
  }, label));
}

// The view and its parameters, from the address's hash: `#/t/P6?turn=3`.
export function route() {
  const hash = location.hash.replace(/^#/, "") || "/";
  const [path, query] = hash.split("?");
  const params = new URLSearchParams(query || "");
  const parts = path.split("/").filter(Boolean);
  return { parts, params };
}
