// Lists the server sends a page at a time.

import { showError } from "/js/state.js";
import { el, num } from "/js/util.js";

// ---------- lists the server sends a page at a time ----------

// The query of one page: `base` without its empty values, the offset, and the page size
// when the address asks for one (`#/quotes?limit=2`); else the server's default (50 hits,
// 100 quotes).
export function pageQuery(base, offset, params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(base)) if (v) q.set(k, v);
  q.set("offset", String(offset));
  if (params.get("limit")) q.set("limit", params.get("limit"));
  return q.toString();
}

// A list that the server sends a page at a time. `page(offset)` answers `{total, rows}`;
// `row` makes each row's element, appended to `into`; `told(shown, total)` reports the
// count. `more()` fetches the next page (offset: the rows shown so far) and answers the
// new elements. `footer` holds the "Show more" button, which calls it and moves the focus
// to the first new row's link, so a keyboard goes on reading where the list grew, and how
// many are shown; it hides once everything is. `view` is an element of the view already on the page: once it has gone (another
// view was opened while a page was on its way), an answer changes nothing.
export function pagedList({ page, into, row, told, view }) {
  const state = { shown: 0, total: 0 };
  const button = el("button", { type: "button", class: "more" }, "Show more");
  const note = el("span", { class: "muted small" });
  const footer = el("div", { class: "more-bar", hidden: true }, button, note);
  const more = async () => {
    const res = await page(state.shown);
    if (!view.isConnected) return [];
    const items = res.rows.map(row);
    into.append(...items);
    state.shown += items.length;
    state.total = res.total;
    footer.hidden = items.length === 0 || state.shown >= state.total;
    note.textContent = num(state.shown) + " of " + num(state.total) + " shown";
    told(state.shown, state.total);
    return items;
  };
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const items = await more();
      const link = items.length ? items[0].querySelector("a") : null;
      if (link) link.focus({ preventScroll: true });
    } catch (e) {
      showError(e);
    } finally {
      button.disabled = false;
    }
  });
  return { footer, more, state };
}
