"""The ingest package's shape: no import cycle (imports inside functions included), small modules, one front door."""

from __future__ import annotations

from tests.layout import MAX_MODULE_LINES, import_cycles, import_graph, module_files, reachable


def test_graph_sees_imports_inside_functions_and_relative_imports(tmp_path):
    package = tmp_path / "tracker"
    (package / "sub").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "sub" / "__init__.py").write_text("from . import a\n")
    (package / "sub" / "a.py").write_text("def later():\n    from tracker.sub.b import thing\n")
    (package / "sub" / "b.py").write_text("from .a import later\nthing = 1\n")
    graph = import_graph(package)
    assert graph["tracker.sub"] == {"tracker.sub.a"}
    assert graph["tracker.sub.a"] == {"tracker.sub.b"}
    assert graph["tracker.sub.b"] == {"tracker.sub.a"}
    assert import_cycles(graph) == [["tracker.sub.a", "tracker.sub.b"]]


def test_no_import_cycle_among_the_modules_ingest_reaches():
    graph = import_graph()
    ingest = [m for m in graph if m == "tracker.ingest" or m.startswith("tracker.ingest.")]
    assert len(ingest) > 10
    assert import_cycles(graph, reachable(graph, ingest)) == []


def test_ingest_modules_stay_under_400_lines():
    long = {name: n for name, path in module_files().items() if name.startswith("tracker.ingest")
            and (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert long == {}


def test_other_packages_use_only_the_ingest_front_door():
    inside = {name: targets for name, targets in import_graph().items()
              if not (name == "tracker.ingest" or name.startswith("tracker.ingest."))}
    reaching_in = {name: sorted(t for t in targets if t.startswith("tracker.ingest."))
                   for name, targets in inside.items()}
    assert {name: targets for name, targets in reaching_in.items() if targets} == {}
