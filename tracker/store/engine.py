"""DuckDB's compiled engine, without the Python layer its package loads on top of it at every start."""

# `import duckdb` (2.0) loads the engine, then its Python on top: the relation and expression builders and the
# package's version read from its metadata, 120 of the 140 ms it took in an export (docs/performance.md). The store,
# the metrics and `export` only connect, run SQL with bound parameters, fetch and register arrays, all of which the
# engine itself answers; its classes and exceptions are the very ones the package re-exports. Code that uses the
# relation builders (`from_arrow`, `sql`) imports `duckdb`.
try:
    import _duckdb as duckdb
except ImportError:  # a DuckDB laid out otherwise: the package, at its full start-up cost
    import duckdb

__all__ = ["duckdb"]
