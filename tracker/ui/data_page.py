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
    files = st.file_uploader("Drop CSV files here", accept_multiple_files=True, key="d_upload")
    if not files:
        return
    sources = [Source(f.name, data=f.getvalue()) for f in files]
    for source in sources:
        _preview(source, reading)
    replace = st.checkbox("Replace votes that changed", key="d_replace",
                          help="A vote already stored with different values is refused unless this is ticked; then "
                               "its stored rows are replaced by the upload's (undoing this upload brings them back).")
    check = _dry_run(sources, replace, reading)
    if isinstance(check, list) and _ask_for_mapping(sources, reading):
        return
    if isinstance(check, list):
        st.error(f"The upload cannot be imported: {len(check)} problem{'s' if len(check) != 1 else ''} found. "
                 "Nothing was changed in the database.")
        widgets.table(problems_table(check), key="d_problems")
        return
    st.text(check)
    if st.button("Import", type="primary", key="d_import"):
        bar = st.progress(0.0, text="Reading the files")

        def progress(fraction: float, message: str) -> None:
            bar.progress(min(max(fraction, 0.0), 1.0), text=message)

        try:
            report = import_files(cache.database(), sources, replace=replace, editor=editor, progress=progress,
                                  reading=reading)
        except ImportRejected as rejected:
            bar.empty()
            st.error("The upload was rejected; nothing was changed in the database.")
            widgets.table(problems_table(rejected.problems), key="d_problems_import")
            return
        if report.batch_id is not None and report.added.get("member votes"):
            bar.progress(1.0, text="Preparing the member tables")
            metrics.keep_member_vote_matrix(cache.database())
        bar.progress(1.0, text="Done")
        cache.clear_caches()
        st.session_state.pop("d_checked", None)
        st.success("Imported." if report.batch_id else "Nothing new was imported.")
        st.text(report.text())


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


def _dry_run(sources: list[Source], replace: bool, reading: ReadOptions) -> str | list[Problem]:
    """The validation report of a dry run (cached per upload, choice and database version), or the problems found."""
    key = (tuple(s.sha256() for s in sources), replace, cache.version())
    cached = st.session_state.get("d_checked")
    if cached and cached[0] == key:
        return cached[1]
    try:
        result: str | list[Problem] = import_files(cache.database(), sources, replace=replace, dry_run=True,
                                                   reading=reading).text()
    except ImportRejected as rejected:
        result = rejected.problems
    st.session_state["d_checked"] = (key, result)
    return result


# --- history and undo ---------------------------------------------------------------------------------------------

def _history(may_write: bool, editor: bool) -> None:
    st.subheader("Import history")
    batches = store.list_batches(cache.database())
    if batches.empty:
        st.info("Nothing has been imported yet.")
        return
    widgets.table(batches.drop(columns=["sha256"]), key="d_batches")
    if not may_write:
        return
    ids = batches["batch_id"].astype(int).tolist()
    left, right = st.columns([2, 1])
    with left:
        chosen = st.selectbox("Batch to undo", ids, key="d_undo_batch",
                              format_func=lambda b: f"{b}: {batches.set_index('batch_id').at[b, 'file_name']}")
    with right:
        confirm = st.checkbox("Yes, remove every row this batch added", key="d_undo_confirm")
    if st.button("Undo batch", key="d_undo", disabled=not confirm):
        try:
            message = store.undo_batch(cache.database(), int(chosen), editor=editor)
        except store.UndoRefused as refused:
            st.error(widgets.md_escape(refused))
            return
        cache.clear_caches()
        st.session_state.pop("d_checked", None)
        st.success(widgets.md_escape(message))


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
