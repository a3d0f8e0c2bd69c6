"""Models and runs: every generation with its settings, output and tokens.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "models",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("fingerprint", sa.String(64), nullable=False, unique=True),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("file_name", sa.Text, nullable=False),
        sa.Column("size_bytes", sa.BigInteger, nullable=False),
        sa.Column("name", sa.Text, nullable=False, server_default=""),
        sa.Column("architecture", sa.Text, nullable=False, server_default=""),
        sa.Column("file_type", sa.Text, nullable=False, server_default=""),
        sa.Column("context_length", sa.Integer),
        sa.Column("vocab_size", sa.Integer),
        sa.Column("first_seen", sa.DateTime, nullable=False),
    )
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("model_id", sa.Integer, sa.ForeignKey("models.id", ondelete="SET NULL")),
        sa.Column("backend", sa.Text, nullable=False, server_default=""),
        sa.Column("load_params", sa.JSON, nullable=False),
        sa.Column("params", sa.JSON, nullable=False),
        sa.Column("mode", sa.String(16), nullable=False),
        sa.Column("template", sa.Text),
        sa.Column("variant", sa.String(32)),
        sa.Column("prompt", sa.Text, nullable=False),
        sa.Column("output", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("error", sa.Text),
        sa.Column("finish_reason", sa.String(16), nullable=False, server_default=""),
        sa.Column("seed", sa.BigInteger),
        sa.Column("prompt_tokens", sa.Integer, nullable=False, server_default="0"),
        sa.Column("completion_tokens", sa.Integer, nullable=False, server_default="0"),
        sa.Column("prompt_s", sa.Float, nullable=False, server_default="0"),
        sa.Column("gen_s", sa.Float, nullable=False, server_default="0"),
        sa.Column("tokens_per_s", sa.Float, nullable=False, server_default="0"),
        sa.Column("tokens", sa.LargeBinary),
        sa.Column("branches", sa.JSON),
        sa.Column("starred", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("rating", sa.Integer),
        sa.Column("note", sa.Text, nullable=False, server_default=""),
        sa.CheckConstraint("status IN ('ok', 'cancelled', 'error')", name="status_known"),
        sa.CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="rating_range"),
    )
    op.create_index("runs_created_at", "runs", ["created_at"])
    op.create_index("runs_model", "runs", ["model_id", "created_at"])
    op.create_index("runs_status", "runs", ["status", "created_at"])


def downgrade() -> None:
    op.drop_table("runs")
    op.drop_table("models")
