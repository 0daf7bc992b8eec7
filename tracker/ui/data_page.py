"""Data: upload CSV files (preview, detected format, validation, import with progress), history with undo, downloads."""

from __future__ import annotations

import functools
import io
import os
from pathlib import Path

import pandas as pd
import streamlit as st

from tracker import access, metrics, queries, store
from tracker.export import table_bytes
from tracker.ingest import (
    ImportRejected,
    ImportReport,
    Problem,
    ReadOptions,
    Source,
    import_files,
    needs_mapping,
    prepare_inputs,
    profile_dir,
    sniff,
)
from tracker.ui import cache, widgets

PREVIEW_ROWS = 10


def _secrets() -> dict:
    """st.secrets as a dict; empty when there is no secrets file."""
    try:
        return {k: st.secrets[k] for k in st.secrets}
    except Exception:  # noqa: BLE001 - Streamlit raises several kinds of error when no secrets file exists
        return {}


def _may_write(policy: access.UploadPolicy) -> bool:
    """Whether this session may import and undo; asks for the editor password when the policy needs it."""
    if policy.mode == access.OFF:
        st.info(f"Uploading is switched off ({policy.source}). The data can be browsed and downloaded.")
        return False
    if policy.mode == access.OPEN:
        return True
    if st.session_state.get("editor"):
        return True
    with st.form("editor_login"):
        attempt = st.text_input("Editor password", type="password", key="d_password")
        submitted = st.form_submit_button("Unlock uploads")
    if submitted:
        client = access.client_key(st.context.ip_address, dict(st.context.headers))
        if cache.password_attempts().check(policy, attempt, client=client):
            st.session_state["editor"] = True
            st.rerun()
        st.error("That is not the editor password.")
    st.caption("Uploading and undo are limited to editors.")
    return False


def render() -> None:
    """Draw the Data page."""
    st.title("Data")
    try:
        policy = access.upload_policy(os.environ, _secrets())
    except access.AccessSettingError as bad:
        st.error(widgets.md_escape(bad))
        policy = access.UploadPolicy(access.OFF, source="a setting that could not be read")
    may_write = _may_write(policy)
    if may_write:
        # Mapping profiles live beside this dashboard's database; every check and import of the upload uses them.
        _upload(editor=policy.mode == access.PASSWORD, reading=ReadOptions(profile_dir(Path(cache.database_path()))))
    _history(may_write, editor=policy.mode == access.PASSWORD)
    if may_write or policy.mode != access.PASSWORD:
        _downloads()  # in password mode the stored tables and the database file (audit log included) need it
    else:
        st.caption("Downloading the stored tables and the database file is limited to editors.")


# --- upload -------------------------------------------------------------------------------------------------------

def _upload(editor: bool, reading: ReadOptions) -> None:
    st.subheader("Upload vote files")
    st.caption("CSV files in one of the formats of docs/data-format.md: vote tallies, party positions, member votes, "
               "parties, assemblies. Several files are imported together as one batch.")
    _last_result("d_imported")
    for key in st.session_state.pop("d_reset", ()):
        st.session_state[key] = False
    files = st.file_uploader("Drop CSV files here", accept_multiple_files=True, key="d_upload")
    if not files:
        return
    sources = [Source(f.name, data=f.getvalue()) for f in files]
    for source in sources:
        _preview(source, reading)
    replace = st.checkbox("Replace votes that changed", key="d_replace",
                          help="A vote already stored with different values is refused unless this is ticked; then "
                               "its stored rows are replaced by the upload's (undoing this upload brings them back).")
    assembly = _assembly_choice()
    # Read before the check: the box is drawn below it, once the check has named the new parties.
    new_parties = bool(st.session_state.get("d_new_parties"))
    if store.is_busy(cache.database_path()):
        # The check runs inside a transaction that is rolled back, so it needs the write lock too: say so at once
        # instead of leaving the page waiting behind another process's import.
        st.info(f"The database is being written by {widgets.md_escape(store.holder(cache.database_path()))}. "
                "The upload is checked and can be imported when that has finished: in a moment, change any option "
                "or open this page again (the upload is kept).")
        return
    try:
        check = _dry_run(sources, replace, reading, assembly, new_parties)
    except store.LockTimeout as busy:
        st.info(widgets.md_escape(busy))
        return
    if isinstance(check, list) and _ask_for_mapping(sources, reading):
        return
    if isinstance(check, list):
        st.error(f"The upload cannot be imported: {len(check)} problem{'s' if len(check) != 1 else ''} found. "
                 "Nothing was changed in the database.")
        show_problems(check, key="d_problems")
        if any(_is_unknown_party(p) for p in check) or new_parties:
            _new_parties_box()
        return
    st.text(check.text())
    if check.new_parties:
        _new_parties_box()
    if check.already_imported is not None or check.nothing_added:
        st.info("There is nothing to import from this upload.")
        return
    if st.button("Import", type="primary", key="d_import"):
        _import(sources, replace, editor, reading, assembly, new_parties)


