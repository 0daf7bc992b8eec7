"""Run numpy's OpenBLAS on one thread inside the fit: its many small products lose badly to thread hand-offs."""

from __future__ import annotations

import ctypes
import glob
import os
from collections.abc import Iterator
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
