"""A pure-Python GGUF header reader with strict limits.

llama.cpp has a long history of crashes on crafted GGUF files, so every model is read here first:
magic, version, counts, string and array sizes, and the byte range of every tensor are checked
against the file before llama.cpp ever sees it. Large arrays (the vocabulary, merges) are skipped
over, keeping only their element type and length, so reading a header costs milliseconds and
little memory.
"""

from __future__ import annotations

import math
import mmap
import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbench.errors import ModelFileError
from workbench.models.vocabulary import markers_in_bytes, markers_in_list

MAGIC = b"GGUF"
SUPPORTED_VERSIONS = (2, 3)
DEFAULT_ALIGNMENT = 32

# Limits far above any real model, far below what would exhaust memory or time.
MAX_KV_COUNT = 65_536
MAX_TENSOR_COUNT = 1_048_576
MAX_STRING_BYTES = 16 * 1024 * 1024
MAX_ARRAY_LENGTH = 16 * 1024 * 1024
MAX_ARRAY_DEPTH = 2
MAX_DIMS = 4
MAX_LAYERS = 512  # llama.cpp's LLAMA_MAX_LAYERS
KEEP_ARRAY_LENGTH = 1024  # arrays longer than this are summarised, not kept

# GGUF metadata value types.
_UINT8, _INT8, _UINT16, _INT16, _UINT32, _INT32, _FLOAT32, _BOOL, _STRING, _ARRAY, _UINT64, _INT64, _FLOAT64 = range(13)
_SCALAR_FORMATS = {
    _UINT8: "<B",
    _INT8: "<b",
    _UINT16: "<H",
    _INT16: "<h",
    _UINT32: "<I",
    _INT32: "<i",
    _FLOAT32: "<f",
    _BOOL: "<?",
    _UINT64: "<Q",
    _INT64: "<q",
    _FLOAT64: "<d",
}
_TYPE_NAMES = {
    _UINT8: "uint8", _INT8: "int8", _UINT16: "uint16", _INT16: "int16", _UINT32: "uint32",
    _INT32: "int32", _FLOAT32: "float32", _BOOL: "bool", _STRING: "string", _ARRAY: "array",
    _UINT64: "uint64", _INT64: "int64", _FLOAT64: "float64",
}

# ggml tensor types: id -> (name, elements per block, bytes per block), as in ggml/gguf-py.
GGML_TYPES: dict[int, tuple[str, int, int]] = {
    0: ("F32", 1, 4), 1: ("F16", 1, 2), 2: ("Q4_0", 32, 18), 3: ("Q4_1", 32, 20),
    6: ("Q5_0", 32, 22), 7: ("Q5_1", 32, 24), 8: ("Q8_0", 32, 34), 9: ("Q8_1", 32, 36),
    10: ("Q2_K", 256, 84), 11: ("Q3_K", 256, 110), 12: ("Q4_K", 256, 144), 13: ("Q5_K", 256, 176),
    14: ("Q6_K", 256, 210), 15: ("Q8_K", 256, 292), 16: ("IQ2_XXS", 256, 66), 17: ("IQ2_XS", 256, 74),
    18: ("IQ3_XXS", 256, 98), 19: ("IQ1_S", 256, 50), 20: ("IQ4_NL", 32, 18), 21: ("IQ3_S", 256, 110),
    22: ("IQ2_S", 256, 82), 23: ("IQ4_XS", 256, 136), 24: ("I8", 1, 1), 25: ("I16", 1, 2),
    26: ("I32", 1, 4), 27: ("I64", 1, 8), 28: ("F64", 1, 8), 29: ("IQ1_M", 256, 56),
    30: ("BF16", 1, 2), 34: ("TQ1_0", 256, 54), 35: ("TQ2_0", 256, 66), 39: ("MXFP4", 32, 17),
    40: ("NVFP4", 64, 36), 41: ("Q1_0", 128, 18), 42: ("Q2_0", 64, 18),
}

# general.file_type (llama_ftype) -> quantization name.
FILE_TYPES: dict[int, str] = {
    0: "F32", 1: "F16", 2: "Q4_0", 3: "Q4_1", 7: "Q8_0", 8: "Q5_0", 9: "Q5_1", 10: "Q2_K",
    11: "Q3_K_S", 12: "Q3_K_M", 13: "Q3_K_L", 14: "Q4_K_S", 15: "Q4_K_M", 16: "Q5_K_S",
    17: "Q5_K_M", 18: "Q6_K", 19: "IQ2_XXS", 20: "IQ2_XS", 21: "Q2_K_S", 22: "IQ3_XS",
    23: "IQ3_XXS", 24: "IQ1_S", 25: "IQ4_NL", 26: "IQ3_S", 27: "IQ3_M", 28: "IQ2_S", 29: "IQ2_M",
    30: "IQ4_XS", 31: "IQ1_M", 32: "BF16", 36: "TQ1_0", 37: "TQ2_0", 38: "MXFP4_MOE",
    39: "NVFP4", 40: "Q1_0", 41: "Q2_0",
}


