"""A result file of run.py as Markdown tables, for docs/performance.md: `python benchmarks/report.py FILE.json`."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def _ms(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f}"


def markdown(results: dict) -> str:
    """The import lines (with its read_csv floor), the page table, the first renders and the metric table."""
    imp, gen, targets = results["import"], results["generate"], results["targets"]
    peak_target = targets["import_peak_gb"].get(results["scale"], "–")
    lines = [f"**{results['member_votes']:,} member votes** ({results['members']:,} members × {results['votes']:,} "
             f"votes, {results['parties']} parties), measured {results['when']}.", "",
             "| step | measured | target |", "| --- | --- | --- |",
             f"| generate CSV ({gen['csv_bytes'] / 1e6:,.0f} MB) | {gen['seconds']:.1f} s | – |",
             f"| import from CSV | {imp['seconds']:.0f} s = **{imp['rows_per_second']:,.0f} member votes/s** | "
             f"≥ {targets['import_rows_per_second']:,}/s |",
             f"| import peak memory | **{imp['peak_gb']:.1f} GB** | "
             + (f"≤ {peak_target} GB |" if peak_target != "–" else "– |")]
    if "floor" in imp:
        floor = imp["floor"]
        cpu = (f" (CPU {imp['cpu_seconds']:.0f} s against {floor['cpu_seconds']:.0f} s)"
               if "cpu_seconds" in imp and "cpu_seconds" in floor else "")
        lines += [f"| floor: plain DuckDB read_csv of the same member-vote files | {floor['seconds']:.0f} s = "
                  f"{floor['rows_per_second']:,.0f} member votes/s, peak {floor['peak_gb']:.1f} GB | – |",
                  f"| import / floor | **{imp['floor_ratio']:.1f}×**{cpu} | ≤ {targets.get('import_vs_floor', '–')}× |"]
    if "pages" not in results:
        return "\n".join(lines)   # an --import-only run
    lines += ["", "| page data after a filter change (all its queries) | cold process ms | first call ms "
              "| warm median ms | target warm |", "| --- | ---: | ---: | ---: | ---: |"]
    cold = results.get("cold", {})
    for name, page in results["pages"].items():
        if "error" in page:
            lines.append(f"| {name} | error: {page['error']} | | | |")
            continue
        lines.append(f"| {name} | {_ms(cold.get('pages', {}).get(name, {}).get('ms'))} | {_ms(page['first_ms'])} | "
                     f"**{_ms(page['warm_median_ms'])}** | ≤ {targets['page_warm_median_ms']} |")
    renders = cold.get("first_render", {})
    if renders:
        lines += ["", "| first render in a cold process (AppTest) | seconds | target |", "| --- | ---: | ---: |"]
        for name, render in renders.items():
            shown = f"{render['seconds']:.1f}" if not render.get("exceptions") else "error: " + \
                "; ".join(render["exceptions"])[:120]
            lines.append(f"| {name} | {shown} | ≤ {targets['first_render_cold_s']} |")
    pandas = results["pandas"]
    lines += ["", f"pandas baseline: loading all member votes took {pandas['load_seconds']:.0f} s "
              f"({pandas['frame_gb']:.1f} GB as a DataFrame; not counted below).", "",
              "| metric | ours warm median ms | pandas ms | ours is faster by | same result | target |",
              "| --- | ---: | ---: | ---: | --- | --- |"]
    for name, metric in results["metrics"].items():
        theirs = pandas["metrics"].get(name, {})
        ours = metric.get("warm_median_ms")
        ratio = f"{theirs['ms'] / ours:.1f}×" if ours and theirs.get("ms") else "–"
        equal = theirs.get("equal", theirs.get("error", ""))
        lines.append(f"| {name} | {_ms(ours)} | {_ms(theirs.get('ms'))} | **{ratio}** | {equal} | "
                     f"≥ {targets['metric_vs_pandas']}× |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))))
