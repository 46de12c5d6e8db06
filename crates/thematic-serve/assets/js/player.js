// The recording docked in the reader: a turn's time plays from there, the turn being
// spoken is marked (and, following, scrolled to), keys play, pause, go back and change the
// speed, a pause goes back a couple of seconds (as transcription tools do), and a turn
// without a time of its own (a typed transcript) takes the player's position as its start
// ("this turn starts now"), kept in the study.
//
// The player survives the reader's redraws (coding a passage redraws the reader): the same
// <audio>/<video> element is moved into the new page in the same task, so it never pauses.

import { S, api, say, sayWith, showError } from "/js/state.js";
import { el, hms } from "/js/util.js";

// The speeds offered, slowest first.
export const RATES = [0.5, 0.6, 0.75, 0.85, 1, 1.1, 1.25, 1.5, 1.75, 2];
// Seconds a pause goes back, the choices.
const REWINDS = [0, 1, 2, 3, 5];
// What "back" goes back by, seconds.
const BACK = 5;

// The one player: the transcript it plays, its dock and media element, the turn marked.
const P = { id: null, url: null, box: null, media: null, speaking: null, rate: null, info: null, note: null };

// A number the researcher chose before (kept in the browser), if it is one of `allowed`.
function stored(key, fallback, allowed) {
  const kept = localStorage.getItem(key);
  const v = kept === null ? NaN : Number(kept);
  return allowed.includes(v) ? v : fallback;
}

// A turn's time in milliseconds: the study's sync time, else the file's own; null if none.
export function turnMs(t) {
  if (t.synced_ms !== null && t.synced_ms !== undefined) return t.synced_ms;
  return t.start_ms === undefined ? null : t.start_ms;
}

// The media element of the transcript open in the reader, if it has a recording.
export function media() {
  return S.reader && S.reader.media && P.id === S.reader.id ? P.media : null;
}

// Plays from `ms`, or as near as the recording allows.
export function playFrom(ms) {
  const m = media();
  if (!m) return;
  m.currentTime = Math.max(0, ms / 1000);
  markSpeaking(true);
  start(m);
}

// Plays `m`; a refusal is shown, but not a play cut short by a pause or a seek (AbortError).
function start(m) {
  const played = m.play();
  if (played) {
    played.catch((e) => {
      if (e.name !== "AbortError") showError(new Error("the browser would not play the recording: " + e.message));
    });
  }
}

export function toggle() {
  const m = media();
  if (!m) return;
  if (m.paused) start(m);
  else m.pause();
}

export function back(seconds) {
  const m = media();
  if (m) m.currentTime = Math.max(0, m.currentTime - seconds);
}

export function changeRate(step) {
  const m = media();
  if (!m) return;
  const i = RATES.findIndex((r) => r >= m.playbackRate - 1e-6);
  const next = RATES[Math.min(RATES.length - 1, Math.max(0, (i < 0 ? RATES.indexOf(1) : i) + step))];
  m.playbackRate = next;
  m.defaultPlaybackRate = next;
  localStorage.setItem("thematic.rate", String(next));
}

// The turn being spoken at the player's position: the one with the latest time at or
// before it (turns without a time are passed over).
export function turnAt(ms) {
  let best = null;
  for (const t of S.reader.turns) {
    const at = turnMs(t);
    if (at !== null && at <= ms && (!best || at >= turnMs(best))) best = t;
  }
  return best;
}

// Whether the researcher is busy in the page (selecting words, typing in a box): the page
// does not scroll under them then.
function busy() {
  const a = document.activeElement;
  if (a && a.matches("input, textarea, select")) return true;
  const sel = window.getSelection();
  return !!(sel && !sel.isCollapsed);
}

function follows() {
  return localStorage.getItem("thematic.follow") !== "0";
}

// Marks the turn being spoken; in follow mode scrolls it into view when it is out of it.
export function markSpeaking(force) {
  const m = media();
  if (!m) return;
  const t = turnAt(m.currentTime * 1000 + 1);
  const n = t ? t.n : null;
  const row = n ? document.getElementById("turn-" + n) : null;
  if (n !== P.speaking || force || (row && !row.classList.contains("speaking"))) {
    for (const old of document.querySelectorAll(".turn.speaking")) old.classList.remove("speaking");
    if (row) row.classList.add("speaking");
    P.speaking = n;
    if (row && follows() && !busy()) {
      const r = row.getBoundingClientRect();
      const top = P.box ? P.box.getBoundingClientRect().bottom : 0;
      if (r.top < top || r.bottom > window.innerHeight) row.scrollIntoView({ block: "center" });
    }
  }
  if (P.info) P.info.textContent = t ? "Turn " + n + " of " + S.reader.turns.length + (t.speaker ? " · " + t.speaker : "") : "";
}

function rateLabel(r) {
  return (Math.round(r * 100) / 100) + "×";
}

