"""Multi-turn chats: each run of a chat turn names its conversation, its turn and the messages it
sent, so History can reopen the conversation where that turn left it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (SQLite does it in place): a batch copy of the table would drop the
    # search index's triggers.
    op.add_column("runs", sa.Column("conversation", sa.String(32), nullable=True))
    op.add_column("runs", sa.Column("turn", sa.Integer, nullable=True))
    op.add_column("runs", sa.Column("messages", sa.JSON, nullable=True))
    op.create_index("runs_conversation", "runs", ["conversation", "id"])


def downgrade() -> None:
    op.drop_index("runs_conversation", "runs")
    for column in ("messages", "turn", "conversation"):
        op.drop_column("runs", column)
