"""A corpus of malformed GGUF files, each refused by the header check with its own reason.

Every case starts from a small valid file (the bases, which ``test_the_bases_are_valid`` reads
without error) and breaks one thing; the test asserts the error's key and a fragment of its message
that names the value at fault, so that a file refused for some incidental reason fails the case.
What test_gguf.py already covers (text that is not GGUF, a 0-byte file, version 7, 2**40 entries,
2**50 tensors, 5000 entries, a 2**62-byte key, an array one past the limit, no tensor data, a cut
real model, a cut long vocabulary, a repeated general.name) is not repeated here.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers.gguf_writer import ARRAY, FLOAT32, STRING, UINT32, UINT64, Typed, array, element, gguf_bytes, nested, scalar
from workbench.errors import ModelFileError
from workbench.models.gguf import (
    KEEP_ARRAY_LENGTH,
    MAX_ARRAY_DEPTH,
    MAX_ARRAY_LENGTH,
    MAX_DIMS,
    MAX_KV_COUNT,
    MAX_STRING_BYTES,
    MAX_TENSOR_COUNT,
    read_header,
)

U64_MAX = 2**64 - 1
U32_MAX = 2**32 - 1

META: list[tuple[str, object]] = [
    ("general.architecture", "llama"),
    ("general.description", "A small model for tests. " * 4),  # enough bytes that cut files pass the count check
    ("general.name", "tiny"),
    ("llama.block_count", 2),
    ("tokenizer.ggml.tokens", ["a", "b", "c"]),
]
TENSORS = [("wa", (8, 4), 0), ("wb", (8, 4), 0)]  # F32, 128 bytes each
LONG_NAME = "tensor_with_a_long_name"  # 23 bytes


def base(meta: list[tuple[str, object]] | None = None, tensors: list | None = None, **kwargs: object) -> bytes:
    """The valid base file, or one with other metadata or tensors (gguf_bytes' keywords pass on)."""
    return gguf_bytes(META if meta is None else meta, TENSORS if tensors is None else tensors, **kwargs)  # type: ignore[arg-type]


def with_meta(*extra: tuple[str, object], tensors: list | None = None) -> bytes:
    """The base file with more metadata entries after its own."""
    return base([*META, *extra], tensors)


def at(data: bytes, marker: bytes) -> int:
    """Where the (unique) ``marker`` starts."""
    assert data.count(marker) == 1, marker
    return data.index(marker)


def cut_at(data: bytes, marker: bytes, delta: int) -> bytes:
    """``data`` cut ``delta`` bytes after the start of the (unique) ``marker``."""
    return data[: at(data, marker) + delta]


def tensor_at(data: bytes, name: str) -> int:
    """Where the record of tensor ``name`` starts: its name's length field."""
    raw = name.encode()
    return at(data, struct.pack("<Q", len(raw)) + raw)


def cut_tensor(name: str, delta: int, tensors: list | None = None, **kwargs: object) -> Callable[[], bytes]:
    """The base file cut ``delta`` bytes into the record of tensor ``name``."""

    def make() -> bytes:
        data = base(tensors=tensors, **kwargs)
        return data[: tensor_at(data, name) + delta]

    return make


def patch_tensor(name: str, delta: int, new: bytes, tensors: list) -> Callable[[], bytes]:
    """The base file with ``new`` written over the bytes ``delta`` bytes into tensor ``name``'s record."""

    def make() -> bytes:
        data = base(tensors=tensors)
        pos = tensor_at(data, name) + delta
        return data[:pos] + new + data[pos + len(new) :]

    return make


def magic(new: bytes) -> Callable[[], bytes]:
    return lambda: new + base()[4:]


def version(v: int) -> Callable[[], bytes]:
    return lambda: base(version=v)


def claims(etype: int, length: int, body: bytes = b"") -> Typed:
    """An array of element type ``etype`` that claims ``length`` elements and holds ``body``."""
    return array(etype, body, length)


def grid() -> Typed:
    """An array of 3 arrays of 10 uint32 (0..29): the nesting GGUF allows."""
    return array(ARRAY, [array(UINT32, [element(i) for i in range(row * 10, row * 10 + 10)]).body for row in range(3)])


# Record layout of a tensor named "wa"/"wb" with 2 dimensions: name length (8), name (2),
# n_dims (4), dims (16), type (4), offset (8).
_DIMS, _TYPE, _OFFSET = 8 + 2 + 4, 8 + 2 + 4 + 16, 8 + 2 + 4 + 16 + 4

CASES = [
    # Magic: the rest of the file is valid.
    pytest.param(magic(b"GGUf"), "gguf.not_gguf", "does not start with 'GGUF'", id="magic-one-bit-off"),
    pytest.param(magic(b"FUGG"), "gguf.not_gguf", "does not start with 'GGUF'", id="magic-reversed"),
    pytest.param(magic(b"\0\0\0\0"), "gguf.not_gguf", "does not start with 'GGUF'", id="magic-zeros"),
    pytest.param(magic(b"ggjt"), "gguf.not_gguf", "does not start with 'GGUF'", id="magic-old-ggjt"),
    # Versions.
    pytest.param(version(0), "gguf.version", "GGUF version 0;", id="version-0"),
    pytest.param(version(1), "gguf.version", "GGUF version 1;", id="version-1"),
    pytest.param(version(99), "gguf.version", "GGUF version 99;", id="version-99"),
    pytest.param(version(U32_MAX), "gguf.version", f"GGUF version {U32_MAX};", id="version-u32-max"),
    pytest.param(version(3 << 24), "gguf.big_endian", "big-endian GGUF", id="version-3-big-endian"),
    # Too short for the fixed 24-byte header (magic, version, tensor count, key count).
    pytest.param(lambda: base()[:23], "gguf.too_short", "only 23 bytes", id="size-23-bytes"),
    pytest.param(lambda: b"GGUF", "gguf.too_short", "only 4 bytes", id="size-magic-only"),
    pytest.param(lambda: base()[:12], "gguf.too_short", "only 12 bytes", id="truncated-in-fixed-header"),
    # Truncated in the metadata.
    pytest.param(lambda: cut_at(base(), b"general.name", -4), "gguf.truncated", "is truncated", id="truncated-in-key-length"),
    pytest.param(lambda: cut_at(base(), b"general.name", 5), "gguf.field_overrun", "claims 12 bytes but only 5 remain",
                 id="truncated-in-key"),
    pytest.param(lambda: cut_at(base(), b"general.name", 12 + 2), "gguf.truncated", "is truncated", id="truncated-in-value-type"),
    pytest.param(lambda: cut_at(base(), b"llama.block_count", 17 + 4 + 2), "gguf.truncated", "is truncated",
                 id="truncated-in-uint32-value"),
    pytest.param(lambda: cut_at(base(), b"tiny", 2), "gguf.field_overrun", "claims 4 bytes but only 2 remain",
                 id="truncated-in-string-value"),
    pytest.param(lambda: cut_at(with_meta(("ids", list(range(100)))), b"ids", 3 + 4 + 12 + 4 * 50), "gguf.array_overrun",
                 "an array of 100 elements runs past", id="truncated-mid-uint32-array"),
    pytest.param(lambda: cut_at(with_meta(("words", [f"token_{i:02}" for i in range(50)])), b"token_25", 3),
                 "gguf.field_overrun", "claims 8 bytes but only 3 remain", id="truncated-mid-string-array"),
    pytest.param(lambda: cut_at(with_meta(("grid", grid())), struct.pack("<I", 15), 0),  # half-way through the second row
                 "gguf.array_overrun", "an array of 10 elements runs past", id="truncated-mid-nested-array"),
    # Truncated in the tensor table and in the tensor data.
    pytest.param(cut_tensor("wb", 0), "gguf.truncated", "is truncated", id="truncated-before-second-tensor"),
    pytest.param(cut_tensor("wb", 4), "gguf.truncated", "is truncated", id="truncated-in-tensor-name-length"),
    pytest.param(cut_tensor(LONG_NAME, 8 + 11, [(LONG_NAME, (8,), 0)]), "gguf.field_overrun",
                 "claims 23 bytes but only 11 remain", id="truncated-in-tensor-name"),
    pytest.param(cut_tensor("wa", _DIMS + 3), "gguf.truncated", "is truncated", id="truncated-in-tensor-dims"),
    pytest.param(cut_tensor("wb", _TYPE + 2), "gguf.truncated", "is truncated", id="truncated-in-tensor-type"),
    pytest.param(cut_tensor("wb", _OFFSET + 5), "gguf.truncated", "is truncated", id="truncated-in-tensor-offset"),
    pytest.param(lambda: base()[:-10], "gguf.tensor_truncated", "tensor 'wb' needs bytes up to", id="truncated-in-tensor-data"),
    # Counts.
    pytest.param(lambda: base(n_kv=MAX_KV_COUNT + 1), "gguf.many_entries", f"{MAX_KV_COUNT + 1} metadata entries",
                 id="kv-count-limit-plus-one"),
    pytest.param(lambda: base(n_kv=U64_MAX), "gguf.many_entries", f"{U64_MAX} metadata entries", id="kv-count-u64-max"),
    pytest.param(lambda: base(n_kv=MAX_KV_COUNT), "gguf.counts_too_big", f"{MAX_KV_COUNT} metadata entries and 2 tensors",
                 id="kv-count-at-limit-exceeds-file"),
    pytest.param(lambda: base(n_tensors=MAX_TENSOR_COUNT + 1), "gguf.many_tensors", f"{MAX_TENSOR_COUNT + 1} tensors",
                 id="tensor-count-limit-plus-one"),
    pytest.param(lambda: base(n_tensors=U64_MAX), "gguf.many_tensors", f"{U64_MAX} tensors", id="tensor-count-u64-max"),
    pytest.param(lambda: base(n_tensors=1000), "gguf.counts_too_big", "and 1000 tensors, more than fit",
                 id="tensor-count-exceeds-file"),
    pytest.param(lambda: base(tensors=[], n_kv=len(META) + 1), "gguf.truncated", "is truncated", id="kv-count-one-too-many"),
    pytest.param(cut_tensor("wb", _OFFSET + 8, n_tensors=3, data=False), "gguf.truncated", "is truncated",
                 id="tensor-count-one-too-many"),
    # Huge string and array lengths.
    pytest.param(lambda: with_meta(("s", Typed(STRING, struct.pack("<Q", U64_MAX) + b"abc"))), "gguf.long_string",
                 f"a string claims {U64_MAX} bytes", id="string-length-u64-max"),
    pytest.param(lambda: with_meta(("s", Typed(STRING, struct.pack("<Q", MAX_STRING_BYTES + 1) + b"abc"))),
                 "gguf.long_string", f"a string claims {MAX_STRING_BYTES + 1} bytes", id="string-length-limit-plus-one"),
    pytest.param(lambda: with_meta(("s", Typed(STRING, struct.pack("<Q", MAX_STRING_BYTES) + b"abc"))),
                 "gguf.field_overrun", f"a field claims {MAX_STRING_BYTES} bytes", id="string-length-at-limit-past-end"),
    pytest.param(patch_tensor("w", 0, struct.pack("<Q", 2**63), [("w", (8,), 0)]), "gguf.long_string",
                 f"a string claims {2**63} bytes", id="tensor-name-length-2**63"),
    pytest.param(lambda: with_meta(("arr", claims(UINT32, U64_MAX))), "gguf.long_array", f"claims {U64_MAX} elements",
                 id="array-length-u64-max"),
    pytest.param(lambda: with_meta(("arr", claims(UINT64, 2**61))), "gguf.long_array", f"claims {2**61} elements",
                 id="array-length-times-width-wraps-u64"),
    pytest.param(lambda: with_meta(("arr", claims(UINT32, MAX_ARRAY_LENGTH, bytes(64)))), "gguf.array_overrun",
                 f"an array of {MAX_ARRAY_LENGTH} elements runs past", id="array-length-at-limit-past-end"),
    pytest.param(lambda: with_meta(("arr", claims(STRING, 100_000))), "gguf.strings_overrun",
                 "an array of 100000 strings runs past", id="string-array-length-past-end"),
    # Nesting and value types.
    pytest.param(lambda: with_meta(("deep", nested(MAX_ARRAY_DEPTH + 1))), "gguf.deep_array",
                 f"arrays nested deeper than {MAX_ARRAY_DEPTH}", id="arrays-nested-one-too-deep"),
    pytest.param(lambda: with_meta(("rows", array(ARRAY, [array(UINT32, []).body] * (KEEP_ARRAY_LENGTH + 1)))), "gguf.long_array",
                 f"claims {KEEP_ARRAY_LENGTH + 1} elements (limit {KEEP_ARRAY_LENGTH})", id="array-of-arrays-too-long"),
    pytest.param(lambda: with_meta(("deep", nested(200))), "gguf.deep_array", f"arrays nested deeper than {MAX_ARRAY_DEPTH}",
                 id="arrays-nested-200-deep"),
    pytest.param(lambda: with_meta(("v", Typed(13, bytes(8)))), "gguf.value_type", "unknown metadata value type 13",
                 id="value-type-13"),
    pytest.param(lambda: with_meta(("v", Typed(U32_MAX, bytes(8)))), "gguf.value_type", f"unknown metadata value type {U32_MAX}",
                 id="value-type-u32-max"),
    pytest.param(lambda: with_meta(("v", claims(13, 1, bytes(8)))), "gguf.array_type", "unknown array element type 13",
                 id="array-element-type-13"),
    pytest.param(lambda: with_meta(("v", array(ARRAY, [claims(200, 1, bytes(8)).body]))), "gguf.array_type",
                 "unknown array element type 200", id="nested-array-element-type-200"),
    # Tensor offsets and alignment.
    pytest.param(lambda: base(tensors=[("wa", (8, 4), 0), ("wb", (8, 4), 0, 2**63)]), "gguf.tensor_truncated",
                 "tensor 'wb' needs bytes up to", id="tensor-offset-2**63"),
    pytest.param(lambda: base(tensors=[("wa", (8, 4), 0), ("wb", (8, 4), 0, 2**64 - 32)]), "gguf.tensor_truncated",
                 "tensor 'wb' needs bytes up to", id="tensor-offset-near-u64-max"),
    pytest.param(lambda: base(tensors=[("wa", (8, 4), 0), ("wb", (8, 4), 0, 256)]), "gguf.tensor_truncated",
                 "tensor 'wb' needs bytes up to", id="tensor-offset-just-past-end"),
    pytest.param(lambda: base(tensors=[("w", (1 << 20, 1 << 20), 0)], data=False), "gguf.tensor_truncated",
                 "tensor 'w' needs bytes up to", id="tensor-size-past-end"),
    pytest.param(lambda: base(tensors=[("wa", (8, 4), 0), ("wb", (8, 4), 0, 132)]), "gguf.misaligned",
                 "tensor 'wb' is not aligned to 32 bytes", id="tensor-offset-misaligned"),
    pytest.param(lambda: with_meta(("general.alignment", 64), tensors=[("wa", (8, 4), 0), ("wb", (8, 4), 0, 160)]),
                 "gguf.misaligned", "tensor 'wb' is not aligned to 64 bytes", id="tensor-offset-misaligned-to-general-alignment"),
    pytest.param(lambda: with_meta(("general.alignment", 24)), "gguf.alignment", "general.alignment is 24,", id="alignment-24"),
    pytest.param(lambda: with_meta(("general.alignment", 0)), "gguf.alignment", "general.alignment is 0,", id="alignment-0"),
    pytest.param(lambda: with_meta(("general.alignment", 3)), "gguf.alignment", "general.alignment is 3,", id="alignment-3"),
    pytest.param(lambda: with_meta(("general.alignment", 1 << 21)), "gguf.alignment", f"general.alignment is {1 << 21},",
                 id="alignment-2**21-too-big"),
    pytest.param(lambda: with_meta(("general.alignment", "32")), "gguf.alignment", "general.alignment is '32',",
                 id="alignment-a-string"),
    pytest.param(lambda: with_meta(("general.alignment", 32.0)), "gguf.alignment", "general.alignment is 32.0,",
                 id="alignment-a-float"),
    # Duplicate keys.
    pytest.param(lambda: with_meta(("general.alignment", 32), ("general.alignment", 64)), "gguf.duplicate_key",
                 "'general.alignment' appears twice", id="duplicate-alignment"),
    pytest.param(lambda: with_meta(("x", 1), ("x", "one")), "gguf.duplicate_key", "'x' appears twice",
                 id="duplicate-key-of-another-type"),
    pytest.param(lambda: with_meta(("tokenizer.ggml.tokens", ["d"])), "gguf.duplicate_key",
                 "'tokenizer.ggml.tokens' appears twice", id="duplicate-vocabulary"),
    # Tensor dimensions and types.
    pytest.param(lambda: base(tensors=[("w", (), 0)]), "gguf.dimensions", "tensor 'w' has 0 dimensions", id="tensor-0-dims"),
    pytest.param(lambda: base(tensors=[("w", (1,) * (MAX_DIMS + 1), 0)]), "gguf.dimensions",
                 f"tensor 'w' has {MAX_DIMS + 1} dimensions", id="tensor-too-many-dims"),
    pytest.param(patch_tensor("w", 8 + 1, struct.pack("<I", U32_MAX), [("w", (8,), 0)]), "gguf.dimensions",
                 f"tensor 'w' has {U32_MAX} dimensions", id="tensor-u32-max-dims"),
    pytest.param(lambda: base(tensors=[("w", (8, 0), 0)]), "gguf.shape", "tensor 'w' has an implausible shape (8, 0)",
                 id="tensor-zero-dimension"),
    pytest.param(lambda: base(tensors=[("w", ((1 << 40) + 1,), 0)], data=False), "gguf.shape",
                 f"implausible shape ({(1 << 40) + 1},)", id="tensor-dimension-2**40+1"),
    pytest.param(lambda: base(tensors=[("w", (8, U64_MAX), 0)], data=False), "gguf.shape", f"implausible shape (8, {U64_MAX})",
                 id="tensor-dimension-u64-max"),
    pytest.param(lambda: base(tensors=[("w", (32, 4), 4)]), "gguf.tensor_type", "tensor 'w' has the unknown ggml type 4",
                 id="ggml-type-removed-4"),
    pytest.param(lambda: base(tensors=[("w", (32, 4), 99)]), "gguf.tensor_type", "unknown ggml type 99", id="ggml-type-99"),
    pytest.param(lambda: base(tensors=[("w", (32, 4), U32_MAX)]), "gguf.tensor_type", f"unknown ggml type {U32_MAX}",
                 id="ggml-type-u32-max"),
    pytest.param(lambda: base(tensors=[("w", (48, 4), 2)]), "gguf.block_size",
                 "tensor 'w' has rows of 48 values, not a multiple of the 32 values of a Q4_0 block", id="rows-not-whole-blocks"),
]


@pytest.mark.parametrize(("make", "key", "fragment"), CASES)
def test_malformed_file_is_refused(tmp_path: Path, make: Callable[[], bytes], key: str, fragment: str) -> None:
    path = tmp_path / "bad.gguf"
    path.write_bytes(make())
    with pytest.raises(ModelFileError) as caught:
        read_header(path)
    assert caught.value.key == key, str(caught.value)
    assert fragment in str(caught.value), str(caught.value)
    assert str(path) in str(caught.value)  # every message names the file


def test_the_corpus_ids_are_unique() -> None:
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids)) and len(ids) >= 60


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(base, id="base"),
        pytest.param(lambda: with_meta(("ids", list(range(100))), ("words", [f"token_{i:02}" for i in range(50)])), id="arrays"),
        pytest.param(lambda: with_meta(("grid", grid())), id="nested-arrays"),
        pytest.param(lambda: with_meta(("rows", array(ARRAY, [array(UINT32, []).body] * KEEP_ARRAY_LENGTH))),
                     id="array-of-arrays-at-limit"),
        pytest.param(lambda: with_meta(("general.alignment", 64), tensors=[("wa", (8, 4), 0), ("wb", (8, 4), 0, 128)]) + bytes(64),
                     id="alignment-64"),  # 64 more bytes: the writer aligns the data to 32 only
        pytest.param(lambda: with_meta(("v", scalar(UINT64, U64_MAX)), ("f", 1.5), ("fs", array(FLOAT32, [element(1.0)] * 3))),
                     id="scalars"),
        pytest.param(lambda: with_meta(("s", Typed(STRING, struct.pack("<Q", 3) + b"abc"))), id="typed-string"),
        pytest.param(lambda: with_meta(("arr", claims(UINT32, 16, bytes(64)))), id="claimed-array-that-fits"),
        pytest.param(lambda: base(tensors=[("w", (1,) * MAX_DIMS, 0), ("q", (32, 4), 2)]), id="tensor-max-dims-and-q4_0"),
        pytest.param(lambda: base(tensors=[(LONG_NAME, (8,), 0)]), id="long-tensor-name"),
        pytest.param(lambda: base(version=2), id="version-2"),
    ],
)
def test_the_bases_are_valid(tmp_path: Path, make: Callable[[], bytes]) -> None:
    """The files the corpus breaks, and the limits it breaks them at, are accepted as they are."""
    path = tmp_path / "good.gguf"
    path.write_bytes(make())
    assert read_header(path).get("general.architecture") == "llama"


def test_the_allowed_nesting_is_read(tmp_path: Path) -> None:
    path = tmp_path / "nested.gguf"
    path.write_bytes(with_meta(("levels", nested(MAX_ARRAY_DEPTH)), ("grid", grid())))
    expected: object = [7]
    for _ in range(MAX_ARRAY_DEPTH - 1):
        expected = [expected]
    header = read_header(path)
    assert header.get("levels") == expected
    assert header.get("grid") == [list(range(row * 10, row * 10 + 10)) for row in range(3)]
