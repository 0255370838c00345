"""The report in a real browser at 1280 px: no horizontal overflow of the page, and
every table fits its column (no table needs scrolling sideways). Headless Chromium
(Debian's ``chromium``); skipped where no such browser is installed (.ci/run installs
it when it can; ``test_report.py`` checks the same layout from the CSS)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from infancy.analysis import example_run
from infancy.analysis.report import write_report

BROWSER = next(
    (b for b in ("chromium", "chromium-browser", "google-chrome") if shutil.which(b)), None
)
pytestmark = pytest.mark.skipif(BROWSER is None, reason="no headless Chromium installed")

MEASURE = """<script>
const wraps = [...document.querySelectorAll('.table-wrap')];
document.body.setAttribute('data-measured', JSON.stringify({
  page: [document.documentElement.scrollWidth, document.documentElement.clientWidth],
  viewport: window.innerWidth,
  tables: wraps.map(e => [e.scrollWidth, e.clientWidth]),
}));
</script></body>"""


def _measure(page, tmp_path, width: int) -> dict:
    import json

    probe = tmp_path / "measure.html"
    probe.write_text(page.replace("</body>", MEASURE), encoding="utf-8")
    out = subprocess.run(
        [
            BROWSER,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--window-size={width},900",
            "--dump-dom",
            probe.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    found = re.search(r"data-measured=\"([^\"]*)\"", out.stdout)
    assert found, out.stderr[-2000:]
    return json.loads(found.group(1).replace("&quot;", '"'))


def test_report_has_no_horizontal_overflow_at_1280_px(tmp_path):
    page = write_report(example_run(), tmp_path / "rep", n_boot=20).read_text()
    m = _measure(page, tmp_path, 1280)
    assert m["viewport"] == 1280
    scroll, client = m["page"]
    assert scroll <= client, f"the page scrolls sideways: {scroll} px in {client} px"
    assert len(m["tables"]) >= 4
    wide = [t for t in m["tables"] if t[0] > t[1]]
    assert wide == [], f"tables wider than their column: {wide}"


def test_the_measure_sees_an_overflow_when_there_is_one(tmp_path):
    """The check can fail: a 2000-px block makes the page scroll sideways."""
    page = write_report(example_run(), tmp_path / "rep", n_boot=20).read_text()
    wide = page.replace("</body>", '<div style="width: 2000px">wide</div></body>')
    scroll, client = _measure(wide, tmp_path, 1280)["page"]
    assert scroll > client
