"""Chat formats: each chat run records the format its prompt was rendered with ("gguf" for the
file's own template, "custom" for the user's, or a built-in's name), so a run made with a guessed
format can be told from one made with the model's own.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN, as in 0007: a batch copy would drop the search index's triggers.
    op.add_column("runs", sa.Column("chat_format", sa.String(32), nullable=True))


def downgrade() -> None:
    op.drop_column("runs", "chat_format")
