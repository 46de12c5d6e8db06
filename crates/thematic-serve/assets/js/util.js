// Small helpers: elements, code-point lengths, numbers, dates and colours.

import { S } from "/js/state.js";

// ---------- small helpers ----------

export function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

export function cpLen(s) {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

export function hms(ms) {
  if (ms === null || ms === undefined) return "";
  const neg = ms < 0;
  let s = Math.floor(Math.abs(ms) / 1000);
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const p = (x) => String(x).padStart(2, "0");
  return (neg ? "-" : "") + p(h) + ":" + p(m) + ":" + p(s);
}

export const NUMBER = new Intl.NumberFormat("en");

// 325829 → "325,829": counts in the page are read by people, not parsed.
export function num(n) {
  return NUMBER.format(n);
}

// "1 quote", "2 quotes".
export function plural(n, one, many) {
  return num(n) + " " + (n === 1 ? one : many);
}

export function day(rfc) {
  return rfc ? rfc.replace("T", " ").replace(/:\d\dZ$/, "").replace(/Z$/, "") : "";
}

export const FALLBACK = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];

export function themeById(id) {
  return S.study.themes.find((t) => t.id === id);
}

export function colourOf(id) {
  const t = themeById(id);
  if (t && t.colour) return t.colour;
  const i = Math.max(0, S.study.themes.findIndex((x) => x.id === id));
  return FALLBACK[i % FALLBACK.length];
}

export function tint(hex, alpha) {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex || "");
  if (!m) return "rgba(120,120,120," + alpha + ")";
  return "rgba(" + parseInt(m[1], 16) + "," + parseInt(m[2], 16) + "," + parseInt(m[3], 16) + "," + alpha + ")";
}

export function labelOf(id) {
  const t = themeById(id);
  return t ? t.label : id;
}

export function codable() {
  return S.study.themes.filter((t) => t.codable);
}

// The codes the keys 1–9 apply: the first nine in codebook order, with the "Unsorted" group's
// codes (new, made while coding) after the rest, so that making a code never moves the keys
// of the codes already sorted, and a new study's first nine codes keep theirs.
export function numbered() {
  const unsorted = (t) => {
    for (let p = t.parent; p; p = (themeById(p) || {}).parent) if (p === "unsorted") return true;
    return false;
  };
  const all = codable();
  return [...all.filter((t) => !unsorted(t)), ...all.filter(unsorted)].slice(0, 9);
}

export function swatch(id) {
  const s = el("span", { class: "swatch", "aria-hidden": "true" });
  s.style.background = colourOf(id);
  return s;
}

// A letter, digit, or a joiner inside a word (apostrophe, hyphen): what a word is made of.
const WORDY = /[\p{L}\p{N}\p{M}'’\-_]/u;

// Widens [a, b) over `chars` (code points) to whole words: a selection that starts or ends
// inside a word takes the whole word ("social pre|scriber" → "social prescriber").
export function snapToWords(chars, a, b) {
  const wordy = (i) => i >= 0 && i < chars.length && WORDY.test(chars[i]);
  while (a > 0 && wordy(a - 1) && wordy(a)) a--;
  while (b < chars.length && wordy(b - 1) && wordy(b)) b++;
  return [a, b];
}

// A keyword-in-context snippet with its marks (code points into it) as <mark> elements.
export function marked(snippet, marks) {
  const chars = Array.from(snippet);
  const parts = [];
  let at = 0;
  for (const [a, b] of marks) {
    if (a < at || b > chars.length) continue;
    parts.push(chars.slice(at, a).join(""), el("mark", {}, chars.slice(a, b).join("")));
    at = b;
  }
  parts.push(chars.slice(at).join(""));
  return parts;
}
