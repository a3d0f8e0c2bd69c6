"""Run history on a real SQLite file: save, read back exactly, search, filter, annotate, delete."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from workbench.values.branches import BranchTree
from workbench.values.params import GenerateParams
from workbench.values.tokens import Alternative, TokenEvent
from workbench.errors import BadInputError
from workbench.models.info import model_info
from workbench.store.database import Database
from workbench.store.run_records import RunFilter
from workbench.store.runs import RunStore
from workbench.store.token_codec import decode_tokens, encode_tokens

from tests.helpers.runs import new_run, tokens



@pytest.fixture
def store(tmp_path: Path) -> RunStore:
    return RunStore(Database(tmp_path / "w.sqlite"))


def same_tokens(got: list[TokenEvent], want: list[TokenEvent]) -> bool:
    """Equal, except that alternatives' logprobs are kept as float32 (llama.cpp's own precision)."""
    for g, w in zip(got, want, strict=True):
        assert (g.id, g.text, g.bytes, g.logprob, g.entropy) == (w.id, w.text, w.bytes, w.logprob, w.entropy)
        assert [(a.id, a.text, a.bytes) for a in g.top] == [(a.id, a.text, a.bytes) for a in w.top]
        assert [a.logprob for a in g.top] == pytest.approx([a.logprob for a in w.top], rel=1e-6)
    return True


def test_token_blob_round_trips_bytes_logprobs_and_entropy() -> None:
    back = decode_tokens(encode_tokens(tokens()))
    assert same_tokens(back, tokens())  # bytes of half characters, None entropy, the token's float64 logprob
    assert b"".join(t.bytes for t in back).decode() == "世 好"


def test_save_and_read_back_a_run_with_its_model_and_branches(store: RunStore, model_path: Path) -> None:
    tree = BranchTree(GenerateParams("The sky is"))
    tree.add_root(tokens(), "stop")
    tree.add_branch(0, 1, Alternative(9, " the", -2.5, b" the"), [], "length")
    info = model_info(str(model_path))
    run_id = store.save(new_run(model=info, branches=tree, template="sky@3", variant="direct"))
    row = store.get(run_id)
    assert (row.prompt, row.output, row.status, row.finish_reason, row.seed) == ("The sky is", "blue today", "ok", "stop", 5)
    assert row.params["sampler"]["temperature"] == 0.7 and row.params["top_logprobs"] == 2
    assert row.model is not None and row.model.file_name == model_path.name and len(row.model.fingerprint) == 64
    assert row.model.size_bytes == model_path.stat().st_size and row.model.vocab_size == 49152
    assert same_tokens(store.tokens(run_id), tokens())
    saved = row.branches["branches"]
    assert [b["parent"] for b in saved] == [None, 0]
    assert decode_tokens(bytes.fromhex(saved[1]["tokens"]))[1].id == 9
    # The same model file again is the same model record.
    second = store.save(new_run(model=info))
    assert store.get(second).model_id == row.model_id


def test_search_and_filters(store: RunStore) -> None:
    a = store.save(new_run("Classify the review: 物流很快，包装完好", "正面"))
    b = store.save(new_run("Summarise the meeting notes", "The team agreed", variant="zero_shot_cot"))
    c = store.save(new_run("Summarise the review", "too slow", template="review@1"))
    store.save(new_run("Broken", "", status="error", error="llama.cpp failed"))
    assert [s.id for s in store.list(RunFilter(query="review"))] == [c, a]
    assert [s.id for s in store.list(RunFilter(query="summarise review"))] == [c]  # every word must match
    assert [s.id for s in store.list(RunFilter(query="包装完"))] == [a]  # Chinese, inside a phrase
    assert [s.id for s in store.list(RunFilter(query="物流"))] == [a]  # two characters: scanned
    assert [s.id for s in store.list(RunFilter(variant="zero_shot_cot"))] == [b]
    assert [s.id for s in store.list(RunFilter(template="review"))] == [c]
    assert store.count(RunFilter(status="error")) == 1
    assert store.count() == 4
    assert store.list(RunFilter(since=datetime.now(UTC) + timedelta(hours=1))) == []
    with pytest.raises(BadInputError, match="Unknown status"):
        store.list(RunFilter(status="weird"))
    assert store.list(RunFilter(query='"; DROP TABLE runs; --')) == []  # quoted, not executed


def test_annotate_and_delete_keep_the_index_in_step(store: RunStore) -> None:
    run_id = store.save(new_run())
    store.annotate(run_id, starred=True, rating=4, note="great answer, keep")
    summary = store.list(RunFilter(starred=True, min_rating=4))[0]
    assert summary.id == run_id and summary.starred and summary.rating == 4
    assert [s.id for s in store.list(RunFilter(query="great answer"))] == [run_id]  # the note is searchable
    with pytest.raises(BadInputError, match="1 to 5"):
        store.annotate(run_id, rating=9)
    assert store.delete([run_id]) == 1
    assert store.list(RunFilter(query="great answer")) == [] and store.count() == 0
    with pytest.raises(BadInputError, match="no run"):
        store.get(run_id)


def test_branches_of_a_run_are_saved_and_come_back(store: RunStore) -> None:
    tree = BranchTree(GenerateParams("The sky is", max_tokens=8))
    tree.add_root(tokens(), "stop")
    run_id = store.save(new_run())
    assert store.tree(run_id) is None
    tree.add_branch(0, 2, Alternative(9, " the", -2.5, b" the"), [TokenEvent(4, " end", b" end", -0.5, [])], "length")
    tree.extend(0, [TokenEvent(5, "!", b"!", -0.1, [])], "stop")  # main continued
    store.update_tree(run_id, tree)
    back = store.tree(run_id)
    assert back is not None and [(b.id, b.parent, b.at) for b in back.branches] == [(0, None, 0), (1, 0, 2)]
    assert back.get(1).text == tree.get(1).text and back.get(1).tokens[-1].logprob == -0.5
    row = store.get(run_id)
    assert row.output == tree.get(0).text and row.completion_tokens == 4 and row.finish_reason == "stop"
    assert [s.output for s in store.list(RunFilter(query="!"))] == [tree.get(0).text]


def test_pages_follow_each_other_without_gaps(store: RunStore) -> None:
    ids = [store.save(new_run(f"run {i}")) for i in range(7)]
    pages, after = [], None
    while page := store.list(limit=3, after=after):
        pages.append([s.id for s in page])
        after = page[-1]
    assert pages == [ids[::-1][:3], ids[::-1][3:6], ids[::-1][6:]]
