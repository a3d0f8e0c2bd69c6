"""Chain-of-thought variants stored with each template version, and what a variant run found
(self-consistency votes, the tree of thought) stored with the run.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN, never a table rebuild: runs may hold gigabytes, and its search triggers stay.
    op.add_column("template_versions", sa.Column("variants", sa.JSON, nullable=False, server_default="[]"))
    op.add_column("runs", sa.Column("details", sa.JSON, nullable=True))


def downgrade() -> None:
    op.drop_column("runs", "details")
    op.drop_column("template_versions", "variants")