function build(data) {
  const kind = data.media.kind === "video" ? "video" : "audio";
  const m = el(kind, {
    class: "player-media",
    src: data.media.url,
    preload: "metadata",
    controls: true,
    "aria-label": "Recording of " + data.id,
  });
  const rate = stored("thematic.rate", 1, RATES);
  m.defaultPlaybackRate = rate;
  m.playbackRate = rate;
  const rewind = el("select", {
    "aria-label": "Seconds to go back on pause",
    onchange: (ev) => localStorage.setItem("thematic.rewind", ev.target.value),
  }, REWINDS.map((s) => el("option", { value: s, selected: s === stored("thematic.rewind", 2, REWINDS) }, s + " s")));
  const rateShown = el("output", { class: "rate", "aria-live": "polite", title: "Playing speed" }, rateLabel(rate));
  const info = el("span", { class: "player-info", "aria-live": "off" }, "");
  const note = el("div", { class: "player-note", role: "status" });
  const box = el("section", { class: "player " + kind, "aria-label": "Recording" },
    m,
    el("div", { class: "player-controls" },
      el("button", { type: "button", class: "small", title: "Back " + BACK + " s (j)", onclick: () => back(BACK) }, "⟲ " + BACK + " s"),
      el("button", { type: "button", class: "small", title: "Slower (,)", "aria-label": "Slower", onclick: () => changeRate(-1) }, "Slower"),
      rateShown,
      el("button", { type: "button", class: "small", title: "Faster (.)", "aria-label": "Faster", onclick: () => changeRate(1) }, "Faster"),
      el("label", { class: "small" }, el("input", {
        type: "checkbox", class: "follow", checked: follows(), onchange: (ev) => {
          localStorage.setItem("thematic.follow", ev.target.checked ? "1" : "0");
          markSpeaking(true);
        },
      }), " Follow"),
      el("label", { class: "small" }, "On pause, back ", rewind),
      info),
    note);
  m.addEventListener("timeupdate", () => markSpeaking(false));
  m.addEventListener("seeked", () => markSpeaking(false));
  m.addEventListener("loadedmetadata", () => {
    m.playbackRate = m.defaultPlaybackRate;
    markSpeaking(true);
  });
  m.addEventListener("ratechange", () => { rateShown.textContent = rateLabel(m.playbackRate); });
  // A pause (by key, button or the player's own control) goes back a little, so playing
  // again picks up the words just heard; not at the end, and not when the page itself
  // paused it (the reader left).
  m.addEventListener("pause", () => {
    const s = Number(rewind.value) || 0;
    if (m.ended || !m.isConnected || !s) return;
    m.currentTime = Math.max(0, m.currentTime - s);
  });
  m.addEventListener("error", () => {
    const code = m.error ? m.error.code : 0;
    note.textContent = code === 4
      ? "The recording could not be played: the file is missing, moved or in a format this browser does not play. `thematic check` says whether the linked file is still there."
      : "The recording stopped with an error (" + code + "). Reload the page to try again.";
  });
  P.id = data.id;
  P.url = data.media.url;
  P.box = box;
  P.media = m;
  P.info = info;
  P.note = note;
  P.speaking = null;
  return box;
}

// The dock for the transcript in `data` (GET /api/transcripts/{id}), or null when it has no
// recording. The same transcript's dock is reused, playing on, across the reader's redraws.
export function dockPlayer(data) {
  if (!data.media) {
    if (P.media && P.id === data.id) P.media.pause();
    return null;
  }
  if (P.box && P.id === data.id && P.url === data.media.url) return P.box;
  if (P.media) P.media.pause();
  return build(data);
}

// After the reader is drawn: the turn being spoken marked again.
export function playerDrawn() {
  if (media()) markSpeaking(true);
}

// What the meta column shows of a turn's time: with a recording, a button that plays from
// it, and for a turn without a time of its own, "starts now"; without one, the time as text.
export function timeOf(t) {
  const ms = turnMs(t);
  const box = el("span", { class: "when" });
  if (!S.reader || !S.reader.media) {
    box.append(hms(ms));
    return box;
  }
  if (ms !== null) {
    box.append(el("button", {
      type: "button", class: "time" + (t.start_ms === null || t.start_ms === undefined ? " synced" : ""), tabindex: "-1",
      "data-ms": ms, title: "Play from here (t on the turn)" + (t.start_ms === null || t.start_ms === undefined ? "; time set in the study" : ""),
      "aria-label": "Play turn " + t.n + " from " + hms(ms),
      onclick: () => playFrom(ms),
    }, "▶ " + hms(ms)));
  }
  if (t.start_ms === null || t.start_ms === undefined) {
    box.append(el("button", {
      type: "button", class: "sync small linklike", tabindex: "-1",
      title: "This turn starts now: its time is the player's position, kept in the study (s on the turn)",
      onclick: () => syncTurn(t.n),
    }, ms === null ? "starts now" : "re-sync"));
    if (ms !== null) {
      box.append(el("button", {
        type: "button", class: "unsync small linklike", tabindex: "-1",
        title: "Take this turn's time away (the study forgets it; Undo puts it back)",
        onclick: () => clearSync(t.n),
      }, "clear"));
    }
  }
  return box;
}

