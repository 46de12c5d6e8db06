// The quote view and the map.

import { pageQuery, pagedList } from "/js/paged.js";
import { S, api, showError } from "/js/state.js";
import { el, labelOf, num, plural, swatch } from "/js/util.js";

// ---------- quotes and map ----------

export const FORMATS = [["md", "Markdown"], ["csv", "CSV"], ["tex", "LaTeX"], ["html", "HTML"], ["docx", "Word"], ["xlsx", "Excel"], ["json", "JSON"]];

export function quoteRow(qt) {
  return el("tr", { "data-theme": qt.theme, "data-participant": qt.participant },
    el("td", {}, swatch(qt.theme), " ", qt.theme_label),
    el("td", {}, el("a", { href: "#/t/" + encodeURIComponent(qt.transcript) + "?" + new URLSearchParams({ turn: qt.turn, hit: qt.start + "-" + qt.end }).toString() }, qt.attribution || qt.participant)),
    el("td", {}, qt.text));
}

// Download links for the quote table with the query `query()` gives, as files named
// `name.<format>`, a "pseudonymise" box and the place a refusal is shown: each download is
// fetched first, so a refusal (an identifier accepted in the anonymisation review but not
// yet applied) is shown on the page instead of being saved under the file's name. Returns
// the links (in a span, re-made by `relink()`), the box and the refusal, to put in a
// `.downloads` element.
export function checkedDownloads(query, name) {
  const pseudo = el("input", { type: "checkbox", name: "anonymise" });
  const refused = el("p", { class: "download-refused", role: "alert", hidden: true });
  const links = el("span", { class: "download-links" });
  const fetchDownload = async (ev, f) => {
    ev.preventDefault();
    refused.hidden = true;
    const q = { format: f, ...query() };
    if (pseudo.checked) q.anonymise = "1";
    let res;
    try {
      res = await fetch("/api/quotes?" + new URLSearchParams(q).toString(), { credentials: "same-origin" });
    } catch (e) {
      showError(new Error("cannot reach the thematic server; is `thematic serve` still running?"));
      return;
    }
    if (!res.ok) {
      const data = await res.json().catch(() => null);
      refused.textContent = (data && data.error ? data.error : "the server answered " + res.status) +
        (res.status === 422 && !pseudo.checked ? " Here: tick “pseudonymise” and download again." : "");
      refused.hidden = false;
      return;
    }
    const url = URL.createObjectURL(await res.blob());
    const a = el("a", { href: url, download: name + "." + f, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    links.dataset.last = f + (pseudo.checked ? "-pseudonymised" : "");
  };
  const relink = () => links.replaceChildren(...FORMATS.map(([f, label]) =>
    el("a", { href: "/api/quotes?" + new URLSearchParams({ format: f, ...query() }).toString(), "data-format": f, onclick: (ev) => fetchDownload(ev, f) }, label)));
  relink();
  links.relink = relink;
  return [links,
    el("label", { class: "pseudonymise" }, pseudo, " pseudonymise (identifiers accepted in the anonymisation review become their replacements in the file; the study is not changed)"),
    refused];
}

// The quote view: a page of the coder's quotes at a time, filtered by theme (with the
// themes under it) and participant on the server; the downloads are the whole table.
export async function showQuotes(main, params) {
  const coders = S.study.human_coders;
  const coder = params.get("coder") || S.study.coder;
  const theme = params.get("theme") || "";
  const participant = params.get("participant") || "";
  const go = (over) => {
    const p = new URLSearchParams({ coder, theme, participant, limit: params.get("limit") || "" });
    for (const [k, v] of Object.entries(over)) p.set(k, v);
    for (const k of [...p.keys()]) if (!p.get(k)) p.delete(k);
    location.hash = "#/quotes?" + p.toString();
  };
  const coderPick = el("select", { onchange: (ev) => go({ coder: ev.target.value }) },
    coders.map((c) => el("option", { value: c, selected: c === coder }, c)));
  const themes = S.study.themes.some((t) => t.id === theme) || !theme ? S.study.themes : [...S.study.themes, { id: theme, label: theme, depth: 0 }];
  const themePick = el("select", { name: "theme", onchange: (ev) => go({ theme: ev.target.value }) },
    el("option", { value: "" }, "All themes"),
    themes.map((t) => el("option", { value: t.id, selected: t.id === theme }, "\u2003".repeat(t.depth) + t.label)));
  const who = el("input", { type: "search", name: "participant", value: participant, placeholder: "e.g. P6", autocomplete: "off", size: 10 });
  const filters = el("form", { class: "filters", role: "search", "aria-label": "Filter quotes" },
    el("label", {}, "Coder", coderPick),
    el("label", {}, "Theme (and the themes under it)", themePick),
    el("label", {}, "Participant", who),
    el("button", { type: "submit" }, "Filter"),
    theme || participant ? el("button", { type: "button", onclick: () => go({ theme: "", participant: "" }) }, "Clear filters") : null);
  filters.addEventListener("submit", (ev) => {
    ev.preventDefault();
    go({ participant: who.value.trim() });
  });
  const downloads = el("div", { class: "downloads" }, "Download all of " + coder + "’s quotes: ",
    ...checkedDownloads(() => ({ coder }), "quotes"));
  const count = el("p", { class: "count", "aria-live": "polite" }, "Loading…");
  const body = el("tbody");
  main.replaceChildren(el("h1", {}, "Quote table"), filters, downloads, count);
  const narrowed = (theme ? " under " + labelOf(theme) : "") + (participant ? " from " + participant : "");
  const quotes = pagedList({
    page: async (offset) => {
      const res = await api("GET", "/api/quotes?" + pageQuery({ format: "json", coder, inline: "1", theme, participant }, offset, params));
      return { total: res.total, rows: res.quotes };
    },
    into: body,
    row: quoteRow,
    told: (shown, total) => {
      count.textContent = (shown < total ? num(shown) + " of " : "") + plural(total, "quote", "quotes") + narrowed;
    },
    view: filters,
  });
  try {
    await quotes.more();
  } catch (e) {
    count.textContent = "";
    throw e;
  }
  if (!filters.isConnected) return;
  if (quotes.state.total === 0) {
    count.replaceWith(el("p", { class: "muted count" }, theme || participant ? "No quotes" + narrowed + "." : "No quotes yet: code some passages first."));
    return;
  }
  main.append(
    el("table", { class: "grid quotes" }, el("thead", {}, el("tr", {}, el("th", { scope: "col" }, "Theme"), el("th", { scope: "col" }, "Participant"), el("th", { scope: "col" }, "Quote"))), body),
    quotes.footer);
}

// The map with counts of the coder's own codings (blind coding), or everyone's for a
// reviewer who asks; it says whose.
export function showMap(main, params) {
  const everyone = params && params.get("coders") === "all";
  const src = "/api/map.svg" + (everyone ? "?coders=all" : "");
  const whose = everyone
    ? el("p", { class: "muted" }, "Counts are of every coder’s codings. ", el("a", { href: "#/map" }, "Show only yours"))
    : el("p", { class: "muted" }, "Counts are of your codings (" + S.study.coder + "). ", el("a", { href: "#/map?coders=all" }, "Show every coder’s (reviewer)"));
  main.replaceChildren(el("h1", {}, "Thematic map"), whose,
    el("div", { class: "downloads" }, el("a", { href: src, download: "thematic-map.svg" }, "Download SVG")),
    el("div", { class: "map" }, el("img", { src, alt: "The thematic map: the codebook's groups and themes, with counts of codings and participants" })));
}
