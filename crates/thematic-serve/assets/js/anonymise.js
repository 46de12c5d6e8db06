// The Anonymise view (#/anonymise): the candidates of `anonymisation/review.csv` (written by
// `thematic anonymise scan`), one card per term with its kind, the rule that found it, how
// often it occurs and a few extracts in context, to replace, keep, or leave to review, and
// with the replacement to use. Every change is written to the same file at once (it can
// be edited in a spreadsheet too: Reload reads it again). Each write carries the version
// of the file this page read; a file changed meanwhile is not overwritten, and the page says
// so. Also: the reader's "Add as identifier" menu on a selection.

import { render } from "/app.js";
import { pageQuery, pagedList } from "/js/paged.js";
import { S, api, hideError, say, sayWith, showError } from "/js/state.js";
import { el, num, plural } from "/js/util.js";

// The decisions, in the order the buttons show them, with their words.
export const DECISIONS = [
  ["replace", "Replace", "replaced by apply"],
  ["review", "Review", "still to decide"],
  ["keep", "Keep", "kept as it is"],
];

// The kinds offered when a term is added by hand (the server's answer may add more).
const ADD_KINDS = [["name", "Name of a person"], ["place", "Place"], ["organisation", "Organisation"], ["date", "Date"], ["id_number", "ID number"]];

// The file under the view, as the server names it.
const FILE = "anonymisation/review.csv";

// The version of review.csv the page last read or wrote: every write sends it back.
let version = null;

// A kind as people read it: "nhs_number" → "NHS number".
export function kindLabel(kind) {
  const known = { email: "e-mail", url: "URL", nhs_number: "NHS number", ni_number: "NI number", zip: "ZIP code", id_number: "ID number" };
  return known[kind] || String(kind || "").replace(/[-_]/g, " ");
}

// "e-mail" → "E-mail".
function capital(s) {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

// One extract: where it is (a link into the reader, which marks the words) and the words
// around the term, the term marked.
function extractItem(x) {
  // Outside every turn (a header's "Date: 12 July 2022", a trailer): the transcript's top.
  const href = "#/t/" + encodeURIComponent(x.transcript) +
    (x.turn ? "?" + new URLSearchParams({ turn: x.turn, hit: x.start + "-" + x.end }).toString() : "");
  const where = x.transcript + " · " + (x.turn ? "turn " + x.turn : x.outside || "heading");
  return el("li", { class: "anon-extract" },
    el("a", { href, class: "where", title: x.turn ? "Open " + x.transcript + " at turn " + x.turn : "Outside the turns of " + x.transcript + " (its " + (x.outside || "heading") + ")" }, where),
    el("span", { class: "speaker" }, x.speaker || ""),
    el("span", { class: "context" }, (x.more_before ? "…" : "") + x.before, el("mark", {}, x.text), x.after + (x.more_after ? "…" : "")));
}

// Writes a decision (and/or a replacement) for `term`, with the version read; answers the
// server's row and sets the new version. A refusal because the file changed offers Reload.
async function decide(term, change) {
  const res = await api("POST", "/api/anonymise/decision", Object.assign({ term, version }, change));
  version = res.version;
  return res;
}

// What the decision buttons say of a term's decision now.
function markDecision(card, decision) {
  card.dataset.decision = decision;
  for (const b of card.querySelectorAll(".decide button")) {
    b.setAttribute("aria-pressed", b.dataset.decision === decision ? "true" : "false");
  }
}

// One term's card.
function termCard(t, refresh) {
  const card = el("article", { class: "anon-term", "data-term": t.term, "data-decision": t.decision });
  const extracts = el("ol", { class: "anon-extracts" }, t.extracts.map(extractItem));
  const replacement = el("input", {
    type: "text", class: "replacement", value: t.replacement || "", placeholder: t.suggested || "[" + kindLabel(t.kind) + "]",
    "aria-label": "Replacement for " + t.term, autocomplete: "off", size: 18,
  });
  const save = async (change, said) => {
    const before = { decision: card.dataset.decision, replacement: replacement.dataset.saved };
    try {
      const res = await decide(t.term, change);
      hideError();
      markDecision(card, res.row.decision);
      replacement.dataset.saved = res.row.replacement || "";
      sayWith(said, "Undo", async () => {
        try {
          const back = await decide(t.term, before);
          markDecision(card, back.row.decision);
          replacement.value = back.row.replacement || "";
          replacement.dataset.saved = replacement.value;
          say("Undone: “" + t.term + "” is “" + back.row.decision + "” again.");
          refresh(back);
        } catch (e) {
          showError(e);
        }
      });
      refresh(res);
    } catch (e) {
      showError(e);
    }
  };
  replacement.dataset.saved = t.replacement || "";
  const saveReplacement = () => {
    const v = replacement.value.trim();
    if (v === replacement.dataset.saved) return;
    save({ replacement: v }, v ? "“" + t.term + "” will be replaced by “" + v + "”." : "“" + t.term + "” will get the default replacement.");
  };
  replacement.addEventListener("change", saveReplacement);
  replacement.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter") {
      ev.preventDefault();
      saveReplacement();
    }
  });
  const decide3 = el("div", { class: "decide", role: "group", "aria-label": "Decision on " + t.term },
    DECISIONS.map(([d, label, means]) => el("button", {
      type: "button", "data-decision": d, title: "“" + t.term + "” " + means, "aria-pressed": d === t.decision ? "true" : "false",
      onclick: () => save({ decision: d }, "“" + t.term + "”: " + label.toLowerCase() + " (" + means + ")."),
    }, label)));
  const found = t.found === t.count || t.count === null || t.count === undefined
    ? plural(t.found, "occurrence", "occurrences")
    : plural(t.found, "occurrence", "occurrences") + " now (" + num(t.count) + " at the scan)";
  const more = t.found > t.extracts.length
    ? pagedExtracts(t, extracts, card)
    : null;
  card.append(...[
    el("header", { class: "anon-head" },
      el("h2", {}, el("span", { class: "term" }, t.term)),
      el("span", { class: "kind-badge", "data-kind": t.kind }, kindLabel(t.kind)),
      el("span", { class: "muted small" }, "found by " + (t.rule || "hand") + " · " + found + (t.transcripts ? " in " + plural(t.transcripts, "transcript", "transcripts") : ""))),
    el("div", { class: "anon-controls" }, decide3,
      el("label", { class: "small" }, "Replace with ", replacement)),
    t.note ? el("p", { class: "muted small note" }, t.note) : null,
    t.extracts.length ? extracts : el("p", { class: "muted small" }, "Not in the transcripts now" + (t.decision === "replace" ? " (applied, or corrected by hand)." : ".")),
    more].filter(Boolean));
  return card;
}

