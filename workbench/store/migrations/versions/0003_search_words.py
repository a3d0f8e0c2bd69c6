"""Full-text search by words and CJK characters instead of trigrams.

The trigram index of 0002 needs three characters, so the most common Chinese searches (two
characters: 退款, 物流) fell back to scanning every run, and Latin queries were slow on common
trigrams. This index tokenizes words, with every CJK character a token of its own
(workbench.store.search_text), so any Chinese string is a phrase query.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_BODY = "wb_search_text({0}.prompt, {0}.output, {0}.note, {0}.template)"


def upgrade() -> None:
    for trigger in ("runs_fts_insert", "runs_fts_delete", "runs_fts_update"):
        op.execute(f"DROP TRIGGER {trigger}")
    op.execute("DROP TABLE runs_fts")
    # Contentless: the text lives once, in runs; the index holds only what wb_search_text made of it.
    op.execute("CREATE VIRTUAL TABLE runs_search USING fts5(body, content='', tokenize='unicode61 remove_diacritics 2')")
    op.execute(
        "CREATE TRIGGER runs_search_insert AFTER INSERT ON runs BEGIN "
        f"INSERT INTO runs_search(rowid, body) VALUES (new.id, {_BODY.format('new')}); END"
    )
    op.execute(
        "CREATE TRIGGER runs_search_delete AFTER DELETE ON runs BEGIN "
        f"INSERT INTO runs_search(runs_search, rowid, body) VALUES ('delete', old.id, {_BODY.format('old')}); END"
    )
    op.execute(
        "CREATE TRIGGER runs_search_update AFTER UPDATE OF prompt, output, note, template ON runs BEGIN "
        f"INSERT INTO runs_search(runs_search, rowid, body) VALUES ('delete', old.id, {_BODY.format('old')}); "
        f"INSERT INTO runs_search(rowid, body) VALUES (new.id, {_BODY.format('new')}); END"
    )
    op.execute(f"INSERT INTO runs_search(rowid, body) SELECT id, {_BODY.format('runs')} FROM runs")


def downgrade() -> None:
    raise NotImplementedError("0003 is not reversible: restore a backup made before the upgrade.")
