// Two coders on one theme, for the two traditions of thematic analysis that code in teams.
// Reflexive thematic analysis: the turns where they applied the theme's codes differently,
// side by side with the words, without statistics — coding together is for reflexivity,
// not consensus (Braun & Clarke 2022). Coding-reliability thematic analysis: the agreement
// figures for the theme's codes that reviewers in that tradition ask for (Compare's).

import { S, api, showError } from "/js/state.js";
import { el, num, plural } from "/js/util.js";

const enc = encodeURIComponent;


// One coder's codings in the turn, the theme's codes first in weight.
function side(coder, codings) {
  const who = el("div", { class: "who" }, coder);
  if (!codings.length) return el("div", { class: "cell empty" }, who, el("span", { class: "muted small" }, "nothing coded in this turn"));
  return el("div", { class: "cell" }, who, codings.map((c) => el("div", { class: "said" + (c.in_theme ? " in-theme" : "") },
    el("span", { class: "code-name" }, c.label + (c.in_theme ? "" : " (not this theme)")), el("q", {}, c.text))));
}

function differenceItem(d, a, b) {
  const compare = "#/compare?" + new URLSearchParams({ t: d.transcript, a, b, focus: d.turn }).toString();
  return el("li", { class: "difference" },
    el("div", { class: "where small" },
      el("a", { href: "#/t/" + enc(d.transcript) + "?turn=" + d.turn }, d.transcript + " · turn " + d.turn),
      el("span", { class: "muted" }, " — " + (d.only === "both" ? "both coded it with the theme, with different codes" : "only " + (d.only === "a" ? a : b) + " coded it with the theme") + " · "),
      el("a", { href: compare }, "side by side in Compare")),
    el("div", { class: "pair-2" }, side(a, d.a), side(b, d.b)));
}

const fix = (x) => (x === null || x === undefined ? "n/a" : x.toFixed(2));

async function figures(box, id, a, b) {
  box.replaceChildren(el("p", { class: "muted small" }, "Counting…"));
  const res = await api("GET", "/api/review/" + enc(id) + "/agreement?" + new URLSearchParams({ a, b }).toString());
  const rows = res.rows.map((r) => el("tr", {},
    el("td", {}, r.label), el("td", { class: "num" }, num(r.units)),
    el("td", { class: "num" }, r.percent_agreement === null ? "n/a" : (100 * r.percent_agreement).toFixed(1) + "%"),
    el("td", { class: "num" }, fix(r.cohen_kappa)), el("td", { class: "num" }, fix(r.krippendorff_alpha))));
  box.replaceChildren(
    el("table", { class: "grid figures" },
      el("thead", {}, el("tr", {}, el("th", {}, "Code"), el("th", { class: "num" }, res.unit.charAt(0).toUpperCase() + res.unit.slice(1) + "s"), el("th", { class: "num" }, "Agreement"), el("th", { class: "num" }, "Cohen's \u03ba"), el("th", { class: "num" }, "Krippendorff's \u03b1"))),
      el("tbody", {}, rows)),
    el("p", { class: "muted small" }, "As `thematic agree --coders " + a + "," + b + "` counts them. ", el("a", { href: "#/compare?" + new URLSearchParams({ a, b }).toString() }, "All of Compare")));
}

// `open`: a coder to discuss with at once (`#/review/<id>?discuss=CG`).
export function discussSection(r, id, open) {
  const others = S.study.human_coders.filter((c) => c !== S.study.coder);
  const head = [el("h2", {}, "Discuss with another coder")];
  if (!others.length) {
    return el("section", { class: "panel discuss", "aria-label": "Discuss with another coder" }, ...head,
      el("p", { class: "muted small" }, "Nobody else has codings in this study yet."));
  }
  const a = S.study.coder;
  const pick = el("select", { "aria-label": "Discuss with" }, others.map((c) => el("option", { value: c, selected: c === open }, c)));
  const list = el("ol", { class: "differences" });
  const count = el("p", { class: "small" });
  const more = el("button", { type: "button", class: "small", hidden: true }, "Show more");
  const numbers = el("div", { class: "figures-box" });
  let shown = 0;
  let loaded = false;
  const load = async (fresh) => {
    if (fresh) {
      shown = 0;
      list.replaceChildren();
      // The figures come from Compare's kept counts: at once when warm, seconds when cold.
      figures(numbers, id, a, pick.value).catch(showError);
    }
    loaded = true;
    const b = pick.value;
    const d = await api("GET", "/api/review/" + enc(id) + "/discuss?" + new URLSearchParams({ a, b, offset: String(shown), limit: "20" }).toString());
    list.append(...d.differences.map((x) => differenceItem(x, a, b)));
    shown += d.differences.length;
    count.textContent = num(d.turns) + " turns coded with this theme by " + a + " or " + b + ": " + num(d.alike) + " alike, " + plural(d.total, "to talk through", "to talk through") + (shown < d.total ? " (" + num(shown) + " shown)" : "") + ".";
    more.hidden = shown >= d.total;
  };
  pick.addEventListener("change", () => load(true).catch(showError));
  more.addEventListener("click", () => load(false).catch(showError));
  const section = el("details", { class: "panel discuss" },
    el("summary", {}, "Discuss with another coder"),
    el("label", { class: "discuss-with small" }, "With ", pick),
    el("div", { class: "traditions" },
      el("div", { class: "tradition" },
        el("h3", {}, "Reflexive TA: differences to talk through"),
        el("p", { class: "muted small" }, "No statistics: in reflexive thematic analysis, coding together is for reflexivity — noticing what each of you sees and why — not for consensus or a score (Braun & Clarke 2022)."),
        count, list, more),
      el("div", { class: "tradition" },
        el("h3", {}, "Coding-reliability TA: agreement figures"),
        el("p", { class: "muted small" }, "Reviewers in the coding-reliability tradition ask for agreement coefficients (κ, α) on an agreed codebook; they do not belong to a reflexive analysis."),
        numbers)));
  section.addEventListener("toggle", () => {
    if (section.open && !loaded) load(true).catch(showError);
  });
  if (open && others.includes(open)) section.open = true;
  return section;
}