def _import(sources: list[Source], replace: bool, editor: bool, reading: ReadOptions, assembly: str | None,
            new_parties: bool) -> None:
    """Import the upload, then start the page again so every page, list and the navigation show the new state."""
    bar = st.progress(0.0, text="Reading the files")

    def progress(fraction: float, message: str) -> None:
        bar.progress(min(max(fraction, 0.0), 1.0), text=message)

    try:
        report = import_files(cache.database(), sources, replace=replace, editor=editor, progress=progress,
                              reading=reading, assembly=assembly, new_parties=new_parties)
    except ImportRejected as rejected:
        bar.empty()
        st.error("The upload was rejected; nothing was changed in the database.")
        show_problems(rejected.problems, key="d_problems_import")
        return
    except store.LockTimeout as busy:  # another process's import or undo held the database too long
        bar.empty()
        st.error(f"Nothing was imported: {widgets.md_escape(busy)}")
        return
    if report.batch_id is not None and report.added.get("member votes"):
        # The Members page then opens on the kept member vote matrix and map instead of building them.
        metrics.keep_member_matrix_and_map(cache.database(), progress=lambda step: bar.progress(1.0, text=step))
    bar.progress(1.0, text="Done")
    _changed("d_imported", "Imported." if report.batch_id else "Nothing new was imported.", report.text(),
             reset=("d_new_parties",))


def _changed(slot: str, message: str, detail: str = "", reset: tuple[str, ...] = ()) -> None:
    """After an import or undo: forget caches and answers given for the old state, keep the message, run again.

    `message` is markdown (escape text from uploads); `detail` is shown as plain text.
    """
    cache.clear_caches()
    st.session_state.pop("d_checked", None)
    st.session_state[slot] = (message, detail)
    st.session_state["d_reset"] = reset   # boxes to untick before they are drawn again
    st.rerun()


def _last_result(slot: str) -> None:
    """The message of the import or undo that just ran (shown once, after the page started again)."""
    done = st.session_state.pop(slot, None)
    if done:
        st.success(done[0])
        if done[1]:
            st.text(done[1])


def _assembly_choice() -> str | None:
    """With several assemblies stored: which one gets the upload's votes that name none (None: ask)."""
    frame = cache.read("assemblies")
    if len(frame) < 2:
        return None
    names = dict(zip(frame["assembly"].astype(str), frame["name"].astype(str), strict=True))
    return st.selectbox("Assembly of votes that name none", list(names), index=None, key="d_assembly",
                        format_func=lambda a: a if names[a] == a else f"{a}: {names[a]}",
                        placeholder="Choose an assembly (needed when a file has no assembly column)",
                        help="Several assemblies are stored: a vote without an assembly column goes to the one "
                             "chosen here (a vote naming its assembly keeps it).")


def _is_unknown_party(problem: Problem) -> bool:
    return problem.column == "party" and "is not in the database" in problem.message


def _new_parties_box() -> None:
    st.checkbox("Add the new parties: the labels listed are really new parties, not misspellings",
                key="d_new_parties", help="Without this, labels the database does not know are refused, each with "
                "the closest stored parties suggested. On the command line: --new-parties.")


def _ask_for_mapping(sources: list[Source], reading: ReadOptions) -> bool:
    """For files in a shape nothing recognises, the form that saves a mapping profile; True when it is shown."""
    from tracker.ui.mapping import mapping_form

    unmapped = needs_mapping(sources, reading)
    if not unmapped:
        return False
    st.warning("The importer does not recognise the shape of " + widgets.md_escape(
        ", ".join(u.source.name for u in unmapped)) + ". Describe its columns once; files with the same header "
        "are then read the same way.")
    # mapping_form saves into <its folder>/mappings, i.e. profile_dir() of the database.
    profile = mapping_form(unmapped, profile_dir(Path(cache.database_path())).parent)
    if profile is not None:
        st.session_state.pop("d_checked", None)
        st.success(f"Saved the mapping '{widgets.md_escape(profile.name)}'. Check the upload again below.")
        st.rerun()
    return True


def problems_table(problems: list[Problem]) -> pd.DataFrame:
    """Problems as rows: file, row, column, what is wrong and the fix."""
    return pd.DataFrame([{"file": p.file, "row": p.row, "column": p.column, "problem": p.message, "fix": p.fix}
                         for p in problems], columns=["file", "row", "column", "problem", "fix"]).astype(
        {"row": "Int64"})


PROBLEMS_LISTED = 50


def show_problems(problems: list[Problem], key: str) -> None:
    """Every problem as a list item whose text wraps (readable at any width), then all of them as a table."""
    lines = []
    for p in problems[:PROBLEMS_LISTED]:
        where = p.file + (f", row {p.row}" if p.row is not None else "") + (f", column '{p.column}'" if p.column
                                                                             else "")
        fix = f" **Fix:** {widgets.md_escape(p.fix)}" if p.fix else ""
        lines.append(f"- **{widgets.md_escape(where)}**: {widgets.md_escape(p.message)}{fix}")
    if len(problems) > PROBLEMS_LISTED:
        lines.append(f"- ... and {len(problems) - PROBLEMS_LISTED} more, in the table below.")
    st.markdown("\n".join(lines))
    with st.expander("The problems as a table (to sort or download)"):
        widgets.table(problems_table(problems), key=key)