@dataclass(frozen=True)
class ArraySummary:
    """A metadata array too long to keep: its element type, length and where its elements lie in
    the file (``start``..``end``, bytes)."""

    element_type: str
    length: int
    start: int = field(default=0, compare=False)
    end: int = field(default=0, compare=False)


@dataclass(frozen=True)
class TensorInfo:
    name: str
    shape: tuple[int, ...]
    ggml_type: int
    offset: int  # relative to the start of the tensor data section

    @property
    def n_elements(self) -> int:
        n = 1
        for d in self.shape:
            n *= d
        return n

    @property
    def type_name(self) -> str:
        return GGML_TYPES.get(self.ggml_type, (f"type{self.ggml_type}", 0, 0))[0]


@dataclass(frozen=True)
class GGUFHeader:
    path: Path
    size_bytes: int
    version: int
    metadata: dict[str, Any]
    tensors: list[TensorInfo] = field(repr=False)
    data_offset: int
    markers: tuple[str, ...] = ()  # the chat markers the vocabulary holds (workbench.models.vocabulary)

    def get(self, key: str, default: Any = None) -> Any:
        return self.metadata.get(key, default)


class _Cursor:
    """Bounds-checked reads from the mapped file; running off the end means a truncated file."""

    def __init__(self, buf: mmap.mmap | bytes, path: Path) -> None:
        self.buf = buf
        self.pos = 0
        self.size = len(buf)
        self.path = path

    def fail(self, key: str, **fields: object) -> ModelFileError:
        """The error ``gguf.<key>`` about this file, at the current byte."""
        return ModelFileError.of(f"gguf.{key}", path=self.path, at=self.pos, **fields)

    def remaining(self) -> int:
        return self.size - self.pos

    def unpack(self, fmt: str) -> Any:
        n = struct.calcsize(fmt)
        if self.pos + n > self.size:
            raise ModelFileError.of("gguf.truncated", path=self.path, size=self.size)
        value = struct.unpack_from(fmt, self.buf, self.pos)[0]
        self.pos += n
        return value

    def skip(self, n: int) -> None:
        if n < 0 or self.pos + n > self.size:
            raise ModelFileError.of("gguf.field_overrun", path=self.path, n=n, remaining=self.remaining())
        self.pos += n

    def string(self, keep: bool = True) -> str | None:
        n = self.unpack("<Q")
        if n > MAX_STRING_BYTES:
            raise self.fail("long_string", n=n, limit=MAX_STRING_BYTES)
        start = self.pos
        self.skip(n)
        if not keep:
            return None
        raw = bytes(self.buf[start : start + n])
        return raw.decode("utf-8", errors="replace")


    def skip_strings(self, count: int) -> None:
        """Step over ``count`` strings without reading them (a vocabulary of 262,144 tokens is
        counted, not decoded): the same checks as ``string``, in one tight loop."""
        buf, pos, size = self.buf, self.pos, self.size
        length_at = _U64.unpack_from
        for _ in range(count):
            if pos + 8 > size:
                self.pos = pos
                self.unpack("<Q")  # raises: truncated
            (n,) = length_at(buf, pos)
            if n > MAX_STRING_BYTES:
                self.pos = pos + 8
                raise self.fail("long_string", n=n, limit=MAX_STRING_BYTES)
            if pos + 8 + n > size:
                self.pos = pos + 8
                self.skip(n)  # raises: truncated or corrupt
            pos += 8 + n
        self.pos = pos


_U64 = struct.Struct("<Q")


