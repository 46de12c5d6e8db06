// What the pointer does on the board: drag and drop, and the sample extract shown under
// a card pointed at (or focused). The drag is made of pointer events, not HTML5 drag and
// drop, so a mouse, a pen, a finger (on a card's colour square or a theme's grip) and
// WebDriver's pointer actions drive it alike in every browser.

import { el } from "/js/util.js";

// What the board tells this module: whether the board is showing and free (no dialog),
// a card's or theme's label, what to do with a drop, and a card's sample.
let opts = { active: () => false, label: (id) => id, drop: () => {}, sample: async () => [] };

let drag = null; // { kind, id, from, x, y, started, ghost, over }

function dropTarget(x, y) {
  const at = document.elementFromPoint(x, y);
  return at ? at.closest("[data-drop]") : null;
}

function onPointerDown(ev) {
  if (ev.button !== 0 || !opts.active()) return;
  const card = ev.target.closest(".card");
  const head = card ? null : ev.target.closest(".area-head[data-theme]");
  if (!card && !head) return;
  if (ev.target.closest("button, summary, details, input, .review-link")) return;
  drag = card
    ? { kind: "card", id: card.dataset.card, from: card.dataset.in || null, node: card }
    : { kind: "theme", id: head.dataset.theme, node: head };
  Object.assign(drag, { x: ev.clientX, y: ev.clientY, started: false, ghost: null, over: null });
}

function onPointerMove(ev) {
  if (!drag) return;
  if (!drag.started) {
    if (Math.abs(ev.clientX - drag.x) + Math.abs(ev.clientY - drag.y) < 6) return;
    drag.started = true;
    drag.ghost = el("div", { class: "drag-ghost", "aria-hidden": "true" }, opts.label(drag.id));
    document.body.append(drag.ghost);
    drag.node.classList.add("dragging");
    document.body.classList.add("board-dragging");
  }
  ev.preventDefault();
  drag.ghost.style.transform = "translate(" + (ev.clientX + 12) + "px," + (ev.clientY + 8) + "px)";
  drag.ghost.classList.toggle("also", ev.altKey || ev.ctrlKey);
  const over = dropTarget(ev.clientX, ev.clientY);
  if (over !== drag.over) {
    if (drag.over) drag.over.classList.remove("drop-over");
    drag.over = over;
    if (over) over.classList.add("drop-over");
  }
}

function endDrag() {
  if (!drag) return null;
  const d = drag;
  drag = null;
  if (d.ghost) d.ghost.remove();
  if (d.over) d.over.classList.remove("drop-over");
  d.node.classList.remove("dragging");
  document.body.classList.remove("board-dragging");
  return d;
}

function onPointerUp(ev) {
  const d = endDrag();
  if (!d || !d.started) return;
  // The click that follows a drag must not open the card's link.
  const swallow = (e) => {
    e.preventDefault();
    e.stopPropagation();
  };
  window.addEventListener("click", swallow, { capture: true, once: true });
  setTimeout(() => window.removeEventListener("click", swallow, { capture: true }), 0);
  const target = dropTarget(ev.clientX, ev.clientY);
  if (target) opts.drop(d, target, ev.altKey || ev.ctrlKey);
}

let sampleTimer = 0;

function sampleBox() {
  let box = document.getElementById("board-sample");
  if (!box) {
    box = el("div", { id: "board-sample", class: "board-sample", role: "tooltip", hidden: true });
    document.body.append(box);
  }
  return box;
}

function showSample(card) {
  clearTimeout(sampleTimer);
  sampleTimer = setTimeout(async () => {
    if (drag || !card.isConnected) return;
    const parts = await opts.sample(card.dataset.card);
    if (!card.isConnected || (document.activeElement !== card && !card.matches(":hover"))) return;
    const box = sampleBox();
    box.replaceChildren(...parts.map((p) => p.cloneNode(true)));
    const r = card.getBoundingClientRect();
    box.style.left = Math.max(8, Math.min(window.scrollX + r.left, window.scrollX + document.documentElement.clientWidth - 380)) + "px";
    box.style.top = (window.scrollY + r.bottom + 4) + "px";
    box.hidden = false;
    card.setAttribute("aria-describedby", "board-sample");
  }, 250);
}

function hideSample() {
  clearTimeout(sampleTimer);
  const box = document.getElementById("board-sample");
  if (box) box.hidden = true;
}

// Whether a drag is under way.
export function dragging() {
  return drag !== null;
}

// Cancels a drag (Escape).
export function cancelDrag() {
  endDrag();
}

let wired = false;

// Listens on the document once; `o` as above.
export function wirePointer(o) {
  opts = o;
  if (wired) return;
  wired = true;
  document.addEventListener("pointerdown", (ev) => {
    if (ev.target instanceof Element && ev.target.closest("#board")) onPointerDown(ev);
  });
  document.addEventListener("pointermove", onPointerMove);
  document.addEventListener("pointerup", onPointerUp);
  document.addEventListener("pointercancel", endDrag);
  // The browser's own drag of links and text would take the pointer away from ours.
  document.addEventListener("dragstart", (ev) => {
    if (ev.target instanceof Element && ev.target.closest("#board")) ev.preventDefault();
  });
  for (const type of ["pointerover", "focusin"]) {
    document.addEventListener(type, (ev) => {
      const card = opts.active() && ev.target instanceof Element ? ev.target.closest("#board .card") : null;
      if (card) showSample(card);
    });
  }
  for (const type of ["pointerout", "focusout"]) {
    document.addEventListener(type, (ev) => {
      if (ev.target instanceof Element && ev.target.closest("#board .card")) hideSample();
    });
  }
  window.addEventListener("hashchange", hideSample);
}