def _preview(source: Source, reading: ReadOptions) -> None:
    with st.expander(f"{widgets.md_escape(source.name)}: first rows", expanded=True):
        try:
            layout = sniff(source)
            frame = pd.read_csv(io.BytesIO(source.data or b""), encoding=layout.encoding, sep=layout.delimiter,
                                nrows=PREVIEW_ROWS, dtype=str, keep_default_na=False)
        except ImportRejected as rejected:
            st.text("\n".join(str(p) for p in rejected.problems))
            return
        except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as bad:
            st.text(f"The first rows could not be shown: {bad}")
            return
        problems: list[Problem] = []
        inputs = prepare_inputs([source], problems, reading)
        kinds = ", ".join(i.label or i.fmt.kind for i in inputs) or "not recognised"
        st.text(f"Detected format: {kinds} · {layout.encoding.replace('-sig', '')}, "
                f"{ {',': 'comma', ';': 'semicolon', chr(9): 'tab'}.get(layout.delimiter, layout.delimiter)}"
                "-separated")
        widgets.table(frame, key=f"d_preview_{source.sha256()[:12]}")


def _dry_run(sources: list[Source], replace: bool, reading: ReadOptions, assembly: str | None,
             new_parties: bool) -> ImportReport | list[Problem]:
    """The report of a dry run (cached per upload, choices and database version), or the problems found."""
    key = (tuple(s.sha256() for s in sources), replace, assembly, new_parties, cache.version())
    cached = st.session_state.get("d_checked")
    if cached and cached[0] == key:
        return cached[1]
    try:
        result: ImportReport | list[Problem] = import_files(
            cache.database(), sources, replace=replace, dry_run=True, reading=reading, assembly=assembly,
            new_parties=new_parties)
    except ImportRejected as rejected:
        result = rejected.problems
    st.session_state["d_checked"] = (key, result)
    return result


# --- history and undo ---------------------------------------------------------------------------------------------

def _history(may_write: bool, editor: bool) -> None:
    st.subheader("Import history")
    _last_result("d_undone")
    batches = store.list_batches(cache.database())
    if batches.empty:
        st.info("Nothing has been imported yet.")
        return
    widgets.table(batches.drop(columns=["sha256"]), key="d_batches")
    if not may_write:
        return
    ids = batches["batch_id"].astype(int).tolist()   # newest first: the box starts on the latest batch
    files = dict(zip(ids, batches["file_name"].astype(str), strict=True))
    if st.session_state.get("d_undo_seen") != cache.version():
        # The batches changed (here, or by another editor): start again from the newest, unconfirmed. Set, not
        # deleted: a value set before the widget is drawn is also what the browser shows.
        st.session_state["d_undo_batch"] = ids[0]
        st.session_state["d_undo_confirm"] = False
        st.session_state["d_undo_seen"] = cache.version()
    left, right = st.columns([2, 1])
    with left:
        chosen = st.selectbox("Batch to undo", ids, key="d_undo_batch", format_func=lambda b: f"{b}: {files[b]}")
    with right:
        confirm = st.checkbox("Yes, remove every row this batch added", key="d_undo_confirm")
    # Acts only on a batch still listed and confirmed in this run: after an undo both are reset, so a second
    # click (or a click that arrives late) undoes nothing more.
    if st.button("Undo batch", key="d_undo", disabled=not confirm) and confirm and chosen in ids:
        try:
            message = store.undo_batch(cache.database(), int(chosen), editor=editor)
        except (store.UndoRefused, store.LockTimeout) as refused:
            st.error(widgets.md_escape(refused))
            return
        _changed("d_undone", widgets.md_escape(message))


# --- downloads ----------------------------------------------------------------------------------------------------

def _table_download(table: str, file_format: str) -> bytes:
    return table_bytes(queries.stored_table(cache.database(), table), file_format)


def _downloads() -> None:
    st.subheader("Download the data")
    counts = store.table_counts(cache.database())
    left, middle, right = st.columns([2, 1, 2])
    with left:
        table = st.selectbox("Table", queries.STORED_TABLES, key="d_table",
                             format_func=lambda t: f"{t} ({counts[t]:,} rows)" if t in counts else t)
    with middle:
        file_format = st.radio("Format", ("csv", "parquet"), key="d_format", horizontal=True)
    with right:
        st.download_button(f"Download {table}.{file_format}", key="d_table_download", on_click="ignore",
                           data=functools.partial(_table_download, table, file_format),
                           file_name=f"{table}.{file_format}",
                           mime="text/csv" if file_format == "csv" else "application/vnd.apache.parquet")
        st.download_button("Download the whole database (DuckDB file)", key="d_database_download",
                           on_click="ignore", data=functools.partial(queries.database_snapshot, cache.database()),
                           file_name="tracker.duckdb", mime="application/octet-stream")
