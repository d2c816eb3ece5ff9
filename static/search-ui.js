// Search as you type under the header box, over Pagefind's JavaScript API (pagefind.js).
// Loaded by search-box.js when the box first gets focus. Each result shows its title, its
// evidence badge and an excerpt with the matched words in <mark>; a menu narrows the results
// to one evidence rating. The count is announced (role="status"); Escape closes the results.
const LIMIT = 10;
const RATINGS = ["Strong", "Moderate", "Limited", "Mixed", "Insufficient"]; // the menu's order

function element(name, properties = {}, ...children) {
  const node = Object.assign(document.createElement(name), properties);
  node.append(...children);
  return node;
}

// Pagefind's excerpt is HTML with <mark> around the matches: keep those marks and the text
// only, parsed in an inert <template>, so nothing in a page's text can become markup here.
function excerpt(html) {
  const parsed = element("template");
  parsed.innerHTML = html;
  return [...parsed.content.childNodes].map((node) =>
    node.nodeName === "MARK" ? element("mark", { textContent: node.textContent }) : node.textContent,
  );
}

function result(data) {
  const link = element("a", { href: data.url, className: "search-title", textContent: data.meta.title });
  const parts = [link];
  if (data.meta.evidence) {
    const badge = element("span", { className: `badge evidence-${data.meta.evidence}` }, data.meta.evidence_label);
    parts.push(" ", badge);
  }
  return element("li", {}, ...parts, element("p", { className: "search-excerpt" }, ...excerpt(data.excerpt)));
}

function rank(label) {
  const found = RATINGS.findIndex((word) => label.startsWith(word));
  return found < 0 ? RATINGS.length : found;
}

function ratingMenu(counts) {
  const menu = element("select", { id: "search-evidence", name: "evidence" });
  menu.append(element("option", { value: "", textContent: "Any rating" }));
  const labels = Object.keys(counts).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  for (const label of labels) menu.append(element("option", { value: label, textContent: label }));
  return menu;
}

function panelFor(form, counts) {
  const menu = ratingMenu(counts);
  const status = element("p", { className: "search-status", role: "status" });
  status.setAttribute("aria-live", "polite");
  const list = element("ol", { className: "search-results" });
  const filter = element(
    "p",
    { className: "search-filter" },
    element("label", { htmlFor: "search-evidence", textContent: "Evidence: " }),
    menu,
  );
  const panel = element("section", { id: "search-panel", className: "search-panel wrap", hidden: true }, filter, status, list);
  panel.setAttribute("aria-label", "Search results");
  form.closest(".header-row").after(panel);
  return { panel, menu, status, list };
}

function said(count, query, rating) {
  const within = rating ? ` rated “${rating}”` : "";
  if (count === 0) return `No pages${within} match “${query}”.`;
  const shown = count > LIMIT ? ` The best ${LIMIT} are listed.` : "";
  return `${count} page${count === 1 ? "" : "s"}${within} match “${query}”.${shown}`;
}

function addStyle(href) {
  document.head.append(element("link", { rel: "stylesheet", href }));
}

export async function attach(form, input) {
  addStyle(form.dataset.uiStyle);
  const pagefind = await import(`${form.dataset.bundle}pagefind.js`);
  await pagefind.options({ excerptLength: 24, noWorker: true }); // its worker script: 12 KB more per first query
  const { panel, menu, status, list } = panelFor(form, (await pagefind.filters()).evidence || {});
  input.setAttribute("aria-controls", panel.id);
  let latest = 0;

  const close = () => {
    panel.hidden = true;
  };

  async function run() {
    const query = input.value.trim();
    const ticket = ++latest;
    if (!query) {
      list.replaceChildren();
      status.textContent = "";
      close();
      return;
    }
    panel.hidden = false;
    const rating = menu.value;
    const found = await pagefind.debouncedSearch(query, rating ? { filters: { evidence: rating } } : {}, 150);
    if (found === null || ticket !== latest) return; // a later keystroke superseded this search
    const shown = await Promise.all(found.results.slice(0, LIMIT).map((hit) => hit.data()));
    if (ticket !== latest) return;
    list.replaceChildren(...shown.map(result));
    status.textContent = said(found.results.length, query, rating);
  }

  input.addEventListener("input", run);
  menu.addEventListener("change", run);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run();
  });
  for (const area of [form, panel]) {
    area.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && !panel.hidden) {
        close();
        input.focus();
      }
    });
  }
  input.addEventListener("click", () => {
    if (input.value.trim() && list.childElementCount) panel.hidden = false;
  });
  if (input.value.trim()) run();
}
