#!/usr/bin/env python3
"""Build, check, preview or scaffold the site. `python build.py --help` lists the commands.

Exit codes: 0 ok, 1 content problems, 2 usage or configuration problems.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from sitegen.config import Config, load_config
from sitegen.errors import ConfigError, Problem, SiteError, in_order
from sitegen.pipeline import Options, build, build_to
from sitegen.publish import missing_origin_notice
from sitegen.review import format_json, format_table, review_rows, today_from
from sitegen.safeurl import make_output_parent
from sitegen.scaffold import new_article
from sitegen.store import PATH, Store

COMMANDS = ("build", "check", "new", "review", "serve")


def with_default_command(argv: Sequence[str]) -> list[str]:
    """`build.py --out x` means `build.py build --out x`: insert "build" when no command is named."""
    args = list(argv)
    index = 0
    while index < len(args) and args[index] in ("--project", "--debug"):
        index += 2 if args[index] == "--project" else 1
    if index >= len(args) or args[index] not in (*COMMANDS, "-h", "--help"):
        args.insert(index, "build")
    return args


def parse_args(argv: Sequence[str]) -> argparse.Namespace:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--project", type=Path, default=argparse.SUPPRESS, help="project folder holding site.yaml (default: .)"
    )
    common.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help="show Python tracebacks")
    parser = argparse.ArgumentParser(
        prog="build.py", parents=[common], description="Static site generator for the massage & immunity guide."
    )
    commands = parser.add_subparsers(dest="command")

    def site_options(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--base-url", help='where the site lives: "/repo/" or "https://host/repo/" (overrides site.yaml)'
        )
        p.add_argument("--drafts", action="store_true", help="include pages with draft: true")
        p.add_argument("--strict", action="store_true", help="treat warnings as errors")
        p.add_argument("--jobs", type=int, default=0, help="worker processes for Markdown (default: one per CPU)")
        p.add_argument("--no-cache", action="store_true", help="ignore and do not write the .cache/ folder")
        p.add_argument("--today", type=dt.date.fromisoformat, help="the date reviews are due against, YYYY-MM-DD")
        p.add_argument("--report-problem-url", help="where readers report a problem (overrides site.yaml)")

    b = commands.add_parser("build", parents=[common], help="build the site (the default command)")
    site_options(b)
    b.add_argument("--out", type=Path, default=Path("_site"), help="output folder (default: _site)")
    b.add_argument("--no-search", action="store_true", help="skip the search index (Pagefind's pagefind/ folder)")
    c = commands.add_parser("check", parents=[common], help="load, render and check everything; write nothing")
    site_options(c)
    r = commands.add_parser("review", parents=[common], help="list every article's review dates, overdue first")
    site_options(r)
    r.add_argument("--json", action="store_true", help="print the table as JSON (for CI)")
    n = commands.add_parser("new", parents=[common], help="scaffold a new article (as a draft)")
    n.add_argument("title", help='the article title, e.g. "Skin health"')
    s = commands.add_parser(
        "serve", parents=[common], help="build and preview the site in the browser, reloading it after every edit"
    )
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1, this machine only)")
    s.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    s.add_argument(
        "--drafts",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="show draft pages, with a banner (default: yes)",
    )
    s.add_argument("--open", action="store_true", help="open the site in the default browser")
    args = parser.parse_args(with_default_command(argv))
    args.project = getattr(args, "project", Path("."))
    args.debug = getattr(args, "debug", False)
    return args


def report(problems: Sequence[Problem]) -> None:
    for problem in in_order(problems):
        print(problem, file=sys.stderr)
    errors = sum(p.is_error for p in problems)
    warnings = len(problems) - errors
    if problems:
        print(f"{errors} error(s), {warnings} warning(s)", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    root = args.project
    if args.command == "new":
        config = load_config(root)
        path = new_article(config.content_dir, args.title, config.required_sections, dt.date.today())
        print(
            f"created {path.relative_to(root) if not path.is_absolute() else path} (draft: true until you publish it)"
        )
        return 0
    if args.command == "serve":
        from sitegen.serve import serve

        return serve(root, host=args.host, port=args.port, drafts=args.drafts, open_browser=args.open)
    config = load_config(root, base_url=args.base_url, report_problem_url=args.report_problem_url)
    options = Options(
        drafts=args.drafts,
        strict=args.strict,
        jobs=args.jobs,
        search=args.command == "build" and not args.no_search,  # check and review index nothing
        today=today_from(args.today, os.environ.get("SOURCE_DATE_EPOCH")),
    )
    # check reads the cache but writes nothing at all
    store = Store(None if args.no_cache else root / PATH, writable=args.command == "build")
    if args.command == "review":
        return run_review(config, options, store, json_output=args.json)
    if args.command == "check":
        result = build(config, options, store)
        report(result.problems)
        print(
            f"check passed: {len(result.site.pages)} pages, {len(result.files)} files (nothing written)",
            file=sys.stderr,
        )
        return 0
    out = args.out if args.out.is_absolute() else Path.cwd() / args.out
    if wrong := make_output_parent(out):
        raise ConfigError([Problem("--out", 0, f"{args.out} cannot be created: {wrong}")])
    result = build_to(config, options, out, store)
    report(result.problems)
    if notice := missing_origin_notice(config):
        print(f"warning: {notice}", file=sys.stderr)
    print(f"built {len(result.site.pages)} pages into {args.out}", file=sys.stderr)
    return 0


def run_review(config: Config, options: Options, store: Store, *, json_output: bool) -> int:
    """`review`: the table of every article's review, overdue first; --strict: exit 1 if any is overdue."""
    assert options.today is not None
    result = build(config, dataclasses.replace(options, strict=False, search=False), store)
    report(result.problems)
    rows = review_rows(result.site, config, options.today)
    print(format_json(rows, options.today) if json_output else format_table(rows))
    overdue = sum(row.overdue for row in rows)
    if not json_output:
        print(f"{overdue} of {len(rows)} article(s) overdue for review on {options.today}", file=sys.stderr)
    return 1 if overdue and options.strict else 0


def main(argv: Sequence[str]) -> int:
    args = parse_args(argv)
    quiet = logging.INFO if args.command == "serve" else logging.WARNING
    logging.getLogger("tornado.access").setLevel(logging.WARNING)
    for chatty in ("MARKDOWN", "pagefind", "asyncio"):  # they log every step at DEBUG
        logging.getLogger(chatty).setLevel(logging.WARNING)
    logging.basicConfig(level=logging.DEBUG if args.debug else quiet, format="%(message)s")
    try:
        return run(args)
    except SiteError as exc:
        report(exc.problems)
        if args.debug:
            raise
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if args.debug:
            raise
        print(
            f"internal error in the generator: {type(exc).__name__}: {exc} (run with --debug for the traceback)",
            file=sys.stderr,
        )
        return 70


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