// Stores `ms` (a number, or null to clear) as turn `n`'s time; answers the stored time.
async function storeSync(id, t, ms) {
  const res = await api("POST", "/api/transcripts/" + encodeURIComponent(id) + "/sync", { turn_start: t.start, ms });
  return res && typeof res.synced_ms === "number" ? res.synced_ms : ms;
}

// Draws turn `n`'s time again after its sync time changed.
function redrawTime(t) {
  const meta = document.querySelector("#turn-" + t.n + " .meta .when");
  if (meta) meta.replaceWith(timeOf(t));
  markSpeaking(true);
}

// Takes turn `n`'s sync time away, with Undo (which stores it again).
export async function clearSync(n) {
  const t = S.reader && S.reader.turns[n - 1];
  if (!t || t.synced_ms === null || t.synced_ms === undefined) return;
  const id = S.reader.id;
  const was = t.synced_ms;
  try {
    await storeSync(id, t, null);
    if (!S.reader || S.reader.id !== id) return;
    t.synced_ms = null;
    redrawTime(t);
    sayWith("Turn " + n + "'s time (" + hms(was) + ") was taken away.", "Undo", async () => {
      try {
        const back = await storeSync(id, t, was);
        if (!S.reader || S.reader.id !== id) return;
        t.synced_ms = back;
        redrawTime(t);
        say("Turn " + n + " starts at " + hms(back) + " again.");
      } catch (e) {
        showError(e);
      }
    });
  } catch (e) {
    showError(e);
  }
}

// "This turn starts now": stores the player's position as turn `n`'s time.
export async function syncTurn(n) {
  const m = media();
  const t = S.reader && S.reader.turns[n - 1];
  if (!m || !t) return;
  if (t.start_ms !== null && t.start_ms !== undefined) {
    showError(new Error("turn " + n + " has its own time in the transcript (" + hms(t.start_ms) + "); only turns without one are synced"));
    return;
  }
  const ms = Math.round(m.currentTime * 1000);
  try {
    const id = S.reader.id;
    const stored = await storeSync(id, t, ms);
    if (!S.reader || S.reader.id !== id) return;
    t.synced_ms = stored;
    redrawTime(t);
    say("Turn " + n + " starts at " + hms(t.synced_ms) + " (kept in the study).");
  } catch (e) {
    showError(e);
  }
}

// The keys, for the reader's Keys panel.
export function playerKeys() {
  if (!S.reader || !S.reader.media) return [];
  return [
    el("div", {}, el("kbd", {}, "k"), " play/pause · ", el("kbd", {}, "j"), " back " + BACK + " s · ", el("kbd", {}, ","), " ", el("kbd", {}, "."), " slower/faster"),
    el("div", {}, "(with ", el("kbd", {}, "Alt"), " also while typing) · on a turn: ", el("kbd", {}, "t"), " play it, ", el("kbd", {}, "s"), " it starts now"),
  ];
}

function turnInFocus() {
  const a = document.activeElement;
  const turn = a && a.closest && a.closest(".turn");
  return turn ? Number(turn.dataset.n) : null;
}

// Plain keys outside text boxes; with Alt (by key position, so a Mac's Option characters
// do not matter) anywhere in the reader, the correction box included.
const PLAIN = { k: "toggle", j: "back", ",": "slower", ".": "faster", t: "play-turn", s: "sync-turn" };
const WITH_ALT = { KeyK: "toggle", KeyJ: "back", Comma: "slower", Period: "faster" };

document.addEventListener("keydown", (ev) => {
  if (S.view !== "t" || !media() || ev.ctrlKey || ev.metaKey) return;
  const t = ev.target;
  const inBox = t instanceof Element && t.matches("input, textarea, select");
  const action = ev.altKey ? WITH_ALT[ev.code] : (!inBox && !ev.shiftKey ? PLAIN[ev.key] : null);
  if (!action) return;
  ev.preventDefault();
  if (action === "toggle") toggle();
  else if (action === "back") back(BACK);
  else if (action === "slower") changeRate(-1);
  else if (action === "faster") changeRate(1);
  else {
    const n = turnInFocus();
    if (!n) return;
    if (action === "play-turn") {
      const ms = turnMs(S.reader.turns[n - 1]);
      if (ms === null) showError(new Error("turn " + n + " has no time yet: play the recording and press s when it starts"));
      else playFrom(ms);
    } else syncTurn(n);
  }
});
