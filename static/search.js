// Site search with Pagefind, loaded only on the search page. Without JavaScript the page
// still lists every article; with it, results for ?q= (or what the reader types) appear.
const base = document.querySelector("[data-search-base]").dataset.searchBase;
const form = document.getElementById("search-page-form");
const input = document.getElementById("search-page-input");
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
let pagefind;

async function load() {
  if (!pagefind) {
    pagefind = await import(`${base}pagefind/pagefind.js`);
    await pagefind.options({ baseUrl: base });
  }
  return pagefind;
}

function item(result) {
  const li = document.createElement("li");
  const link = document.createElement("a");
  link.href = result.url;
  link.textContent = result.meta.title || result.url;
  const excerpt = document.createElement("p");
  excerpt.innerHTML = result.excerpt; // Pagefind escapes the page text and adds <mark>
  li.append(link, excerpt);
  return li;
}

async function run(query) {
  list.replaceChildren();
  if (!query.trim()) {
    status.textContent = "Type a word to search the guide.";
    return;
  }
  status.textContent = "Searching…";
  try {
    const engine = await load();
    const found = await engine.search(query);
    const results = await Promise.all(found.results.slice(0, 10).map((r) => r.data()));
    list.replaceChildren(...results.map(item));
    const count = found.results.length;
    status.textContent = count === 0 ? `No pages match “${query}”.` : `${count} page${count === 1 ? "" : "s"} match “${query}”.`;
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
