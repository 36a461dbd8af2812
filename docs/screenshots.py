"""Screenshots of the built site in headless Chromium, served over HTTP as a reader would get it (search, the
theme's JavaScript and fonts all run, which a file:// view does not do): ``make docs-screenshots``.

``python docs/screenshots.py docs/_build/html OUTDIR [PAGE ...]`` writes one PNG per page (default: the index, one
schedule's API page and one guide) and fails if Chromium is missing, a page does not render or asks for a file the
site does not have. Chromium is
Debian's (``apt-get install chromium``); its background networking is switched off because the build machine has
no network to reach."""
import functools
import http.server
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path
from typing import List

DEFAULT_PAGES = ["index.html", "api/CosineAnnealingWarmRestarts.html", "guides/training.html"]
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
]


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    raise SystemExit("no Chromium on PATH: apt-get install chromium (Debian) and run again")


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the site and records what it could not serve (the browser's own favicon request aside)."""
    missing: List[str] = []

    def log_request(self, code: object = "-", size: object = "-") -> None:
        if str(code).startswith(("4", "5")) and not self.path.startswith("/favicon.ico"):
            self.missing.append(f"{code} {self.path}")

    def log_message(self, *args: object) -> None:
        pass


def screenshots(site: Path, out: Path, pages: List[str], width: int = 1280, height: int = 1800) -> List[Path]:
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Handler, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    out.mkdir(parents=True, exist_ok=True)
    written = []
    try:
        for page in pages:
            if not (site / page).exists():
                raise SystemExit(f"{site / page} does not exist: build the site first (make docs)")
            target = out / (page.replace("/", "_").replace(".html", ".png"))
            with tempfile.TemporaryDirectory() as profile:
                subprocess.run(
                    [_chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}",
                     # time for the scripts (MathJax typesets after the load event) before the picture
                     "--virtual-time-budget=10000",
                     f"--screenshot={target}", f"http://127.0.0.1:{server.server_port}/{page}"],
                    check=True, capture_output=True, timeout=120,
                )
            if not target.exists() or target.stat().st_size == 0:
                raise SystemExit(f"Chromium wrote no screenshot of {page}")
            written.append(target)
    finally:
        server.shutdown()
    if _Handler.missing:
        raise SystemExit("the pages asked for what the site does not have: " + ", ".join(_Handler.missing))
    return written


if __name__ == "__main__":
    site_dir, out_dir, *chosen = sys.argv[1:]
    for path in screenshots(Path(site_dir), Path(out_dir), chosen or DEFAULT_PAGES):
        print(path)
