"""The package's shape: no module over 400 lines, no import cycle, imports flow ui / cli -> domain -> store -> model."""

from __future__ import annotations

import re

import pytest

from tests.layout import MAX_MODULE_LINES, import_cycles, import_graph, module_files

# Each module's layer; a module may import only modules of its own layer or below (ui and cli never each other).
LAYERS = {"vocabulary": 0, "store": 1, "domain": 2, "front": 3}


def layer(module: str) -> str:
    """The layer a tracker module belongs to."""
    if module in ("tracker", "tracker.model", "tracker.config"):
        return "vocabulary"
    if module == "tracker.store" or module.startswith("tracker.store."):
        return "store"
    if module.split(".")[1] in ("ui", "cli", "__main__"):
        return "front"
    return "domain"


def test_no_module_is_over_400_lines():
    long = {name: n for name, path in module_files().items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert long == {}


def test_no_import_cycle_anywhere_counting_imports_inside_functions():
    assert import_cycles(import_graph()) == []


def test_imports_flow_from_the_pages_and_the_command_line_down_to_the_store_and_the_vocabulary():
    upward = sorted((name, target) for name, targets in import_graph().items() for target in targets
                    if LAYERS[layer(target)] > LAYERS[layer(name)])
    assert upward == []


def test_pages_and_commands_do_not_import_each_other():
    crossing = sorted((name, target) for name, targets in import_graph().items() for target in targets
                      if {name.split(".")[1], target.split(".")[1]} == {"ui", "cli"})
    assert crossing == []


def test_layers_are_what_the_architecture_says():
    assert [layer(m) for m in ("tracker.model", "tracker.store.core", "tracker.metrics.results", "tracker.ui.cache",
                               "tracker.cli.export", "tracker.charts.style")] == [
        "vocabulary", "store", "domain", "front", "front", "domain"]


@pytest.mark.parametrize(("pattern", "allowed", "what"), [
    (r"^\s*(import streamlit|from streamlit)", ("tracker.ui",), "streamlit"),
    (r"\bduckdb\.connect\(", ("tracker.store",), "a DuckDB connection"),
    (r"^\s*(import plotly|from plotly)", ("tracker.charts", "tracker.figure_export", "tracker.ui"), "plotly"),
])
def test_only_the_owner_imports_or_opens(pattern, allowed, what):
    found = sorted(name for name, path in module_files().items()
                   if re.search(pattern, path.read_text(encoding="utf-8"), re.MULTILINE)
                   and not any(name == owner or name.startswith(owner + ".") for owner in allowed))
    assert found == [], f"{what} outside {allowed}: {found}"


def test_charts_never_touch_the_database():
    graph = import_graph()
    charts = {name: sorted(t for t in targets if layer(t) == "store" or t.startswith("tracker.queries"))
              for name, targets in graph.items() if name.startswith("tracker.charts")}
    assert {name: t for name, t in charts.items() if t} == {}
