"""Problems found in uploaded files, each naming the file, row, column and the fix."""

from __future__ import annotations

from dataclasses import dataclass

MAX_PROBLEMS_SHOWN = 50


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an upload; row is the spreadsheet row (the header is row 1)."""

    file: str
    message: str
    fix: str = ""
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column:
            where += f", column '{self.column}'"
        text = f"{where}: {self.message}"
        return f"{text} Fix: {self.fix}" if self.fix else text


class ImportRejected(Exception):
    """The upload was refused; nothing was written. Carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(describe_problems(problems))


def describe_problems(problems: list[Problem]) -> str:
    """The problems as lines of text, capped so that a broken million-row file stays readable."""
    lines = [f"The upload was rejected ({len(problems)} problem{'s' if len(problems) != 1 else ''}); "
             "nothing was changed in the database."]
    lines += [f"- {p}" for p in problems[:MAX_PROBLEMS_SHOWN]]
    if len(problems) > MAX_PROBLEMS_SHOWN:
        lines.append(f"- ... and {len(problems) - MAX_PROBLEMS_SHOWN} more problems of the same kinds.")
    return "\n".join(lines)


def rows_text(rows: list[int], limit: int = 5) -> str:
    """'rows 3, 7 and 9' (capped), for messages about several rows."""
    shown = [str(r) for r in rows[:limit]]
    more = f" and {len(rows) - limit} more" if len(rows) > limit else ""
    if len(shown) == 1 and not more:
        return f"row {shown[0]}"
    if more:
        return "rows " + ", ".join(shown) + more
    return "rows " + ", ".join(shown[:-1]) + " and " + shown[-1]
