"""The HTML report of a run: valid, self-contained, naming every figure file it shows."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from typer.testing import CliRunner

from infancy.analysis.report import FIGURES, audit_summary, write_report
from infancy.cli import app
from infancy.store import RunError, RunStore

VOID = {"meta", "img", "br", "hr", "link", "input"}


class _Checker(HTMLParser):
    """Tags balance; collects images, links and text."""

    def __init__(self):
        super().__init__()
        self.stack, self.images, self.links, self.errors, self.text = [], [], [], [], []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "img":
            self.images.append(a)
        if tag == "a":
            self.links.append(a.get("href"))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def test_report_is_valid_html_that_names_every_figure_file(tiny_run, tmp_path):
    index = write_report(tiny_run, tmp_path / "rep", n_boot=50)
    page = index.read_text()
    assert page.startswith("<!DOCTYPE html>")
    checker = _Checker()
    checker.feed(page)
    checker.close()
    assert checker.errors == [] and checker.stack == []
    # self-contained: every picture embedded, nothing fetched from elsewhere
    assert len(checker.images) == len(FIGURES)
    assert all(i["src"].startswith("data:image/png;base64,") for i in checker.images)
    assert not re.search(r"(src|href)=\"https?://", page)
    for stem in FIGURES:
        for suffix in ("png", "pdf", "svg", "csv"):
            name = f"figures/{stem}.{suffix}"
            assert name in checker.links, name
            assert (index.parent / name).stat().st_size > 0
    text = " ".join(checker.text)
    for needed in (
        "Kendall tau",
        "A-not-B delay slope",
        "Diamond 1985",
        "audit summary",
        "Marchman",
        "steps per month",
        "Words the infant shows by looking (word-comprehension probe)",
        "Words System A associates (lexicon)",
    ):
        assert needed in text, needed
    # a statistic that cannot be computed says so in words, never "nan"
    assert not re.search(r"\bnan\b", text, flags=re.IGNORECASE)


def test_report_page_cannot_overflow_1280_px(tiny_run, tmp_path):
    """No headless browser here: the structure that keeps the page's scroll width at
    most 1280 px. Every table sits in a container that scrolls on its own, the page's
    width is capped below 1280 px, images shrink to fit and no rule fixes a wider width."""
    page = write_report(tiny_run, tmp_path / "rep", n_boot=20).read_text()
    style = re.search(r"<style>(.*?)</style>", page, flags=re.S).group(1)
    rules = dict(re.findall(r"([^{}]+)\{([^}]*)\}", style))
    rules = {k.strip(): v for k, v in rules.items()}
    wrap = rules[".table-wrap"]
    assert "overflow-x: auto" in wrap and "max-width: 100%" in wrap
    body = re.search(r"max-width:\s*(\d+)px", rules["body"]).group(1)
    assert int(body) <= 1280
    assert "max-width: 100%" in rules["figure img"]
    assert "overflow-x: auto" in rules["pre"]
    widths = [int(w) for w in re.findall(r"(?<![-\w])(?:min-)?width:\s*(\d+)px", style)]
    assert all(w <= 1280 for w in widths)
    # every table inside a scrolling container
    outside = re.sub(r'<div class="table-wrap">\s*<table.*?</table>\s*</div>', "", page, flags=re.S)
    assert "<table" not in outside
    assert page.count('<div class="table-wrap">') >= 4  # milestones, windows, nulls, audit


def test_report_never_clobbers_an_earlier_one(tiny_run, tmp_path):
    out = tmp_path / "rep"
    write_report(tiny_run, out, n_boot=20)
    before = (out / "index.html").read_bytes()
    with pytest.raises(RunError, match="already there"):
        write_report(tiny_run, out, n_boot=20)
    assert (out / "index.html").read_bytes() == before
    write_report(tiny_run, out, n_boot=20, force=True)


def test_audit_summary_counts_every_record(tiny_run):
    audit = RunStore.open(tiny_run).table("audit")
    summary = audit_summary(audit).set_index("stage")
    assert summary.loc["all", "records"] == len(audit)
    shares = summary[[f"share_{m}" for m in ("observe", "act", "imagine", "sleep")]]
    assert (shares.sum(axis=1).round(9) == 1).all()


def test_report_command(tiny_run, tmp_path):
    runner = CliRunner()
    ok = runner.invoke(app, ["report", str(tiny_run), "--out", str(tmp_path / "r"), "--boot", "20"])
    assert ok.exit_code == 0, ok.output
    assert (tmp_path / "r" / "index.html").is_file()
    again = runner.invoke(app, ["report", str(tiny_run), "--out", str(tmp_path / "r")])
    assert again.exit_code == 2 and "already there" in again.output
    missing = runner.invoke(app, ["report", str(tmp_path / "nope")])
    assert missing.exit_code == 2 and "not a run directory" in missing.output
    bad = runner.invoke(app, ["report", str(tiny_run), "--boot", "0"])
    assert bad.exit_code == 2 and "--boot" in bad.output


def test_report_of_the_shipped_example_run_says_what_is_missing_in_words(tmp_path):
    """The example run (no milestone reached, no start time recorded): every missing
    statistic and time is said in words."""
    from infancy.analysis import example_run

    page = write_report(example_run(), tmp_path / "rep", n_boot=20).read_text()
    checker = _Checker()
    checker.feed(page)
    text = " ".join(checker.text)
    assert "started at a time not recorded" in text and "1970" not in text
    assert not re.search(r"\bnan\b", text, flags=re.IGNORECASE)
    assert len(checker.images) == len(FIGURES)
