"""Reading back a chart drawn as HTML: parsed as XML, its elements by class, a position in percent."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET


def parsed(markup: str) -> ET.Element:
    """The figure element, parsed as XML (so the markup must be well formed)."""
    return ET.fromstring(markup)


def by_class(root: ET.Element, name: str) -> list[ET.Element]:
    """Every element under `root` with the class `name`."""
    return [e for e in root.iter() if name in (e.get("class") or "").split()]


def keyboard_stops(root: ET.Element) -> list[tuple[str | None, str | None]]:
    """Each element under `root` the Tab key stops at: its role and its description (aria-label)."""
    return [(e.get("role"), e.get("aria-label")) for e in root.iter() if e.get("tabindex") == "0"]


def percent(element: ET.Element, prop: str) -> float:
    """A CSS length in percent from the element's style ('left:27.5%' → 27.5)."""
    return float(re.search(prop + r":(-?[0-9.]+)%", element.get("style")).group(1))
