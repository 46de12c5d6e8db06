// Versions of the thematic map, on the board: record the structure as it is now (a name
// and a note), list the versions, choose two (or one and "current") to see what was
// created, renamed, moved, merged, split or retired between them, with the extracts each
// change touched, and open each version's map as SVG.

import { S, api, say, showError, hideError } from "/js/state.js";
import { day, el, num, plural } from "/js/util.js";

const mapOf = (name) => "/api/versions/" + encodeURIComponent(name) + "/map.svg";

// The versions section, drawn into `box`; `changed` is called after a version is recorded.
export async function versionsSection(box, gen) {
  let list;
  try {
    list = (await api("GET", "/api/versions")).versions;
  } catch (e) {
    showError(e);
    return;
  }
  if (gen !== S.generation) return;
  const name = el("input", { name: "version-name", placeholder: "e.g. candidate themes", size: 24, autocomplete: "off", "aria-label": "Version name" });
  const note = el("input", { name: "version-note", placeholder: "what this map is, and why now (optional)", size: 44, autocomplete: "off", "aria-label": "Note on this version" });
  const record = el("form", { class: "record-version" },
    el("label", {}, "Name ", name), el("label", {}, "Note ", note),
    el("button", { type: "submit", class: "primary small" }, "Record this version"));
  record.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (!name.value.trim()) {
      showError(new Error("a version needs a name, e.g. \u201ccandidate themes\u201d"));
      name.focus();
      return;
    }
    try {
      const v = await api("POST", "/api/versions", { name: name.value.trim(), note: note.value.trim() });
      hideError();
      await versionsSection(box, gen);
      say("Recorded version " + v.number + ", \u201c" + v.name + "\u201d (versions/" + v.folder + "/).");
    } catch (e) {
      showError(e);
    }
  });
  const last = list.length ? list[list.length - 1].folder : "current";
  const radio = (group, value, checked, label) => el("input", { type: "radio", name: group, value, checked, "aria-label": label });
  const rows = list.map((v) => el("tr", {},
    el("td", {}, radio("va", v.folder, v.folder === last, "From " + v.name)),
    el("td", {}, radio("vb", v.folder, false, "To " + v.name)),
    el("td", { class: "num" }, v.number === null ? "" : String(v.number)),
    el("th", { scope: "row" }, v.name),
    el("td", {}, day(v.recorded)),
    el("td", {}, v.coder),
    el("td", { class: "note" }, v.note),
    el("td", { class: "num" }, num(v.extracts)),
    el("td", {}, el("a", { href: mapOf(v.folder), target: "_blank", rel: "noopener" }, "SVG"))));
  rows.push(el("tr", { class: "current" },
    el("td", {}, radio("va", "current", last === "current", "From the current structure")),
    el("td", {}, radio("vb", "current", true, "To the current structure")),
    el("td", {}), el("th", { scope: "row" }, "current"), el("td", {}, "now"), el("td", {}), el("td", { class: "note muted" }, "the structure as it is on the board"), el("td", {}),
    el("td", {}, el("a", { href: mapOf("current"), target: "_blank", rel: "noopener" }, "SVG"))));
  const table = el("table", { class: "grid versions-table" },
    el("thead", {}, el("tr", {},
      el("th", { scope: "col" }, "From"), el("th", { scope: "col" }, "To"), el("th", { scope: "col", class: "num" }, "#"),
      el("th", { scope: "col" }, "Name"), el("th", { scope: "col" }, "Recorded"), el("th", { scope: "col" }, "By"),
      el("th", { scope: "col" }, "Note"), el("th", { scope: "col", class: "num" }, "Extracts"), el("th", { scope: "col" }, "Map"))),
    el("tbody", {}, rows));
  const out = el("div", { class: "diff", "aria-live": "polite" });
  const compare = el("button", { type: "button", class: "small" }, "Show what changed");
  const picked = (group) => (table.querySelector("input[name=" + group + "]:checked") || {}).value;
  compare.addEventListener("click", async () => {
    const a = picked("va"), b = picked("vb");
    if (!a || !b) return;
    try {
      const d = await api("GET", "/api/versions/diff?" + new URLSearchParams({ a, b }).toString());
      hideError();
      const total = d.changes.length;
      out.replaceChildren(
        el("h3", {}, "From \u201c" + d.a.name + "\u201d to \u201c" + d.b.name + "\u201d: " + d.summary),
        total
          ? el("ul", { class: "changes" }, d.changes.map((c) => el("li", { class: "change " + c.kind }, el("span", { class: "kind" }, c.kind), " " + c.text)))
          : el("p", { class: "muted" }, "Nothing changed in the structure."),
        el("p", { class: "small" }, "Maps: ", el("a", { href: mapOf(d.a.folder || "current"), target: "_blank", rel: "noopener" }, d.a.name),
          " \u00b7 ", el("a", { href: mapOf(d.b.folder || "current"), target: "_blank", rel: "noopener" }, d.b.name)));
      say(plural(total, "change", "changes") + " from \u201c" + d.a.name + "\u201d to \u201c" + d.b.name + "\u201d.");
    } catch (e) {
      showError(e);
    }
  });
  const parts = [
    el("h2", { id: "versions" }, "Versions of the map"),
    el("p", { class: "muted small" }, "A version is a dated copy of the structure (versions/NN-name/ in the study), so the history of the themes can be told in a methods section. Also on the command line: thematic codebook snapshot, versions, diff."),
    record,
    list.length ? null : el("p", { class: "muted" }, "No versions yet: record one to keep this map."),
    table,
    el("div", { class: "diff-bar" }, compare, el("span", { class: "muted small" }, " choose From and To above")),
    out];
  box.replaceChildren(...parts.filter(Boolean));
}
