"""Generated tokens as a compact blob: ids, logprobs, entropy and the top-k alternatives.

A run of 500 tokens with 10 alternatives each is 5,500 (id, logprob) pairs; as JSON that is
~200 KB, as numpy columns ~46 KB before compression. Each distinct token's bytes are stored once.

Layout (little-endian), zlib-compressed: a JSON header line ``{"v", "n", "k", "pieces": [[id,
hex], ...]}`` then ids int32[n], logprobs float64[n], entropy float32[n] (NaN for none),
top ids int32[n*k] (-1 pads a shorter list), top logprobs float32[n*k].
"""

from __future__ import annotations

import json
import zlib

import numpy as np

from workbench.engine.protocol import Alternative, TokenEvent
from workbench.errors import StoreError

VERSION = 1


def encode_tokens(tokens: list[TokenEvent]) -> bytes:
    n = len(tokens)
    k = max((len(t.top) for t in tokens), default=0)
    pieces: dict[int, bytes] = {}
    ids = np.empty(n, dtype="<i4")
    logprobs = np.empty(n, dtype="<f8")
    entropy = np.full(n, np.nan, dtype="<f4")
    top_ids = np.full((n, k), -1, dtype="<i4")
    top_logprobs = np.zeros((n, k), dtype="<f4")
    for i, t in enumerate(tokens):
        ids[i] = t.id
        logprobs[i] = t.logprob
        if t.entropy is not None:
            entropy[i] = t.entropy
        pieces.setdefault(t.id, t.bytes)
        for j, alt in enumerate(t.top):
            top_ids[i, j] = alt.id
            top_logprobs[i, j] = alt.logprob
            pieces.setdefault(alt.id, alt.bytes)
    header = json.dumps({"v": VERSION, "n": n, "k": k, "pieces": [[i, b.hex()] for i, b in pieces.items()]})
    body = b"".join(a.tobytes() for a in (ids, logprobs, entropy, top_ids, top_logprobs))
    return zlib.compress(header.encode() + b"\n" + body, 1)


def decode_tokens(blob: bytes) -> list[TokenEvent]:
    try:
        raw = zlib.decompress(blob)
        header_line, body = raw.split(b"\n", 1)
        header = json.loads(header_line)
        if header.get("v") != VERSION:
            raise StoreError(f"These tokens were saved in format {header.get('v')}, which this version cannot read.")
        n, k = int(header["n"]), int(header["k"])
        pieces = {int(i): bytes.fromhex(h) for i, h in header["pieces"]}
        at = 0

        def take(dtype: str, count: int) -> np.ndarray:
            nonlocal at
            size = np.dtype(dtype).itemsize * count
            arr = np.frombuffer(body, dtype=dtype, count=count, offset=at)
            at += size
            return arr

        ids, logprobs, entropy = take("<i4", n), take("<f8", n), take("<f4", n)
        top_ids, top_logprobs = take("<i4", n * k).reshape(n, k), take("<f4", n * k).reshape(n, k)
    except (zlib.error, ValueError, KeyError, TypeError) as e:
        raise StoreError(f"The saved tokens of this run are damaged ({e}).") from None
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
