"""Full-text search over runs: an FTS5 index of prompt, output, note and template, kept by triggers.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # An external-content table: the text lives once, in runs; the index refers to runs.id.
    # unicode61 splits Latin words; CJK has no spaces, so the trigram tokenizer finds any
    # 3-character run of Chinese too (shorter queries fall back to LIKE in the store).
    op.execute(
        "CREATE VIRTUAL TABLE runs_fts USING fts5("
        "prompt, output, note, template, content='runs', content_rowid='id', tokenize='trigram')"
    )
    op.execute(
        "CREATE TRIGGER runs_fts_insert AFTER INSERT ON runs BEGIN "
        "INSERT INTO runs_fts(rowid, prompt, output, note, template) "
        "VALUES (new.id, new.prompt, new.output, new.note, coalesce(new.template, '')); END"
    )
    op.execute(
        "CREATE TRIGGER runs_fts_delete AFTER DELETE ON runs BEGIN "
        "INSERT INTO runs_fts(runs_fts, rowid, prompt, output, note, template) "
        "VALUES ('delete', old.id, old.prompt, old.output, old.note, coalesce(old.template, '')); END"
    )
    op.execute(
        "CREATE TRIGGER runs_fts_update AFTER UPDATE OF prompt, output, note, template ON runs BEGIN "
        "INSERT INTO runs_fts(runs_fts, rowid, prompt, output, note, template) "
        "VALUES ('delete', old.id, old.prompt, old.output, old.note, coalesce(old.template, '')); "
        "INSERT INTO runs_fts(rowid, prompt, output, note, template) "
        "VALUES (new.id, new.prompt, new.output, new.note, coalesce(new.template, '')); END"
    )
    op.execute("INSERT INTO runs_fts(runs_fts) VALUES ('rebuild')")  # runs made before this revision


def downgrade() -> None:
    for trigger in ("runs_fts_insert", "runs_fts_delete", "runs_fts_update"):
        op.execute(f"DROP TRIGGER {trigger}")
    op.execute("DROP TABLE runs_fts")
