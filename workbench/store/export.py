"""Runs out of the database: JSON (one object per run), JSONL, CSV and Markdown."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from workbench.store.models import RunRow
from workbench.store.run_records import iso_utc
from workbench.store.token_codec import decode_tokens

FORMATS = ("jsonl", "csv", "md")
CSV_COLUMNS = (
    "id", "created_at", "source", "model", "mode", "template", "variant", "status", "finish_reason",
    "prompt_tokens", "completion_tokens", "tokens_per_s", "seed", "starred", "rating", "note", "prompt", "output", "error",
)


def run_json(row: RunRow, with_tokens: bool = True) -> dict[str, Any]:
    """A run as JSON: settings, texts, statistics and (optionally) its tokens in the public shape."""
    model = row.model
    data: dict[str, Any] = {
        "id": row.id,
        "created_at": iso_utc(row.created_at),
        "source": row.source,
        "model": None
        if model is None
        else {
            "name": model.name,
            "path": model.path,
            "file_name": model.file_name,
            "size_bytes": model.size_bytes,
            "fingerprint": model.fingerprint,
            "architecture": model.architecture,
            "file_type": model.file_type,
            "context_length": model.context_length,
            "vocab_size": model.vocab_size,
        },
        "backend": row.backend,
        "load_params": row.load_params,
        "params": row.params,
        "mode": row.mode,
        "template": row.template,
        "variant": row.variant,
        "prompt": row.prompt,
        "output": row.output,
        "status": row.status,
        "error": row.error,
        "finish_reason": row.finish_reason,
        "seed": row.seed,
        "prompt_tokens": row.prompt_tokens,
        "completion_tokens": row.completion_tokens,
        "timings": {"prompt_s": row.prompt_s, "gen_s": row.gen_s, "tokens_per_s": row.tokens_per_s},
        "starred": row.starred,
        "rating": row.rating,
        "note": row.note,
        "details": row.details,
        "chat_format": row.chat_format,
        "conversation": row.conversation,
        "turn": row.turn,
        "messages": row.messages,
    }
    if with_tokens:
        data["tokens"] = [t.to_dict() for t in decode_tokens(row.tokens)] if row.tokens else []
        data["branches"] = [
            {k: v for k, v in b.items() if k != "tokens"} for b in (row.branches or {}).get("branches", [])
        ]
    return data


def export_runs(rows: Iterable[RunRow], fmt: str, with_tokens: bool = True) -> str:
    if fmt == "jsonl":
        return "".join(json.dumps(run_json(r, with_tokens), ensure_ascii=False) + "\n" for r in rows)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(CSV_COLUMNS)
        for r in rows:
            data = run_json(r, with_tokens=False)
            data["model"] = r.model.name if r.model else ""
            data["tokens_per_s"] = r.tokens_per_s
            writer.writerow([data.get(c) if data.get(c) is not None else "" for c in CSV_COLUMNS])
        return out.getvalue()
    if fmt == "md":
        parts = []
        for r in rows:
            model = r.model.name if r.model else "unknown model"
            sampler = r.params.get("sampler", {})
            settings = ", ".join(f"{k} {v}" for k, v in sampler.items() if v is not None)
            head = f"## Run {r.id} — {r.created_at:%Y-%m-%d %H:%M} — {model} — {r.status}"
            extra = [f"- template: {r.template}" if r.template else "", f"- variant: {r.variant}" if r.variant else ""]
            parts.append(
                "\n".join(
                    [head, "", f"- sampler: {settings}", f"- tokens: {r.prompt_tokens} prompt, {r.completion_tokens} generated "
                     f"at {r.tokens_per_s:.1f} tok/s", *[e for e in extra if e], *( [f"- note: {r.note}"] if r.note else []),
                     "", "### Prompt", "", _fence(r.prompt), "", "### Output", "", _fence(r.output or r.error or ""), ""]
                )
            )
        return "\n".join(parts)
    raise ValueError(f"unknown format {fmt!r}")


def _fence(text: str) -> str:
    fence = "```"
    while fence in text:
        fence += "`"
    return f"{fence}text\n{text}\n{fence}"
