"""The HTML report in a real browser: headless Chromium opens it from disk and takes a screenshot.

Skipped when Chromium is not installed, unless NEGSIM_REQUIRE_BROWSER=1 (as
.ci/run sets it), when a missing browser is a failure. Set
NEGSIM_SCREENSHOT=PATH to keep the screenshot (docs/images/report-aleppo.png
is made that way).
"""

from __future__ import annotations

import os
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from .test_cli import negsim_cmd
from .test_report import check_html

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
]


def browser() -> str:
    found = next((path for name in BROWSERS if (path := shutil.which(name))), None)
    if found is None:
        if os.environ.get("NEGSIM_REQUIRE_BROWSER") == "1":
            pytest.fail("NEGSIM_REQUIRE_BROWSER=1 but no Chromium is installed (apt-get install chromium)")
        pytest.skip("Chromium is not installed")
    return found


def chromium(exe: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    profile.mkdir()
    return subprocess.run([exe, *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True, timeout=120)


def test_report_renders_in_chromium(tmp_path):
    exe = browser()
    page = tmp_path / "report.html"
    made = negsim_cmd("report", "aleppo-2016-12", "--variant", "aleppo-militias-stand-aside", "-o", str(page))
    assert made.returncode == 0, made.stderr
    check_html(page.read_text(encoding="utf-8"))
    url = page.resolve().as_uri()

    dom = chromium(exe, tmp_path, "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr[-2000:]
    html = dom.stdout.decode("utf-8")
    assert "<h1>Aleppo evacuation deal, 13-15 December 2016</h1>" in html
    assert html.count("<svg") == 1 and "BLOCKED by militias" in html
    assert not re.search(r"(?i)(src|href)\s*=|https?://", html)  # nothing was, or could be, fetched

    shot = Path(os.environ.get("NEGSIM_SCREENSHOT") or tmp_path / "report.png").resolve()
    done = chromium(exe, tmp_path, f"--screenshot={shot}", "--window-size=1000,2600", url)
    assert done.returncode == 0, done.stderr[-2000:]
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1000, 2600)
    assert len(data) > 50_000  # a page with a diagram and text, not a blank one
