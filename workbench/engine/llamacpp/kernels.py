"""ggml's vectorised ``sum(exp(x - max))``, found in the CPU backend llama.cpp has loaded.

Log-probabilities need this sum over the whole vocabulary after every generated token; numpy's
three passes cost about 4 % of generation speed on a small machine, ggml's one pass a third of
that. Builds that name or split that library differently fall back to numpy (``exp_sum`` None).
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable

import numpy as np

import llama_cpp

ExpSum = Callable[[np.ndarray, float, np.ndarray], float]


def _find_exp_sum() -> tuple[ExpSum | None, int]:
    """ggml's ``ggml_vec_soft_max_f32`` (it also writes the exponentials) wrapped for numpy rows,
    and its address for the ``_capture`` C extension; or (None, 0)."""
    from llama_cpp._ctypes_extensions import load_shared_library

    base = getattr(llama_cpp.llama_cpp, "_base_path", None)
    try:
        kernel = load_shared_library("ggml-cpu", base).ggml_vec_soft_max_f32
    except (OSError, RuntimeError, AttributeError, TypeError):
        return None, 0
    kernel.restype = ctypes.c_double
    kernel.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_float]

    def exp_sum(row: np.ndarray, peak: float, out: np.ndarray) -> float:
        if not (row.dtype == out.dtype == np.float32 and row.flags.c_contiguous and out.flags.c_contiguous):
            raise ValueError("exp_sum needs contiguous float32 arrays")
        if out.shape[0] < row.shape[0]:
            raise ValueError("exp_sum needs an output as long as the row")
        return float(kernel(row.shape[0], out.ctypes.data, row.ctypes.data, peak))

    return exp_sum, int(ctypes.cast(kernel, ctypes.c_void_p).value or 0)


exp_sum, exp_sum_address = _find_exp_sum()
