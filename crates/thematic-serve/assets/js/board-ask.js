// A small modal dialog that asks for what a board change needs: a name, a theme chosen
// from a list filtered as you type, codes ticked, and a note for the journal. Keyboard
// first: the first field has the focus, ↓/↑ move in the list, Enter confirms, Escape
// cancels. Resolves to the answer, or null when cancelled.

import { el } from "/js/util.js";

let open = null; // the dialog shown, if any

// Whether a dialog is open (the board's keys wait until it closes).
export function asking() {
  return open !== null;
}

// opts: {title, intro?, text?: {label, value, placeholder}, choices?: [{id, label, depth?, hint?}],
// choiceLabel?, create?: (typed) => label of a "new theme" choice, checks?: [{id, label, checked?}],
// checksLabel?, note?: initial note text (undefined: no note field), confirm, danger?}
export function ask(opts) {
  return new Promise((resolve) => {
    const dialog = el("dialog", { class: "ask", "aria-labelledby": "ask-title" });
    const form = el("form", { class: "ask-form" });
    const fields = [];
    let text = null;
    if (opts.text) {
      text = el("input", { name: "text", value: opts.text.value || "", placeholder: opts.text.placeholder || "", autocomplete: "off", size: 36 });
      fields.push(el("label", { class: "ask-field" }, opts.text.label, text));
    }
    let filter = null;
    let list = null;
    let active = -1;
    let shown = [];
    const options = [];
    if (opts.choices) {
      filter = el("input", { type: "search", name: "filter", autocomplete: "off", placeholder: "Type to filter", role: "combobox", "aria-expanded": "true", "aria-controls": "ask-list", "aria-autocomplete": "list", size: 36 });
      list = el("ul", { id: "ask-list", class: "ask-list", role: "listbox", "aria-label": opts.choiceLabel || "Themes" });
      const item = (c, i) => {
        const li = el("li", { id: "ask-opt-" + i, role: "option", "aria-selected": "false", "data-id": c.id === null ? "" : c.id, class: c.create ? "create" : "" },
          c.label, c.hint ? el("span", { class: "muted small" }, " " + c.hint) : null);
        if (c.depth) li.style.paddingLeft = (0.4 + c.depth * 1.1) + "em";
        li.addEventListener("mousedown", (ev) => ev.preventDefault());
        li.addEventListener("click", () => {
          pick(shown.indexOf(i));
          form.requestSubmit();
        });
        return li;
      };
      opts.choices.forEach((c, i) => {
        options.push({ choice: c, li: item(c, i) });
        list.append(options[i].li);
      });
      // The "new theme named …" choice follows what is typed.
      let created = null;
      const refilter = () => {
        const q = filter.value.trim().toLowerCase();
        shown = [];
        options.forEach((o, i) => {
          const ok = !q || o.choice.label.toLowerCase().includes(q) || (o.choice.id || "").includes(q);
          o.li.hidden = !ok;
          if (ok) shown.push(i);
        });
        if (created) {
          created.li.remove();
          options.pop();
          created = null;
        }
        if (opts.create && q && !options.some((o) => o.choice.label.toLowerCase() === q)) {
          const c = { id: null, create: filter.value.trim(), label: opts.create(filter.value.trim()) };
          created = { choice: c, li: item(c, options.length) };
          options.push(created);
          list.append(created.li);
          shown.push(options.length - 1);
        }
        pick(shown.length ? 0 : -1);
      };
      const pick = (k) => {
        for (const o of options) o.li.setAttribute("aria-selected", "false");
        active = k;
        if (k >= 0 && shown[k] !== undefined) {
          const li = options[shown[k]].li;
          li.setAttribute("aria-selected", "true");
          filter.setAttribute("aria-activedescendant", li.id);
          li.scrollIntoView({ block: "nearest" });
        } else filter.removeAttribute("aria-activedescendant");
      };
      filter.addEventListener("input", refilter);
      filter.addEventListener("keydown", (ev) => {
        if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
          ev.preventDefault();
          if (!shown.length) return;
          const k = active < 0 ? 0 : (active + (ev.key === "ArrowDown" ? 1 : shown.length - 1)) % shown.length;
          pick(k);
        }
      });
      fields.push(el("label", { class: "ask-field" }, opts.choiceLabel || "Theme", filter), list);
      refilter();
    }
    let boxes = [];
    if (opts.checks) {
      boxes = opts.checks.map((c) => el("input", { type: "checkbox", value: c.id, checked: !!c.checked }));
      fields.push(el("fieldset", { class: "ask-checks" }, el("legend", {}, opts.checksLabel || "Codes"),
        opts.checks.length
          ? opts.checks.map((c, i) => el("label", {}, boxes[i], " " + c.label))
          : el("p", { class: "muted" }, "Nothing here to choose.")));
    }
    let note = null;
    if (opts.note !== undefined) {
      note = el("textarea", { name: "note", rows: 2, placeholder: "optional" }, opts.note || "");
      fields.push(el("label", { class: "ask-field" }, "Why? (goes to your journal)", note));
    }
    const problem = el("p", { class: "ask-problem", role: "alert" });
    const cancel = el("button", { type: "button", class: "small" }, "Cancel");
    const confirm = el("button", { type: "submit", class: opts.danger ? "danger" : "primary" }, opts.confirm || "OK");
    form.append(...[el("h2", { id: "ask-title" }, opts.title),
      opts.intro ? el("p", { class: "muted ask-intro" }, opts.intro) : null,
      ...fields, problem,
      el("div", { class: "ask-buttons" }, confirm, cancel)].filter(Boolean));
    dialog.append(form);
    const done = (answer) => {
      open = null;
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    // Enter in the note makes a line break; Ctrl+Enter confirms from there too.
    if (note) note.addEventListener("keydown", (ev) => {
      if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) {
        ev.preventDefault();
        form.requestSubmit();
      }
    });
    form.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const answer = { note: note ? note.value.trim() : "" };
      if (text) {
        answer.text = text.value.trim();
        if (!answer.text) {
          problem.textContent = "Type a name first.";
          text.focus();
          return;
        }
      }
      if (list) {
        const o = active >= 0 ? options[shown[active]] : null;
        if (!o) {
          problem.textContent = "Nothing matches: change the filter, or press Escape.";
          filter.focus();
          return;
        }
        answer.choice = o.choice;
      }
      if (opts.checks) {
        answer.checks = boxes.filter((b) => b.checked).map((b) => b.value);
        if (opts.minChecks && answer.checks.length < opts.minChecks) {
          problem.textContent = opts.checksProblem || "Tick at least one.";
          (boxes[0] || cancel).focus();
          return;
        }
      }
      done(answer);
    });
    cancel.addEventListener("click", () => done(null));
    dialog.addEventListener("cancel", (ev) => {
      ev.preventDefault();
      done(null);
    });
    // Escape cancels from any field (a search field would otherwise only clear itself).
    dialog.addEventListener("keydown", (ev) => {
      if (ev.key === "Escape") {
        ev.preventDefault();
        ev.stopPropagation();
        done(null);
      }
    });
    document.body.append(dialog);
    open = dialog;
    dialog.showModal();
    // The first thing to fill in; a question with nothing to fill in but the note is
    // confirmed with Enter (the key that asked it was the researcher's choice).
    (text || filter || boxes[0] || confirm).focus();
    if (text) text.select();
  });
}