// The rest of a term's extracts, a page at a time.
function pagedExtracts(t, into, card) {
  const shown = into.children.length;
  const list = pagedList({
    page: async (offset) => {
      const res = await api("GET", "/api/anonymise/extracts?" + new URLSearchParams({ term: t.term, offset: String(offset + shown), limit: "20" }).toString());
      return { total: Math.max(0, res.total - shown), rows: res.extracts };
    },
    into,
    row: extractItem,
    told: () => {},
    view: card,
  });
  list.footer.hidden = false;
  list.footer.querySelector("button").textContent = "Show more extracts";
  list.footer.querySelector("span").textContent = num(shown) + " of " + num(t.found) + " shown";
  return list.footer;
}

// The view.
export async function showAnonymise(main, params) {
  const kind = params.get("kind") || "";
  const decision = params.get("decision") || "";
  const go = (over) => {
    const p = new URLSearchParams({ kind, decision, limit: params.get("limit") || "" });
    for (const [k, v] of Object.entries(over)) p.set(k, v);
    for (const k of [...p.keys()]) if (!p.get(k)) p.delete(k);
    location.hash = "#/anonymise" + (p.toString() ? "?" + p.toString() : "");
  };
  const head = el("div", { class: "anon-summary" }, el("span", { class: "muted" }, "Loading…"));
  const body = el("div", { class: "anon-terms" });
  const count = el("p", { class: "count", "aria-live": "polite" });
  const reload = el("button", { type: "button", class: "reload", onclick: () => render() }, "Reload the file");
  const scan = el("button", {
    type: "button", onclick: async () => {
      scan.disabled = true;
      say("Scanning the transcripts…");
      try {
        const res = await api("POST", "/api/anonymise/scan", {});
        version = res.version;
        S.flash = "Scanned: " + plural(res.terms, "term", "terms") + " in the review, " + num(res.added) + " new; earlier decisions kept.";
        if (location.hash === "#/anonymise") await render();
        else location.hash = "#/anonymise";
      } catch (e) {
        showError(e);
      } finally {
        scan.disabled = false;
      }
    },
  }, "Scan again");
  const summaryLine = (res) => {
    const by = Object.fromEntries(res.decisions.map((d) => [d.decision, d.n]));
    return [
      el("strong", {}, plural(res.all, "term", "terms")), " in ", el("code", {}, FILE), ": ",
      num(by.replace || 0) + " to replace, " + num(by.review || 0) + " to review, " + num(by.keep || 0) + " kept. ",
      el("span", { class: "muted" }, "Each decision is written to the file at once; edited in a spreadsheet, Reload reads it again."),
    ];
  };
  const summary = el("p", { class: "anon-counts" });
  main.replaceChildren(el("h1", {}, "Anonymise"), head, count, body);
  let first = true;
  const terms = pagedList({
    page: async (offset) => {
      const res = await api("GET", "/api/anonymise?" + pageQuery({ kind, decision }, offset, params));
      version = res.version;
      if (first) {
        first = false;
        drawHead(res);
      }
      return { total: res.total, rows: res.terms };
    },
    into: body,
    row: (t) => termCard(t, (res) => summary.replaceChildren(...summaryLine(res))),
    told: (shown, total) => {
      count.textContent = (shown < total ? num(shown) + " of " : "") + plural(total, "term", "terms") +
        (kind ? " of kind " + kindLabel(kind) : "") + (decision ? " marked " + decision : "");
    },
    view: head,
  });
  const drawHead = (res) => {
    if (!res.exists) {
      head.replaceChildren(el("p", {}, "No review yet: ", el("code", {}, FILE), " is written by a scan of the transcripts for names, e-mail addresses, phone numbers, postcodes and other identifiers."),
        el("div", { class: "anon-actions" }, scan));
      scan.textContent = "Scan the transcripts";
      return;
    }
    const kindPick = el("select", { name: "kind", onchange: (ev) => go({ kind: ev.target.value }) },
      el("option", { value: "" }, "All kinds"),
      res.kinds.map((k) => el("option", { value: k.kind, selected: k.kind === kind }, capital(kindLabel(k.kind)) + " (" + num(k.n) + ")")));
    const decisionPick = el("select", { name: "decision", onchange: (ev) => go({ decision: ev.target.value }) },
      el("option", { value: "" }, "Every decision"),
      DECISIONS.map(([d, label]) => {
        const n = (res.decisions.find((x) => x.decision === d) || { n: 0 }).n;
        return el("option", { value: d, selected: d === decision }, label + " (" + num(n) + ")");
      }));
    summary.replaceChildren(...summaryLine(res));
    head.replaceChildren(
      summary,
      el("div", { class: "filters anon-filters" },
        el("label", {}, "Kind", kindPick),
        el("label", {}, "Decision", decisionPick),
        kind || decision ? el("button", { type: "button", onclick: () => go({ kind: "", decision: "" }) }, "Clear filters") : null,
        el("span", { class: "anon-actions" }, reload, scan)),
      el("p", { class: "muted small" }, "Add a term the scan missed from the reader: select the words, then ", el("em", {}, "Add as identifier"), "."));
  };
  await terms.more();
  if (!head.isConnected) return;
  if (terms.state.total === 0) {
    count.textContent = kind || decision ? "No terms of this kind or decision." : "";
  }
  main.append(terms.footer);
}

