"""Write small GGUF files for tests: valid ones, and ones broken in chosen ways."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

STRING, UINT32, ARRAY, FLOAT32 = 8, 4, 9, 6
UINT8, INT8, UINT16, INT16, INT32, BOOL, UINT64, INT64, FLOAT64 = 0, 1, 2, 3, 5, 7, 10, 11, 12
_FORMATS = {UINT8: "<B", INT8: "<b", UINT16: "<H", INT16: "<h", UINT32: "<I", INT32: "<i", FLOAT32: "<f",
            BOOL: "<?", UINT64: "<Q", INT64: "<q", FLOAT64: "<d"}


@dataclass(frozen=True)
class Typed:
    """A metadata value written exactly as given: any type id (valid or not), any body bytes."""

    vtype: int
    body: bytes


def scalar(vtype: int, value: Any) -> Typed:
    """A scalar of GGUF value type ``vtype`` (UINT64, INT8, FLOAT64, BOOL...)."""
    return Typed(vtype, struct.pack(_FORMATS[vtype], value))


def array(etype: int, items: list[bytes] | bytes, length: int | None = None) -> Typed:
    """An array of element type ``etype`` whose elements are the given raw bytes (see ``element``);
    ``length`` overrides the element count written."""
    body = items if isinstance(items, bytes) else b"".join(items)
    n = (0 if isinstance(items, bytes) else len(items)) if length is None else length
    return Typed(ARRAY, struct.pack("<IQ", etype, n) + body)


def element(value: Any) -> bytes:
    """The raw bytes of one array element: a Typed value's body, or a plain value's encoding."""
    return value.body if isinstance(value, Typed) else _value(value)[1]


def nested(depth: int, leaf: Typed | None = None) -> Typed:
    """Arrays nested ``depth`` deep (1: a plain array), each holding one element; the innermost
    holds ``leaf``'s body (an array), or one uint32."""
    inner = leaf or array(UINT32, [struct.pack("<I", 7)])
    for _ in range(depth - 1):
        inner = array(ARRAY, [inner.body])
    return inner


def _string(s: str | bytes) -> bytes:
    data = s.encode() if isinstance(s, str) else s
    return struct.pack("<Q", len(data)) + data


def _value(v: Any) -> tuple[int, bytes]:
    if isinstance(v, Typed):
        return v.vtype, v.body
    if isinstance(v, str):
        return STRING, _string(v)
    if isinstance(v, float):
        return FLOAT32, struct.pack("<f", v)
    if isinstance(v, int):
        return UINT32, struct.pack("<I", v)
    if isinstance(v, list):
        etype, _ = _value(v[0])
        body = b"".join(_value(x)[1] for x in v)
        return ARRAY, struct.pack("<IQ", etype, len(v)) + body
    raise TypeError(v)


def gguf_bytes(
    metadata: dict[str, Any] | list[tuple[str, Any]],
    tensors: list[tuple[str, tuple[int, ...], int]] = (),  # type: ignore[assignment]
    *,
    version: int = 3,
    n_kv: int | None = None,
    n_tensors: int | None = None,
    data: bool = True,
) -> bytes:
    """A GGUF file. ``metadata``: a dict, or (key, value) pairs (a key may then repeat);
    ``tensors``: (name, shape, ggml_type) with F32 = 0, or (name, shape, ggml_type, offset) to write
    that offset instead of the computed one; ``data=False`` omits tensor data."""
    entries = list(metadata.items()) if isinstance(metadata, dict) else list(metadata)
    out = bytearray(b"GGUF" + struct.pack("<I", version))
    out += struct.pack("<QQ", len(tensors) if n_tensors is None else n_tensors, len(entries) if n_kv is None else n_kv)
    for key, value in entries:
        vtype, body = _value(value)
        out += _string(key) + struct.pack("<I", vtype) + body
    offset = 0
    sizes = []
    for name, shape, ggml_type, *written in tensors:
        out += _string(name) + struct.pack("<I", len(shape)) + b"".join(struct.pack("<Q", d) for d in shape)
        out += struct.pack("<IQ", ggml_type, written[0] if written else offset)
        n = 4
        for d in shape:
            n *= d
        sizes.append(n)
        offset += (n + 31) // 32 * 32
    out += b"\0" * ((-len(out)) % 32)
    if data:
        for n in sizes:
            out += b"\0" * ((n + 31) // 32 * 32)
    return bytes(out)


def write_gguf(path: Path, *args: Any, **kwargs: Any) -> Path:
    path.write_bytes(gguf_bytes(*args, **kwargs))
    return path
