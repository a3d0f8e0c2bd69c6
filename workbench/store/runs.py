"""Run history: save every generation, list and search them, star, rate, note, delete.

Listing never loads the token blobs (a run of 500 tokens with its alternatives is ~40 KB); a
run's tokens are decoded only when that run is opened.
"""

from __future__ import annotations

import hashlib
import json
import os
from typing import Any

from sqlalchemy import Select, column, delete, func, or_, select, table, text, update

from workbench.values.branches import Branch, BranchTree
from workbench.values.params import GenerateParams
from workbench.values.results import LoadedModel
from workbench.values.tokens import TokenEvent
from workbench.errors import BadInputError
from workbench.models.info import ModelInfo
from workbench.store.database import Database
from workbench.store.models import ExperimentCaseRow, ModelRecord, RunRow
from workbench.store.search_text import match_query
from workbench.store.run_records import STATUSES, NewRun, RunFilter, RunSummary, naive_utc, utc_now
from workbench.store.token_codec import decode_tokens, encode_tokens

PREVIEW = 160
_FINGERPRINT_SPAN = 1 << 20
_SEARCH = table("runs_search", column("rowid"))
_SEARCH_ROWID = _SEARCH.c.rowid


def fingerprint(path: str) -> str:
    """A content hash of a model file that stays cheap for a 40 GB file: SHA-256 over its size and
    its first and last MiB (GGUF metadata and tensor data sit in both)."""
    size = os.path.getsize(path)
    digest = hashlib.sha256(size.to_bytes(8, "little"))
    with open(path, "rb") as f:
        digest.update(f.read(_FINGERPRINT_SPAN))
        if size > _FINGERPRINT_SPAN:
            f.seek(max(_FINGERPRINT_SPAN, size - _FINGERPRINT_SPAN))
            digest.update(f.read(_FINGERPRINT_SPAN))
    return digest.hexdigest()


def remote_fingerprint(identity: dict[str, Any]) -> str:
    """A server model's identity: its endpoint's address, its name there, and what the server said of it."""
    said = {k: identity.get(k) for k in ("url", "model", "server", "owned_by", "created")}
    return "remote:" + hashlib.sha256(json.dumps(said, sort_keys=True, default=str).encode()).hexdigest()[:56]


def model_fingerprint(info: ModelInfo) -> str:
    """What identifies a model's content: the file's hash, or a server model's identity."""
    return remote_fingerprint(info.remote) if info.remote is not None else fingerprint(info.path)


