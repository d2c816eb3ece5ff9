// The header search box. Until the reader focuses it, this is all that loads: then the
// search UI (search-ui.js) and Pagefind's bundle, whose results show as the reader types.
// Without JavaScript, or if they fail to load, the form submits to /search/, which lists
// every article.
const form = document.querySelector("form[data-ui]");
const input = form?.querySelector("input[type=search]");
let started;

function start() {
  started ||= import(form.dataset.ui)
    .then((ui) => ui.attach(form, input))
    .catch((error) => console.warn("Search as you type is not available; the form still works.", error));
  return started;
}

if (input) {
  input.addEventListener("focus", start, { once: true });
  const query = new URLSearchParams(location.search).get("q");
  if (query && document.querySelector("[data-search-page]")) {
    input.value = query;
    start();
  }
}
