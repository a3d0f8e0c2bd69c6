"""Write small GGUF files for tests: valid ones, and ones broken in chosen ways."""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

STRING, UINT32, ARRAY, FLOAT32 = 8, 4, 9, 6


def _string(s: str | bytes) -> bytes:
    data = s.encode() if isinstance(s, str) else s
    return struct.pack("<Q", len(data)) + data


def _value(v: Any) -> tuple[int, bytes]:
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
    ``tensors``: (name, shape, ggml_type) with F32 = 0; ``data=False`` omits tensor data."""
    entries = list(metadata.items()) if isinstance(metadata, dict) else list(metadata)
    out = bytearray(b"GGUF" + struct.pack("<I", version))
    out += struct.pack("<QQ", len(tensors) if n_tensors is None else n_tensors, len(entries) if n_kv is None else n_kv)
    for key, value in entries:
        vtype, body = _value(value)
        out += _string(key) + struct.pack("<I", vtype) + body
    offset = 0
    sizes = []
    for name, shape, ggml_type in tensors:
        out += _string(name) + struct.pack("<I", len(shape)) + b"".join(struct.pack("<Q", d) for d in shape)
        out += struct.pack("<IQ", ggml_type, offset)
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