class RunStore:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._fingerprints: dict[tuple[str, int, float], str] = {}

    # -- saving ---------------------------------------------------------------------------

    def _model_id(self, session: Any, info: ModelInfo, loaded: LoadedModel | None) -> int | None:
        if info.remote is not None:
            fp = remote_fingerprint(info.remote)
        else:
            try:
                stat = os.stat(info.path)
                key = (info.path, stat.st_size, stat.st_mtime)
                fp = self._fingerprints.get(key) or self._fingerprints.setdefault(key, fingerprint(info.path))
            except OSError:
                return None  # the file went away meanwhile: the run is still worth keeping
        record = session.scalar(select(ModelRecord).where(ModelRecord.fingerprint == fp))
        if record is None:
            record = ModelRecord(
                fingerprint=fp,
                path=info.path,
                file_name=os.path.basename(info.path) if info.remote is None else str(info.remote.get("model", "")),
                size_bytes=info.size_bytes,
                name=info.display_name,
                architecture=info.architecture or (f"remote: {info.remote.get('server', '')}" if info.remote else ""),
                file_type=info.file_type or "",
                context_length=info.context_length,
                vocab_size=loaded.n_vocab if loaded else info.vocab_size,
                first_seen=utc_now(),
            )
            session.add(record)
            session.flush()
        elif record.path != info.path:
            record.path = info.path  # the same file, moved
        return record.id

    def save(self, run: NewRun) -> int:
        """Store a run; returns its id. Raises StoreError (read-only, disk full...)."""
        with self.db.session() as session:
            return self.add(session, run)

    def add(self, session: Any, run: NewRun) -> int:
        """Add a run in ``session`` (another store's unit of work: an experiment's case and its
        run are written in one transaction); returns its id."""
        if run.status not in STATUSES:
            raise BadInputError(f"Unknown run status {run.status!r}.")
        done, t = run.done, run.done.timings if run.done else None
        row = RunRow(
            created_at=utc_now(),
            source=run.source,
            model_id=self._model_id(session, run.model, run.loaded) if run.model else None,
            backend=run.loaded.backend if run.loaded else "",
            load_params=_load_params(run.loaded),
            params=run.params.to_dict(),
            mode=run.mode,
            template=run.template,
            variant=run.variant,
            prompt=run.prompt,
            output=run.output,
            status=run.status,
            error=run.error,
            finish_reason=done.finish_reason if done else "",
            seed=done.seed if done else None,
            prompt_tokens=done.prompt_tokens if done else 0,
            # A vote keeps its samples' texts, not their tokens: count what was generated.
            completion_tokens=len(run.tokens) or (done.completion_tokens if done else 0),
            prompt_s=t.prompt_s if t else 0.0,
            gen_s=t.gen_s if t else 0.0,
            tokens_per_s=t.tokens_per_s if t else 0.0,
            tokens=encode_tokens(run.tokens) if run.tokens else None,
            branches=_branches_json(run.branches) if run.branches and len(run.branches.branches) > 1 else None,
            details=run.details,
            conversation=run.conversation,
            turn=run.turn,
            messages=run.messages,
            chat_format=run.chat_format,
        )
        session.add(row)
        session.flush()
        return row.id

    # -- reading --------------------------------------------------------------------------

    def _summaries(self, f: RunFilter, limit: int, offset: int, after: int | None = None) -> list[RunSummary]:
        where, searching = self._where(f)
        model_name = func.coalesce(ModelRecord.name, "")
        query = (
            where.add_columns(
                RunRow.id, RunRow.created_at, RunRow.source, model_name, RunRow.mode, RunRow.template,
                RunRow.variant, RunRow.status, func.substr(RunRow.prompt, 1, PREVIEW),
                func.substr(RunRow.output, 1, PREVIEW), RunRow.completion_tokens, RunRow.tokens_per_s,
                RunRow.starred, RunRow.rating,
            )
            .outerjoin(ModelRecord, RunRow.model_id == ModelRecord.id)
            # Newest first, by id (ids follow saving order). A search walks its index backwards
            # and stops at the page's end instead of collecting every match first.
            .order_by(_SEARCH_ROWID.desc() if searching else RunRow.id.desc())
            .limit(limit)
            .offset(offset)
        )
        if after is not None:  # keyset paging: as fast on page 500 as on page 1
            query = query.where(RunRow.id < after)
        with self.db.session() as session:
            return [RunSummary(*row) for row in session.execute(query)]

    def _where(self, f: RunFilter) -> tuple[Select[Any], bool]:
        """The runs matching ``f`` (no columns yet), and whether the search index drives the query."""
        match = match_query(f.query)
        if match:
            q = (
                select()
                .select_from(_SEARCH)
                .join(RunRow, RunRow.id == _SEARCH_ROWID)
                .where(text("runs_search MATCH :match"))
                .params(match=match)
            )
        else:
            q = select().select_from(RunRow)
        if f.model:
            q = q.where(RunRow.model_id.in_(select(ModelRecord.id).where(or_(ModelRecord.name.contains(f.model), ModelRecord.file_name.contains(f.model)))))
        if f.template:
            q = q.where(RunRow.template.contains(f.template))
        if f.variant:
            q = q.where(RunRow.variant == f.variant)
        if f.status:
            if f.status not in STATUSES:
                raise BadInputError(f"Unknown status {f.status!r}: use one of {', '.join(STATUSES)}.")
            q = q.where(RunRow.status == f.status)
        if f.starred:
            q = q.where(RunRow.starred.is_(True))
        if f.min_rating:
            q = q.where(RunRow.rating >= f.min_rating)
        if f.experiment is not None:
            q = q.where(RunRow.id.in_(select(ExperimentCaseRow.run_id).where(ExperimentCaseRow.experiment_id == f.experiment)))
        if f.since:
            q = q.where(RunRow.created_at >= naive_utc(f.since))
        if f.until:
            q = q.where(RunRow.created_at < naive_utc(f.until))
        return q, match is not None

    def list(
        self, f: RunFilter | None = None, limit: int = 100, offset: int = 0, after: RunSummary | None = None
    ) -> list[RunSummary]:
        """Runs matching ``f``, newest first; ``after``: the page that follows that run."""
        return self._summaries(f or RunFilter(), limit, offset, after.id if after is not None else None)

    def count(self, f: RunFilter | None = None, cap: int | None = None) -> int:
        """How many runs match; with ``cap``, counting stops there (a common word can match most
        of 100,000 runs, and "10,000+" says enough)."""
        where, searching = self._where(f or RunFilter())
        # Ordered like the list, so that SQLite walks the search index and looks up each match,
        # never the reverse (running the full-text query once per run took seconds).
        where = where.add_columns(RunRow.id).order_by(_SEARCH_ROWID.desc() if searching else RunRow.id.desc())
        if cap is not None:
            where = where.limit(cap)
        with self.db.session() as session:
            return int(session.scalar(select(func.count()).select_from(where.subquery())) or 0)

    def get(self, run_id: int) -> RunRow:
        with self.db.session() as session:
            row = session.get(RunRow, run_id)
            if row is None:
                raise BadInputError(f"There is no run {run_id} in {self.db.path}.")
            return row

    def model_names(self) -> list[str]:
        """The names of the models runs were made with (for a filter)."""
        with self.db.session() as session:
            return sorted(set(session.scalars(select(ModelRecord.name).where(ModelRecord.name != ""))))

    def existing(self, run_ids: list[int]) -> set[int]:
        with self.db.session() as session:
            return set(session.scalars(select(RunRow.id).where(RunRow.id.in_(run_ids))))

    def tokens(self, run_id: int) -> list[TokenEvent]:
        blob = self.get(run_id).tokens
        return decode_tokens(blob) if blob else []

    # -- changing -------------------------------------------------------------------------

    def annotate(self, run_id: int, *, starred: bool | None = None, rating: int | None = None, note: str | None = None) -> None:
        values: dict[str, Any] = {}
        if starred is not None:
            values["starred"] = starred
        if rating is not None:
            if not 0 <= rating <= 5:
                raise BadInputError("A rating is 1 to 5 stars (0 clears it).")
            values["rating"] = rating or None
        if note is not None:
            values["note"] = note
        if values:
            with self.db.session() as session:
                if session.execute(update(RunRow).where(RunRow.id == run_id).values(**values)).rowcount == 0:
                    raise BadInputError(f"There is no run {run_id}.")

    def update_tree(self, run_id: int, tree: BranchTree) -> None:
        """A run's branches changed (a new branch, or one continued): store the tree; the main
        branch is the run's own output and tokens."""
        root = tree.get(0)
        with self.db.session() as session:
            row = session.get(RunRow, run_id)
            if row is None:
                raise BadInputError(f"There is no run {run_id}.")
            row.output = root.text
            row.tokens = encode_tokens(root.tokens) if root.tokens else None
            row.completion_tokens = len(root.tokens)
            row.finish_reason = root.finish_reason
            row.branches = _branches_json(tree) if len(tree.branches) > 1 else None

    def tree(self, run_id: int) -> BranchTree | None:
        """The saved branch tree of a run (None when it was never branched)."""
        row = self.get(run_id)
        if not row.branches:
            return None
        tree = BranchTree(GenerateParams.from_dict(row.params))
        for b in row.branches["branches"]:
            tree.branches.append(Branch(b["id"], b["parent"], b["at"], decode_tokens(bytes.fromhex(b["tokens"])), b["finish_reason"], bool(b.get("redraw"))))
        return tree

    def delete(self, run_ids: list[int]) -> int:
        with self.db.session() as session:
            return int(session.execute(delete(RunRow).where(RunRow.id.in_(run_ids))).rowcount)


def _load_params(loaded: LoadedModel | None) -> dict[str, Any]:
    """The load settings a run needs to be repeated (``history rerun``)."""
    if loaded is None:
        return {}
    if loaded.remote:  # a server model: where it ran (its context, if the server said it)
        return {"remote": loaded.remote, **({"n_ctx": loaded.n_ctx} if loaded.n_ctx else {})}
    return {"n_ctx": loaded.n_ctx, "n_gpu_layers": loaded.n_gpu_layers_requested, "n_threads": loaded.n_threads}


def _branches_json(tree: BranchTree) -> dict[str, Any]:
    """The branch tree with each branch's tokens in the token blob format (hex), so a saved run can
    be branched again exactly."""
    return {
        "branches": [
            {"id": b.id, "parent": b.parent, "at": b.at, "finish_reason": b.finish_reason, "redraw": b.redraw, "text": b.text, "tokens": encode_tokens(b.tokens).hex()}
            for b in tree.branches
        ]
    }
