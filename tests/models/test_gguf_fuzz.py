"""Mutated GGUF headers against the header check: whatever the bytes, it answers with our own
ModelFileError (or accepts the file), never another exception, and quickly.

Hypothesis draws the mutations (derandomized: the same cases on every run). Each example checks a
batch of mutants of one seed file, so that 10,000 files cost seconds, not minutes of hypothesis's
bookkeeping. A file is timed on its own; one that takes longer than the limit fails the test."""

from __future__ import annotations

import struct
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.helpers.gguf_writer import gguf_bytes
from workbench.errors import ModelFileError
from workbench.models.gguf import read_header

PER_FILE_S = 2.0
EXAMPLES, BATCH = 500, 20  # 10,000 mutated files
INTERESTING = [0, 1, 0x7F, 0x80, 0xFF, 0xFFFF, 0x7FFFFFFF, 0xFFFFFFFF, 2**32, 2**62, 2**63, 2**64 - 1, 24, 31, 33, 4096]

SEEDS = [
    gguf_bytes({"general.architecture": "llama", "general.name": "tiny", "llama.block_count": 2,
                "llama.attention.layer_norm_rms_epsilon": 1e-5, "tokenizer.ggml.tokens": ["a", "b", "c"],
                "tokenizer.ggml.scores": [0.0, 0.5, 1.0]}, [("w", (8, 4), 0), ("v", (16,), 0)]),
    gguf_bytes({"general.alignment": 64, "k": [1, 2, 3], "s": "x" * 40}, [("t", (4, 4, 2), 0)]),
    gguf_bytes([("a", 1), ("b", "two"), ("c", [0.25, 0.5])]),
]

_checked = {"files": 0, "refused": 0, "slowest_s": 0.0}


def _mutate(data: bytes, draw: st.DrawFn) -> bytes:
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "byte", "word", "insert", "delete", "truncate", "splice"]))
        at = draw(st.integers(0, max(0, len(out) - 1)))
        if kind == "flip" and out:
            out[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "byte" and out:
            out[at] = draw(st.integers(0, 255))
        elif kind == "word":
            width = draw(st.sampled_from([4, 8]))
            value = draw(st.sampled_from(INTERESTING)) % (1 << (8 * width))
            out[at : at + width] = struct.pack("<I" if width == 4 else "<Q", value)
        elif kind == "insert":
            out[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif kind == "delete":
            del out[at : at + draw(st.integers(1, 16))]
        elif kind == "truncate":
            del out[at:]
        elif kind == "splice":
            other = draw(st.sampled_from(SEEDS))
            start = draw(st.integers(0, len(other) - 1))
            out[at : at + 8] = other[start : start + 8]
    return bytes(out)


@st.composite
def batches(draw: st.DrawFn) -> list[bytes]:
    return [_mutate(draw(st.sampled_from(SEEDS)), draw) for _ in range(BATCH)]


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz") / "mutant.gguf"


@settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture])
@given(batch=batches())
def test_mutated_headers_give_our_error_or_pass_and_never_hang(target: Path, batch: list[bytes]) -> None:
    for data in batch:
        target.write_bytes(data)
        started = time.perf_counter()
        try:
            read_header(target)
        except ModelFileError:
            _checked["refused"] += 1
        took = time.perf_counter() - started
        _checked["slowest_s"] = max(_checked["slowest_s"], took)
        assert took < PER_FILE_S, f"{took:.1f} s for a {len(data)}-byte file"
        _checked["files"] += 1


def test_the_fuzzing_checked_ten_thousand_files_and_refused_most() -> None:
    """(Runs after the fuzz test, in file order.) The count is what hypothesis really ran."""
    print("fuzzed:", _checked)  # the figures in tests/README.md (pytest -s)
    assert _checked["files"] >= 10_000, _checked
    assert _checked["refused"] > _checked["files"] // 2, _checked  # the mutations mostly break the file


def test_a_prefix_of_the_real_model_mutated_gives_our_error(tmp_path: Path, model_path: Path) -> None:
    """The real header (49,152 tokens, 272 tensors) cut to 64 KB and damaged at fixed places."""
    head = model_path.read_bytes()[:65536]
    target = tmp_path / "real.gguf"
    for at in range(8, len(head), 997):
        for value in (0xFF, 0x00):
            data = bytearray(head)
            data[at] = value
            target.write_bytes(bytes(data))
            with pytest.raises(ModelFileError):  # cut at 64 KB, so never valid
                read_header(target)
