"""Generated tokens as a compact blob: ids, logprobs, entropy and the top-k alternatives.

A run of 500 tokens with 10 alternatives each is 5,500 (id, logprob) pairs; as JSON that is
~200 KB, as numpy columns ~46 KB before compression. Each distinct token's bytes are stored once.
Encoding runs on every save, so it is built from whole columns, not element by element.

Layout (little-endian), zlib-compressed: a JSON header line ``{"v", "n", "k", "p"}`` then ids
int32[n], logprobs float64[n], entropy float32[n] (NaN for none), top ids int32[n*k] (-1 pads a
shorter list), top logprobs float32[n*k], piece ids int32[p], piece lengths uint32[p], and the
pieces' bytes one after another.
"""

from __future__ import annotations

import json
import zlib

import numpy as np

from workbench.values.tokens import Alternative, TokenEvent
from workbench.errors import StoreError

VERSION = 1


def encode_tokens(tokens: list[TokenEvent]) -> bytes:
    n = len(tokens)
    k = max((len(t.top) for t in tokens), default=0)
    ids = np.fromiter((t.id for t in tokens), dtype="<i4", count=n)
    logprobs = np.fromiter((t.logprob for t in tokens), dtype="<f8", count=n)
    entropy = np.fromiter((np.nan if t.entropy is None else t.entropy for t in tokens), dtype="<f4", count=n)
    if all(len(t.top) == k for t in tokens):
        alternatives = [a for t in tokens for a in t.top]
        top_ids = np.fromiter((a.id for a in alternatives), dtype="<i4", count=n * k)
        top_logprobs = np.fromiter((a.logprob for a in alternatives), dtype="<f4", count=n * k)
    else:
        top_ids = np.full((n, k), -1, dtype="<i4")
        top_logprobs = np.zeros((n, k), dtype="<f4")
        for i, t in enumerate(tokens):
            top_ids[i, : len(t.top)] = [a.id for a in t.top]
            top_logprobs[i, : len(t.top)] = [a.logprob for a in t.top]
    pieces = {a.id: a.bytes for t in tokens for a in t.top}
    pieces.update((t.id, t.bytes) for t in tokens)
    piece_ids = np.fromiter(pieces.keys(), dtype="<i4", count=len(pieces))
    piece_lens = np.fromiter(map(len, pieces.values()), dtype="<u4", count=len(pieces))
    header = json.dumps({"v": VERSION, "n": n, "k": k, "p": len(pieces)}).encode()
    body = b"".join(a.tobytes() for a in (ids, logprobs, entropy, top_ids, top_logprobs, piece_ids, piece_lens))
    return zlib.compress(header + b"\n" + body + b"".join(pieces.values()), 1)


def decode_tokens(blob: bytes) -> list[TokenEvent]:
    try:
        raw = zlib.decompress(blob)
        header_line, body = raw.split(b"\n", 1)
        header = json.loads(header_line)
        if header.get("v") != VERSION:
            raise StoreError.of("db.token_format", version=header.get("v"))
        n, k, p = int(header["n"]), int(header["k"]), int(header["p"])
        at = 0

        def take(dtype: str, count: int) -> np.ndarray:
            nonlocal at
            arr = np.frombuffer(body, dtype=dtype, count=count, offset=at)
            at += np.dtype(dtype).itemsize * count
            return arr

        ids, logprobs, entropy = take("<i4", n), take("<f8", n), take("<f4", n)
        top_ids, top_logprobs = take("<i4", n * k).reshape(n, k), take("<f4", n * k).reshape(n, k)
        piece_ids, piece_lens = take("<i4", p).tolist(), take("<u4", p).tolist()
        pieces: dict[int, bytes] = {}
        for token, length in zip(piece_ids, piece_lens):
            pieces[token] = body[at : at + length]
            at += length
        if at != len(body):
            raise ValueError("trailing bytes")
    except (zlib.error, ValueError, KeyError, TypeError) as e:
        raise StoreError.of("db.tokens_damaged", detail=e) from None
    texts = {i: b.decode("utf-8", "replace") for i, b in pieces.items()}
    events = []
    for i in range(n):
        top = [
            Alternative(int(a), texts[int(a)], float(lp), pieces[int(a)])
            for a, lp in zip(top_ids[i].tolist(), top_logprobs[i].tolist())
            if a >= 0
        ]
        e = float(entropy[i])
        token = int(ids[i])
        events.append(TokenEvent(token, texts[token], pieces[token], float(logprobs[i]), top, None if e != e else e))
    return events
