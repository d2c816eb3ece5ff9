// Site search, loaded only on the search page. Without JavaScript the page still lists every
// article; with it, results for ?q= (or what the reader types) appear. The index is built by
// the generator (sitegen/search.py): search/data/pages.json names the pages, and one small
// file per two-letter word start lists the pages using each word and how much.
const base = document.querySelector("[data-search-base]").dataset.searchBase;
const data = `${base}search/data/`;
const form = document.getElementById("search-page-form");
const input = document.getElementById("search-page-input");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const shards = new Map();
let catalogue;

async function fetchJson(url) {
  const response = await fetch(url);
  if (response.status === 404) return {};
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.json();
}

function shard(word) {
  const hex = [...new TextEncoder().encode(word.slice(0, 2))].map((b) => b.toString(16).padStart(2, "0")).join("");
  if (!shards.has(hex)) shards.set(hex, fetchJson(`${data}${hex}.json`));
  return shards.get(hex);
}

function words(query, stop) {
  return [...new Set(query.toLowerCase().match(/[\p{L}\p{N}]{2,}/gu) || [])].filter((w) => !stop.has(w));
}

// Score of each page for one query word: the best weight among the words it starts, doubled
// for the exact word.
async function scores(word) {
  const found = new Map();
  for (const [term, postings] of Object.entries(await shard(word))) {
    if (!term.startsWith(word)) continue;
    for (let i = 0; i < postings.length; i += 2) {
      const score = postings[i + 1] * (term === word ? 2 : 1);
      found.set(postings[i], Math.max(found.get(postings[i]) || 0, score));
    }
  }
  return found;
}

function item([url, title, summary]) {
  const li = document.createElement("li");
  const link = document.createElement("a");
  link.href = url;
  link.textContent = title;
  const excerpt = document.createElement("p");
  excerpt.textContent = summary;
  li.append(link, excerpt);
  return li;
}

async function run(query) {
  list.replaceChildren();
  status.textContent = "Searching…";
  try {
    catalogue = catalogue || (await fetchJson(`${data}pages.json`));
    const wanted = words(query, new Set(catalogue.stop));
    if (wanted.length === 0) {
      status.textContent = "Type a word of two letters or more to search the guide.";
      return;
    }
    const perWord = await Promise.all(wanted.map(scores));
    const total = new Map();
    for (const page of perWord[0].keys()) {
      if (perWord.every((found) => found.has(page))) {
        total.set(page, perWord.reduce((sum, found) => sum + found.get(page), 0));
      }
    }
    const ranked = [...total.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    list.replaceChildren(...ranked.slice(0, 20).map(([page]) => item(catalogue.pages[page])));
    const count = ranked.length;
    const shown = count > 20 ? ` The best 20 are listed.` : "";
    status.textContent =
      count === 0 ? `No pages match “${query}”.` : `${count} page${count === 1 ? "" : "s"} match “${query}”.${shown}`;
  } catch (error) {
    status.textContent = "Search is not available here; use the list of articles below.";
  }
}

form.hidden = false;
document.querySelector(".no-js-note").hidden = true;
form.addEventListener("submit", (event) => {
  event.preventDefault();
  const query = input.value;
  history.replaceState(null, "", `?q=${encodeURIComponent(query)}`);
  run(query);
});
const initial = new URLSearchParams(location.search).get("q") || "";
input.value = initial;
if (initial) run(initial);
