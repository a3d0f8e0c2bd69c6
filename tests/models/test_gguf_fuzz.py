"""Mutated GGUF headers against the header check: it refuses with ModelFileError or accepts, never
raises anything else, and never takes long.

The seeds are small valid files (strings, arrays, nested arrays, scalars of every width, floats,
tensors of several types, a vocabulary long enough to be counted rather than kept) and the first
64 KB of the bundled model (truncated there, so almost every mutant of it is refused). Mutations:
bit flips, byte overwrites, fields overwritten with interesting values (0, all ones, 2**63, the
limits and one past them...), inserted and deleted bytes, truncation, splices from other seeds.
Two tests: one mutant per Hypothesis example (readable, shrinkable failures), and batches of
mutants driven by one drawn seed (cheaper per file). Each counts the files it checked.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from tests.helpers.gguf_writer import (
    ARRAY,
    BOOL,
    FLOAT64,
    INT8,
    INT16,
    INT64,
    UINT8,
    UINT16,
    UINT32,
    UINT64,
    array,
    element,
    gguf_bytes,
    nested,
    scalar,
)
from workbench.errors import ModelFileError
from workbench.models import gguf
from workbench.models.gguf import read_header

TIME_LIMIT_S = 2.0  # per file; a valid header of this size is read in well under a millisecond
REAL_PREFIX_BYTES = 64 * 1024
SINGLE_EXAMPLES = 3_000
BATCH_EXAMPLES = 350
BATCH_SIZE = 25
assert SINGLE_EXAMPLES + BATCH_EXAMPLES * BATCH_SIZE >= 10_000

INTERESTING = sorted({
    0, 1, 2, 3, 4, 7, 8, 12, 13, 16, 24, 31, 32, 33, 63, 64, 127, 128, 255, 256, 1000, 0x7FFF, 0x8000, 0xFFFF,
    0x10000, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 2**32, 2**40, 2**40 + 1, 2**61, 2**62, 2**63 - 1, 2**63, 2**64 - 1,
    gguf.MAX_KV_COUNT, gguf.MAX_KV_COUNT + 1, gguf.MAX_TENSOR_COUNT, gguf.MAX_TENSOR_COUNT + 1,
    gguf.MAX_STRING_BYTES, gguf.MAX_STRING_BYTES + 1, gguf.MAX_ARRAY_LENGTH, gguf.MAX_ARRAY_LENGTH + 1,
    gguf.KEEP_ARRAY_LENGTH, gguf.KEEP_ARRAY_LENGTH + 1, gguf.MAX_LAYERS, gguf.MAX_LAYERS + 1,
})
WIDTHS = (1, 2, 4, 8)
SETTINGS = dict(
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)


def _small_seeds() -> list[bytes]:
    rich = [
        ("general.architecture", "llama"),
        ("general.name", "fuzz"),
        ("general.alignment", 32),
        ("llama.block_count", 2),
        ("llama.context_length", scalar(UINT64, 2048)),
        ("llama.attention.layer_norm_rms_epsilon", 1e-5),
        ("llama.rope.freq_base", scalar(FLOAT64, 10000.0)),
        ("general.file_type", scalar(UINT16, 3)),
        ("x.i8", scalar(INT8, -3)),
        ("x.u8", scalar(UINT8, 200)),
        ("x.i16", scalar(INT16, -300)),
        ("x.i64", scalar(INT64, -(2**40))),
        ("tokenizer.ggml.add_bos_token", scalar(BOOL, True)),
        ("tokenizer.ggml.tokens", ["<|im_start|>", "<|im_end|>", "a", "b"]),
        ("tokenizer.ggml.scores", [0.0, 0.5, 1.0, 1.5]),
        ("tokenizer.ggml.token_type", [1, 1, 3, 3]),
        ("x.grid", array(ARRAY, [array(UINT32, [element(1), element(2)]).body, array(UINT32, []).body])),
        ("x.nested", nested(2)),
        ("x.bytes", array(UINT8, [bytes([i]) for i in range(16)])),
    ]
    tensors = [("tok_embd", (16, 4), 0), ("blk.0.attn", (32, 2), 2), ("out", (8,), 1), ("norm", (2, 2, 2, 2), 0)]
    vocab = ["<|im_start|>" if i == 7 else f"t{i}" for i in range(1100)]  # counted, not kept; markers found in bytes
    long_vocab = [
        ("general.architecture", "llama"),
        ("tokenizer.ggml.tokens", vocab),
        ("tokenizer.ggml.token_type", list(range(1100))),
        ("tokenizer.ggml.scores", [float(i) for i in range(1100)]),
    ]
    seeds = [
        gguf_bytes(rich, tensors),
        gguf_bytes(long_vocab, [("w", (4, 4), 0)]),
        gguf_bytes({"a": 1}),
        gguf_bytes({"general.architecture": "llama", "s": "x" * 40}, [("w", (8, 4), 0), ("v", (32,), 8)], version=2),
    ]
    return seeds


@pytest.fixture(scope="module")
def seeds(model_path: Path) -> list[bytes]:
    small = _small_seeds()
    with open(model_path, "rb") as f:
        real = f.read(REAL_PREFIX_BYTES)  # cut inside the vocabulary: refused as truncated
    return [*small, real]


def test_the_seeds_are_read_as_expected(seeds: list[bytes], tmp_path: Path) -> None:
    """The small seeds are valid, and the real prefix is refused only for being cut short."""
    path = tmp_path / "seed.gguf"
    for data in seeds[:-1]:
        path.write_bytes(data)
        read_header(path)
    path.write_bytes(seeds[-1])
    with pytest.raises(ModelFileError) as caught:
        read_header(path)
    assert caught.value.key in ("gguf.truncated", "gguf.field_overrun", "gguf.strings_overrun", "gguf.array_overrun")


# --- mutations ------------------------------------------------------------------------------------


def _pack(value: int, width: int) -> bytes:
    return (value % (1 << (8 * width))).to_bytes(width, "little")


def apply(data: bytes, op: tuple, seeds: list[bytes]) -> bytes:
    """One mutation. ``op`` is (kind, where, value, width): ``where`` is a fraction of the way into
    the file (or, below 1/4, into its first 512 bytes, where the header fields are)."""
    kind, where, value, width = op
    n = len(data)
    span = min(n, 512) if where < 0.25 else n
    pos = int((where * 4 % 1.0 if where < 0.25 else where) * span) if n else 0
    pos = min(pos, n)
    if kind == "flip":
        if n == 0:
            return data
        pos = min(pos, n - 1)
        return data[:pos] + bytes([data[pos] ^ (1 << (value % 8))]) + data[pos + 1 :]
    if kind == "byte":
        return data[:pos] + bytes([value % 256]) + data[pos + 1 :]
    if kind == "field":  # a field's worth of an interesting value, aligned as GGUF fields often are
        pos -= pos % width
        return data[:pos] + _pack(value, width) + data[pos + width :]
    if kind == "insert":
        return data[:pos] + _pack(value, width) * (1 + value % 3) + data[pos:]
    if kind == "delete":
        return data[:pos] + data[pos + 1 + value % 64 :]
    if kind == "truncate":
        return data[:pos]
    if kind == "splice":  # bytes from another seed, over or into this one
        donor = seeds[value % len(seeds)]
        start = (value * 7919) % max(1, len(donor))
        chunk = donor[start : start + 1 + value % 97]
        if width >= 4:
            return data[:pos] + chunk + data[pos + len(chunk) :]
        return data[:pos] + chunk + data[pos:]
    if kind == "repeat":  # a chunk of this file again, elsewhere in it
        chunk = data[pos : pos + 8 * width]
        return data[: n // 2] + chunk + data[n // 2 :]
    raise AssertionError(kind)


KINDS = ("flip", "byte", "field", "insert", "delete", "truncate", "splice", "repeat")
_VALUES = st.one_of(st.sampled_from(INTERESTING), st.integers(0, 2**64 - 1), st.integers(-(2**63), -1))
OPS = st.tuples(st.sampled_from(KINDS), st.floats(0.0, 1.0, allow_nan=False, exclude_max=True), _VALUES, st.sampled_from(WIDTHS))


def _random_op(rng: random.Random) -> tuple:
    kind = rng.choices(KINDS, weights=(3, 2, 5, 2, 2, 1, 2, 1))[0]
    value = rng.choice(INTERESTING) if rng.random() < 0.6 else rng.getrandbits(64)
    return kind, rng.random(), value, rng.choice(WIDTHS)


class Checker:
    """Writes each mutant to one file and reads it, counting the files and the slowest read."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.checked = 0
        self.slowest = 0.0
        self.refused: Counter[str] = Counter()  # refusals by message key

    def __call__(self, data: bytes) -> None:
        self.path.write_bytes(data)
        start = time.monotonic()
        try:
            read_header(self.path)
        except ModelFileError as e:  # the one error allowed; anything else fails the test
            assert e.key.startswith("gguf."), e.key
            str(e)  # the message formats
            self.refused[e.key] += 1
        elapsed = time.monotonic() - start
        self.checked += 1
        self.slowest = max(self.slowest, elapsed)
        assert elapsed < TIME_LIMIT_S, f"read_header took {elapsed:.2f} s on a {len(data)}-byte mutant"


