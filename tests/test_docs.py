"""Docs that cannot drift: every metric, setting, command and module is written down where people look for it."""

from __future__ import annotations

import argparse
import re

import pytest

from tests.layout import TRACKER_DIR, module_files
from tracker import config, metrics
from tracker.cli import build_parser

DOCS = config.PROJECT_DIR / "docs"
README = (config.PROJECT_DIR / "README.md").read_text(encoding="utf-8")
ALL_DOCS = README + "".join(p.read_text(encoding="utf-8") for p in sorted(DOCS.glob("*.md")))


def _headings(path) -> list[str]:
    return re.findall(r"^#+ (.+)$", path.read_text(encoding="utf-8"), re.MULTILINE)


def _commands() -> list[str]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return sorted(sub.choices)


def _settings() -> list[str]:
    found = set()
    for path in module_files().values():
        found |= set(re.findall(r"TRACKER_[A-Z_]+", path.read_text(encoding="utf-8")))
    return sorted(found)


def test_there_is_something_to_check():
    assert len(metrics.METRICS) >= 9 and len(_commands()) >= 8 and "TRACKER_DB" in _settings()


@pytest.mark.parametrize("metric", sorted(metrics.METRICS))
def test_every_metric_has_a_section_in_metrics_md(metric):
    names = {name.strip() for heading in _headings(DOCS / "metrics.md") for name in heading.split(",")}
    assert metric in names, f"docs/metrics.md has no '## {metric}' section"


@pytest.mark.parametrize("command", _commands())
def test_every_command_is_in_the_readme(command):
    assert f"python -m tracker {command}" in README or re.search(rf"`{command}[ `]", README), command


@pytest.mark.parametrize("setting", _settings())
def test_every_setting_is_documented(setting):
    assert setting in ALL_DOCS, f"{setting} is read by the code but not mentioned in README.md or docs/"


@pytest.mark.parametrize("module", sorted(module_files()))
def test_every_module_is_in_the_architecture_page(module):
    path = module_files()[module].relative_to(TRACKER_DIR)
    text = (DOCS / "architecture.md").read_text(encoding="utf-8")
    shown = path.parent.name + "/" if path.name == "__init__.py" else path.name
    assert shown in text, f"docs/architecture.md does not list {path}"


def test_the_readme_layout_names_every_package():
    layout = README[README.index("## Layout"):]
    packages = sorted(p.name for p in TRACKER_DIR.iterdir() if p.is_dir() and (p / "__init__.py").exists())
    assert [p for p in packages if f"{p}/" not in layout] == []


def test_every_file_the_docs_name_exists():
    named = set(re.findall(r"\b((?:tracker|tests|benchmarks)/[\w/]+\.(?:py|sql))\b", ALL_DOCS))
    assert named and sorted(p for p in named if not (config.PROJECT_DIR / p).exists()) == []
