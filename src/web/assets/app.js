// skillspass pages: the little script there is. Every page works without it.
// 1. Suggestions while typing an ESCO skill or occupation (fills the field's <datalist> from /esco/...).
// 2. The employer's request page asks where the request stands every two seconds and reloads when it changed.
"use strict";

function suggest(input) {
  const list = document.getElementById(input.getAttribute("list"));
  const kind = input.dataset.suggest === "occupations" ? "occupations" : "skills";
  let timer = null;
  let asked = "";
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const q = input.value.trim();
      if (q.length < 2 || q === asked) return;
      asked = q;
      try {
        const answer = await fetch(`/esco/${kind}?limit=8&q=${encodeURIComponent(q)}`, { headers: { Accept: "application/json" } });
        if (!answer.ok) return;
        const { hits } = await answer.json();
        list.replaceChildren(...hits.map((hit) => {
          const option = document.createElement("option");
          option.value = hit.label;
          return option;
        }));
      } catch (_) { /* suggestions are a help only */ }
    }, 150);
  });
}

function follow(live) {
  const url = live.dataset.poll;
  const known = live.dataset.state;
  const ask = async () => {
    try {
      const answer = await fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" });
      if (answer.ok) {
        const { status } = await answer.json();
        if (status && status !== known) { window.location.reload(); return; }
      }
    } catch (_) { /* try again */ }
    setTimeout(ask, 2000);
  };
  setTimeout(ask, 2000);
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("input[data-suggest][list]").forEach(suggest);
  const live = document.querySelector("[data-poll]");
  if (live) follow(live);
});