def test_single_mutants(seeds: list[bytes], tmp_path: Path) -> None:
    check = Checker(tmp_path / "mutant.gguf")

    @settings(max_examples=SINGLE_EXAMPLES, **SETTINGS)
    @given(which=st.integers(0, len(seeds) - 1), ops=st.lists(OPS, min_size=1, max_size=4))
    def one(which: int, ops: list[tuple]) -> None:
        data = seeds[which]
        for op in ops:
            data = apply(data, op, seeds)
        note(f"seed {which}, {len(data)} bytes, first 64: {data[:64].hex()}")
        check(data)

    one()
    assert check.checked >= SINGLE_EXAMPLES
    assert 0 < check.refused.total() < check.checked  # some mutants stay valid, most are refused
    assert len(check.refused) >= 12, check.refused  # and for many different reasons


def test_batches_of_mutants(seeds: list[bytes], tmp_path: Path) -> None:
    check = Checker(tmp_path / "mutant.gguf")

    @settings(max_examples=BATCH_EXAMPLES, **SETTINGS)
    @given(seed=st.integers(0, 2**32 - 1))
    def batch(seed: int) -> None:
        rng = random.Random(seed)
        for i in range(BATCH_SIZE):
            which = rng.randrange(len(seeds))
            data = seeds[which]
            ops = [_random_op(rng) for _ in range(rng.choice((1, 1, 1, 2, 2, 3, 5)))]
            for op in ops:
                data = apply(data, op, seeds)
            note(f"mutant {i}: seed file {which}, ops {ops}")
            check(data)

    batch()
    assert check.checked >= BATCH_EXAMPLES * BATCH_SIZE
    assert check.checked + SINGLE_EXAMPLES >= 10_000
    assert 0 < check.refused.total() < check.checked
    assert len(check.refused) >= 12, check.refused


def test_mutation_kinds_change_the_file(seeds: list[bytes]) -> None:
    data = seeds[0]
    for kind in KINDS:
        assert apply(data, (kind, 0.5, 2**63, 8), seeds) != data, kind
    assert apply(data, ("field", 0.0, 2**64 - 1, 8), seeds)[:8] == b"\xff" * 8
