"""How text is cut for the full-text index, and how a typed query becomes an FTS5 query."""

from __future__ import annotations

from workbench.store.search_text import match_query, search_text


def test_cjk_characters_become_tokens_latin_words_stay() -> None:
    assert search_text("物流很快", None, "ok") == " 物  流  很  快 \nok"
    assert search_text("Tokenizers cut 中文") == "Tokenizers cut  中  文 "


def test_queries() -> None:
    assert match_query("退款") == '"退 款"'
    assert match_query("refund 退款") == '"refund"* AND "退 款"'
    assert match_query('say "hi"') == '"say"* AND "hi"*'
    assert match_query("tation知故") == '"tation 知 故"'
    assert match_query("  ,,; ") is None