def _read_value(cur: _Cursor, vtype: int, depth: int = 0, keep: bool = True) -> Any:
    if vtype in _SCALAR_FORMATS:
        return cur.unpack(_SCALAR_FORMATS[vtype])
    if vtype == _STRING:
        return cur.string(keep)
    if vtype == _ARRAY:
        if depth >= MAX_ARRAY_DEPTH:
            raise cur.fail("deep_array", limit=MAX_ARRAY_DEPTH)
        etype = cur.unpack("<I")
        length = cur.unpack("<Q")
        if etype not in _TYPE_NAMES:
            raise cur.fail("array_type", type=etype)
        if length > MAX_ARRAY_LENGTH:
            raise cur.fail("long_array", n=length, limit=MAX_ARRAY_LENGTH)
        # llama.cpp refuses arrays of arrays; a long one would cost seconds and gigabytes to walk.
        if etype == _ARRAY and length > KEEP_ARRAY_LENGTH:
            raise cur.fail("long_array", n=length, limit=KEEP_ARRAY_LENGTH)
        keep_items = keep and length <= KEEP_ARRAY_LENGTH
        start = cur.pos
        if etype in _SCALAR_FORMATS:
            width = struct.calcsize(_SCALAR_FORMATS[etype])
            if length * width > cur.remaining():
                raise cur.fail("array_overrun", n=length)
            if keep_items:
                fmt = "<" + _SCALAR_FORMATS[etype][1] * length
                items = list(struct.unpack_from(fmt, cur.buf, cur.pos))
                cur.pos += length * width
                return items
            cur.skip(length * width)
            return ArraySummary(_TYPE_NAMES[etype], length, start, cur.pos)
        if etype == _STRING and length * 8 > cur.remaining():
            raise cur.fail("strings_overrun", n=length)
        if etype == _STRING and not keep_items:
            cur.skip_strings(length)
            return ArraySummary(_TYPE_NAMES[etype], length, start, cur.pos)
        items = [_read_value(cur, etype, depth + 1, keep_items) for _ in range(length)]
        return items if keep_items else ArraySummary(_TYPE_NAMES[etype], length, start, cur.pos)
    raise cur.fail("value_type", type=vtype)


def read_header(path: str | Path) -> GGUFHeader:
    """Read and validate a GGUF file's header, metadata and tensor table.

    Raises ModelFileError with an actionable message for anything llama.cpp should not see.
    """
    path = Path(path).expanduser()
    if not path.exists():
        raise ModelFileError.of("gguf.not_found", path=path)
    if path.is_dir():
        raise ModelFileError.of("gguf.folder", path=path)
    if not path.is_file():  # a pipe or a device: reading it would wait forever
        raise ModelFileError.of("gguf.unreadable", path=path, reason="it is not a regular file (a pipe or a device)")
    try:
        with open(path, "rb") as f:
            size = path.stat().st_size
            if size < 24:
                raise ModelFileError.of("gguf.too_short", path=path, size=size)
            with mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as buf:
                return _parse(buf, path, size)
    except PermissionError as e:
        raise ModelFileError.of("gguf.permission", path=path) from e
    except OSError as e:
        raise ModelFileError.of("gguf.unreadable", path=path, reason=e.strerror or e) from e


