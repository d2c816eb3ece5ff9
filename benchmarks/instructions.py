"""Count the instructions our engine spends per page, under valgrind: a figure that, unlike a
time, does not swing with the load of a shared machine (timings here move 30% within minutes).

    python benchmarks/instructions.py [--corpus N] [--pages P] [--commit REF ...]

For each engine (the work tree, or each --commit, exported as run.py does), two phases over P
articles of the generated N-article corpus: "markdown" (front matter, Markdown, the page's own
checks, its search words: workers.SourceWorker, as a worker process runs it) and "templates"
(outputs.render_page_files, from a site index loaded from the cache of a real build made
first). Each is run under `valgrind --tool=cachegrind` twice, over 10 pages and over 10 + P, so
that start-up and imports cancel out; the difference over P is printed. Then the whole
one-article-changed rebuild as run.py times it ("one-article command": a sentence appended to
the first article, then `build.py build`), start-up and imports included, with the part that
is start-up and imports alone (`python -c "import build"`). Prints figures; asserts nothing.
Needs valgrind (`apt-get install valgrind`).
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # a sibling module: benchmarks/ is not a package
from run import CACHE, MAIN, compile_engine, edit_article, snapshot_engine

WARM_UP = 10
DRIVER = r"""
import sys
engine, root, phase, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
sys.path.insert(0, engine)
from pathlib import Path
from sitegen.config import load_config
root = Path(root)
if phase == "markdown":
    from sitegen.bibliography import load_bibliography
    from sitegen.glossary import load_glossary
    from sitegen.workers import SourceJob, SourceWorker
    config = load_config(root)
    sources, _ = load_bibliography(config.bibliography, "references")
    terms, _ = load_glossary(config.glossary, "glossary")
    worker = SourceWorker(terms, dict(sources), config)
    for path in sorted((root / "content/articles").glob("*.md"))[:count]:
        worker(SourceJob("articles/" + path.name, "article", path.read_bytes()))
else:
    from sitegen.cache import BuildCache
    from sitegen.outputs import render_page_files
    from sitegen.pipeline import Options, load_site
    from sitegen.templates import make_environment
    config = load_config(root, base_url="/")
    site = load_site(config, Options(jobs=1), BuildCache(root / ".cache", writable=False)).site
    pages = [p for p in site.pages if p.kind == "article"][:count]
    for page in pages:
        site.rendered[page.project_path]  # read from the cache before counting
    render_page_files(site, config, make_environment(config.templates_dir), pages)
"""


def instructions(engine: Path, root: Path, phase: str, count: int) -> int:
    """Instructions (cachegrind's I refs) of one run of the driver."""
    return counted(["-c", DRIVER, str(engine), str(root), phase, str(count)])


def counted(arguments: list[str], cwd: Path | None = None) -> int:
    """Instructions (cachegrind's I refs) of ``python *arguments``."""
    command = ["valgrind", "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null"]
    result = subprocess.run([*command, sys.executable, *arguments], capture_output=True, text=True, check=True, cwd=cwd)
    found = re.search(r"I\s+refs:\s+([\d,]+)", result.stderr)
    if found is None:
        raise SystemExit(f"no instruction count in valgrind's output:\n{result.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=int, default=1000, help="articles in the generated corpus (default 1000)")
    parser.add_argument("--pages", type=int, default=100, help="articles counted (default 100)")
    parser.add_argument("--commit", action="append", default=[], help="an engine as committed at REF (repeatable)")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind not found: apt-get install valgrind")
    root = CACHE / f"instructions-{args.corpus}"
    if not (root / "content").is_dir():
        corpus.write_corpus(root, args.corpus)
    engines = [snapshot_engine(ref) for ref in args.commit] or [MAIN]
    print(f"per article, over {args.pages} of {args.corpus} generated articles (cachegrind I refs):")
    for engine in engines:
        compile_engine(engine)  # else every count includes compiling the engine's modules
        corpus.sync_shared(root, engine)
        shutil.rmtree(root / ".cache", ignore_errors=True)
        build = [str(engine / "build.py"), "build", "--project", str(root), "--out", str(root / "_site")]
        # a real build first: the template phase loads its site index from this cache
        subprocess.run([sys.executable, *build], capture_output=True, check=True)
        figures = []
        for phase in ("markdown", "templates"):
            base = instructions(engine, root, phase, WARM_UP)
            total = instructions(engine, root, phase, WARM_UP + args.pages)
            figures.append(f"{phase} {(total - base) / args.pages / 1e6:.2f} M")
        article = root / "content" / "articles" / f"{corpus.slug_of(1, args.corpus)}.md"
        text = article.read_bytes()
        edit_article(root, args.corpus, 0)
        try:
            command = counted(build)
        finally:
            article.write_bytes(text)  # the same corpus for the next engine
        imports = counted(["-c", "import build"], cwd=engine)
        figures.append(f"one-article command {command / 1e6:.0f} M (start-up and imports {imports / 1e6:.0f} M)")
        name = engine.name if engine != MAIN else "work tree"
        print(f"  {name}: " + ", ".join(figures))


if __name__ == "__main__":
    main()
