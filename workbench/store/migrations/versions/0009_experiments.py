"""Experiments: a definition run over a dataset, each case an ordinary run of the history linked
from its experiment, row, column and repeat, with its verdict; identical cases share a key, so a
case seen before is answered from the history.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "experiments",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("runner_pid", sa.Integer, nullable=True),
        sa.Column("definition", sa.JSON, nullable=False),
        sa.Column("plan", sa.JSON, nullable=False),
        sa.Column("n_cases", sa.Integer, nullable=False, server_default="0"),
        sa.Column("error", sa.Text, nullable=True),
    )
    op.create_table(
        "experiment_cases",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("experiment_id", sa.Integer, sa.ForeignKey("experiments.id", ondelete="CASCADE"), nullable=False),
        sa.Column("row", sa.Integer, nullable=False),
        sa.Column("column", sa.Text, nullable=False),
        sa.Column("repeat", sa.Integer, nullable=False, server_default="0"),
        sa.Column("run_id", sa.Integer, sa.ForeignKey("runs.id", ondelete="SET NULL"), nullable=True),
        sa.Column("case_key", sa.String(64), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("error", sa.Text, nullable=True),
        sa.Column("passed", sa.Boolean, nullable=True),
        sa.Column("score", sa.Float, nullable=True),
        sa.Column("output", sa.Text, nullable=False, server_default=""),
        sa.Column("answer", sa.Text, nullable=True),
        sa.Column("assertions", sa.JSON, nullable=False),
        sa.Column("label_probs", sa.JSON, nullable=True),
        sa.Column("label_tokens", sa.JSON, nullable=True),
        sa.Column("variables", sa.JSON, nullable=False),
        sa.Column("completion_tokens", sa.Integer, nullable=False, server_default="0"),
        sa.Column("latency_s", sa.Float, nullable=False, server_default="0"),
        sa.Column("cached", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("experiment_id", "row", "column", "repeat", name="one_case_per_cell"),
    )
    op.create_index("experiment_cases_key", "experiment_cases", ["case_key"])
    op.create_index("experiment_cases_run", "experiment_cases", ["run_id"])


def downgrade() -> None:
    op.drop_index("experiment_cases_run", "experiment_cases")
    op.drop_index("experiment_cases_key", "experiment_cases")
    op.drop_table("experiment_cases")
    op.drop_table("experiments")