def _parse(buf: mmap.mmap, path: Path, size: int) -> GGUFHeader:
    cur = _Cursor(buf, path)
    if bytes(buf[:4]) != MAGIC:
        raise ModelFileError.of("gguf.not_gguf", path=path)
    cur.pos = 4
    version = cur.unpack("<I")
    if version not in SUPPORTED_VERSIONS:
        if struct.unpack(">I", struct.pack("<I", version))[0] in SUPPORTED_VERSIONS:
            raise ModelFileError.of("gguf.big_endian", path=path)
        raise ModelFileError.of("gguf.version", path=path, version=version, supported=", ".join(map(str, SUPPORTED_VERSIONS)))
    n_tensors = cur.unpack("<Q")
    n_kv = cur.unpack("<Q")
    if n_kv > MAX_KV_COUNT:
        raise cur.fail("many_entries", n=n_kv, limit=MAX_KV_COUNT)
    if n_tensors > MAX_TENSOR_COUNT:
        raise cur.fail("many_tensors", n=n_tensors, limit=MAX_TENSOR_COUNT)
    # Each metadata entry and tensor record needs bytes; absurd counts fail before any loop.
    if n_kv * 12 + n_tensors * 24 > size:
        raise cur.fail("counts_too_big", n_kv=n_kv, n_tensors=n_tensors, size=size)

    metadata: dict[str, Any] = {}
    for _ in range(n_kv):
        at = cur.pos
        key = cur.string()
        if key in metadata:  # which one llama.cpp would take is anyone's guess
            cur.pos = at
            raise cur.fail("duplicate_key", name=key)
        vtype = cur.unpack("<I")
        metadata[key] = _read_value(cur, vtype)  # type: ignore[index]
    _check_hyperparameters(metadata, cur)

    tensors: list[TensorInfo] = []
    for _ in range(n_tensors):
        name = cur.string() or ""
        n_dims = cur.unpack("<I")
        if not 1 <= n_dims <= MAX_DIMS:
            raise cur.fail("dimensions", tensor=name, n=n_dims, limit=MAX_DIMS)
        shape = tuple(cur.unpack("<Q") for _ in range(n_dims))
        if any(d == 0 or d > 1 << 40 for d in shape):
            raise cur.fail("shape", tensor=name, shape=shape)
        ggml_type = cur.unpack("<I")
        if ggml_type not in GGML_TYPES:  # out of range or removed: llama.cpp refuses it, and its size is unknown
            cur.pos -= 4
            raise cur.fail("tensor_type", tensor=name, type=ggml_type)
        type_name, block, _ = GGML_TYPES[ggml_type]
        if shape[0] % block:  # rows are whole blocks of the type: llama.cpp refuses anything else
            cur.pos -= 4
            raise cur.fail("block_size", tensor=name, n=shape[0], type=type_name, block=block)
        offset = cur.unpack("<Q")
        tensors.append(TensorInfo(name, shape, ggml_type, offset))

    alignment = metadata.get("general.alignment", DEFAULT_ALIGNMENT)
    if not isinstance(alignment, int) or alignment <= 0 or alignment & (alignment - 1) or alignment > 1 << 20:
        raise cur.fail("alignment", alignment=repr(alignment))
    data_offset = (cur.pos + alignment - 1) // alignment * alignment
    _check_tensor_ranges(tensors, data_offset, size, alignment, path)
    vocabulary = metadata.get("tokenizer.ggml.tokens")
    if isinstance(vocabulary, ArraySummary) and vocabulary.element_type == "string":
        markers = markers_in_bytes(buf, vocabulary.start, vocabulary.end)
    else:
        markers = markers_in_list(vocabulary) if isinstance(vocabulary, list) else ()
    return GGUFHeader(path, size, version, metadata, tensors, data_offset, markers)


def _length(value: Any) -> int | None:
    if isinstance(value, ArraySummary):
        return value.length
    return len(value) if isinstance(value, list) else None


def _check_hyperparameters(metadata: dict[str, Any], cur: _Cursor) -> None:
    """Values llama.cpp asserts on (aborting the process) instead of refusing: a layer count of 0
    or beyond its maximum, epsilons that are not finite and positive, tokenizer arrays whose
    sizes disagree."""
    arch = metadata.get("general.architecture")
    if isinstance(arch, str):
        layers = metadata.get(f"{arch}.block_count")
        if layers is not None and (not isinstance(layers, int) or isinstance(layers, bool) or not 1 <= layers <= MAX_LAYERS):
            raise cur.fail("hyperparameter", name=f"{arch}.block_count", value=repr(layers), expected=f"a layer count from 1 to {MAX_LAYERS}")
        for name in ("attention.layer_norm_rms_epsilon", "attention.layer_norm_epsilon"):
            epsilon = metadata.get(f"{arch}.{name}")
            if epsilon is not None and (not isinstance(epsilon, (int, float)) or not math.isfinite(epsilon) or epsilon <= 0):
                raise cur.fail("hyperparameter", name=f"{arch}.{name}", value=repr(epsilon), expected="a small positive number")
    tokens = _length(metadata.get("tokenizer.ggml.tokens"))
    for name in ("tokenizer.ggml.scores", "tokenizer.ggml.token_type"):
        other = _length(metadata.get(name))
        if tokens is not None and other is not None and other != tokens:
            raise cur.fail("hyperparameter", name=name, value=f"{other:,} entries",
                           expected=f"one per token of tokenizer.ggml.tokens ({tokens:,})")


def _check_tensor_ranges(tensors: list[TensorInfo], data_offset: int, size: int, alignment: int, path: Path) -> None:
    for t in tensors:
        if t.offset % alignment:
            raise ModelFileError.of("gguf.misaligned", path=path, tensor=t.name, alignment=alignment)
        start = data_offset + t.offset
        nbytes = tensor_nbytes(t)
        end = start + (nbytes or 0)
        if start > size or end > size:
            raise ModelFileError.of("gguf.tensor_truncated", path=path, tensor=t.name, end=end, size=size)


def tensor_nbytes(t: TensorInfo) -> int | None:
    """Bytes a tensor occupies, or None for a type this reader does not know."""
    spec = GGML_TYPES.get(t.ggml_type)
    if spec is None:
        return None
    _, block, block_bytes = spec
    return t.n_elements // block * block_bytes
