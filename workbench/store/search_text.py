"""What the full-text index sees: Chinese, Japanese and Korean characters as single tokens.

SQLite's unicode61 tokenizer splits on spaces and punctuation, so a Chinese sentence would be one
long token and "退款" could never be found inside it. Spacing out each CJK character makes every
character a token; a query for "退款" is then the phrase "退 款" (adjacent tokens), which finds the
word anywhere. Latin words stay words (a query word also matches as a prefix, as you type).

The database calls ``search_text`` from its triggers (registered on every connection as
``wb_search_text``), so it must never change for text already indexed without a migration.
"""

from __future__ import annotations

import re

_CJK = re.compile(r"([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\uff66-\uff9f])")


def spaced(text: str) -> str:
    return _CJK.sub(r" \1 ", text)


def search_text(*fields: str | None) -> str:
    return "\n".join(spaced(f) for f in fields if f)


def match_query(query: str) -> str | None:
    """An FTS5 query for what a person typed: every word must appear; CJK runs as phrases, other
    words also as prefixes. None when nothing searchable is left."""
    parts = []
    for word in query.split():
        tokens = [t for t in re.split(r"[^\w]+", spaced(word)) if t]
        if not tokens:
            continue
        phrase = '"' + " ".join(tokens).replace('"', '""') + '"'
        parts.append(phrase if _CJK.search(tokens[-1]) else phrase + "*")
    return " AND ".join(parts) if parts else None
