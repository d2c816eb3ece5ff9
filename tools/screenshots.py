"""Screenshots of the built site for a person to look at: home and one article, at a phone
(390 px) and a desktop (1280 px) width, in light and dark colour schemes.

Usage: python tools/screenshots.py [--out screenshots] [--pages / /stress/]
Builds the site into a temporary folder, serves it on 127.0.0.1 and drives headless Chromium.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "screenshots")
    parser.add_argument("--pages", nargs="+", default=["/", "/stress/"])
    parser.add_argument("--first-screen", action="store_true", help="only what fits in the viewport, not the full page")
    args = parser.parse_args()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("playwright is missing: run  make tools  (or pip install playwright)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--out", str(site)], check=True, cwd=ROOT)
        server = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(site)))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}"
        args.out.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as p:
            launch = {"executable_path": str(CHROMIUM)} if CHROMIUM.exists() else {}
            browser = p.chromium.launch(args=["--no-sandbox", "--disable-gpu"], **launch)
            for path in args.pages:
                for label, (width, height) in WIDTHS.items():
                    for scheme in ("light", "dark"):
                        page = browser.new_page(viewport={"width": width, "height": height}, color_scheme=scheme)
                        page.goto(base + path)
                        name = (path.strip("/") or "home").replace("/", "-")
                        target = args.out / f"{name}-{label}-{scheme}.png"
                        page.screenshot(path=str(target), full_page=not args.first_screen)
                        page.close()
                        print(target)
            browser.close()
        server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
