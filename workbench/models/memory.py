"""How much memory a model will need at a given context, and how much the machine has free.

An estimate, not a promise: weights (the tensor data in the file) plus the KV cache in f16 plus
llama.cpp's compute and output buffers. Good to within some tens of percent, which is enough to
warn before a load that cannot fit.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass

from workbench.models.info import ModelInfo

KV_BYTES_PER_VALUE = 2  # f16 cache, llama.cpp's default
COMPUTE_OVERHEAD_BYTES = 64 * 2**20


@dataclass(frozen=True)
class MemoryEstimate:
    weights_bytes: int
    kv_bytes: int
    overhead_bytes: int
    gpu_bytes: int  # the part that lives in VRAM with the chosen offload
    cpu_bytes: int  # the part that lives in RAM

    @property
    def total_bytes(self) -> int:
        return self.weights_bytes + self.kv_bytes + self.overhead_bytes


def kv_cache_bytes(info: ModelInfo, n_ctx: int) -> int:
    """Keys and values for every layer and position (0 when the header lacks the shapes)."""
    if not (info.n_layer and info.n_embd and info.n_head):
        return 0
    head_dim = info.n_embd // info.n_head
    n_kv = info.n_head_kv or info.n_head
    k = (info.key_length or head_dim) * n_kv
    v = (info.value_length or head_dim) * n_kv
    return info.n_layer * n_ctx * (k + v) * KV_BYTES_PER_VALUE


def estimate(info: ModelInfo, n_ctx: int, n_gpu_layers: int = 0, n_batch: int = 512) -> MemoryEstimate:
    weights = info.size_bytes
    kv = kv_cache_bytes(info, n_ctx)
    overhead = COMPUTE_OVERHEAD_BYTES + (info.vocab_size or 0) * n_batch * 4 // 8
    layers = (info.n_layer or 0) + 1  # the output layer counts as one more
    share = min(max(n_gpu_layers, 0), layers) / layers if layers else 0.0
    gpu = int((weights + kv) * share)
    return MemoryEstimate(weights, kv, overhead, gpu, weights + kv + overhead - gpu)


def free_ram_bytes() -> int | None:
    """Memory available to a new process (Linux MemAvailable; else physical pages free)."""
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        return None


def free_vram_bytes() -> int | None:
    """Free memory of the first NVIDIA GPU, from nvidia-smi when it is installed; else None."""
    exe = shutil.which("nvidia-smi")
    if not exe:
        return None
    try:
        out = subprocess.run(
            [exe, "--query-gpu=memory.free", "--format=csv,noheader,nounits"],
            capture_output=True, text=True, timeout=3, check=True,
        ).stdout
        return int(out.split()[0]) * 2**20
    except (OSError, subprocess.SubprocessError, ValueError, IndexError):
        return None
