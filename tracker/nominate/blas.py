"""Run numpy's OpenBLAS on one thread inside the fit (its many small products lose badly to thread hand-offs); blocks
of the fit spread over the machine's cores instead."""

from __future__ import annotations

import ctypes
import glob
import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import cache

import numpy as np


@cache
def _set_threads_local() -> ctypes._CFuncPtr | None:
    """OpenBLAS's per-calling-thread setter (0.3.27+), or None when numpy links another BLAS."""
    libs = os.path.join(os.path.dirname(os.path.dirname(np.__file__)), "numpy.libs")
    for path in glob.glob(os.path.join(libs, "*openblas*.so*")):
        try:
            setter = ctypes.CDLL(path).openblas_set_num_threads_local
        except (OSError, AttributeError):
            continue
        setter.restype, setter.argtypes = ctypes.c_int, [ctypes.c_int]
        return setter
    return None


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """One BLAS thread for the calling thread only (other threads of the app keep theirs), restored afterwards."""
    setter = _set_threads_local()
    previous = setter(1) if setter is not None else None
    try:
        yield
    finally:
        if setter is not None:
            setter(previous)


# Blocks of votes run on this many threads (numpy releases the GIL in its loops and products); more than four gains
# little on one fit and takes cores from other users of the dashboard.
WORKERS = max(1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1))


def _one_thread_each() -> None:
    setter = _set_threads_local()
    if setter is not None:
        setter(1)


@cache
def _pool() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(WORKERS, thread_name_prefix="fit", initializer=_one_thread_each)


if hasattr(os, "register_at_fork"):   # a forked child has none of the parent's threads: it starts a pool of its own
    os.register_at_fork(after_in_child=_pool.cache_clear)


def each(work: Callable[[int], object], starts: range) -> list:
    """work(start) for each start, in order, spread over WORKERS threads that each run BLAS on one thread."""
    if WORKERS == 1 or len(starts) < 2:
        return [work(start) for start in starts]
    return list(_pool().map(work, starts))