// ---------- adding a term from the reader ----------

// The reader's "Add as identifier" menu for the selection `p` ({text, n}): a term and the
// kind chosen, added to review.csv (to review) unless it is there already.
export function identifierMenu(p) {
  const menu = el("details", { class: "add-identifier" },
    el("summary", {}, "Add as identifier…"),
    el("div", { class: "menu", role: "group", "aria-label": "Kind of identifier" },
      ADD_KINDS.map(([kind, label]) => el("button", {
        type: "button", class: "small", "data-kind": kind,
        onclick: async () => {
          menu.open = false;
          try {
            const res = await api("POST", "/api/anonymise/terms", { term: p.text, kind });
            hideError();
            version = res.version;
            const row = res.row;
            const open = () => { location.hash = "#/anonymise?kind=" + encodeURIComponent(row.kind); };
            sayWith(res.created
              ? "Added “" + row.term + "” (" + kindLabel(row.kind) + ", " + plural(row.found, "occurrence", "occurrences") + ") to the anonymisation review, marked " + row.decision + " by “" + (row.replacement || row.suggested) + "”."
              : "“" + row.term + "” is already in the anonymisation review (" + kindLabel(row.kind) + ", marked " + row.decision + ").", "Open the review", open);
          } catch (e) {
            showError(e);
          }
        },
      }, label))));
  return menu;
}
