"""The database tables as typed SQLAlchemy models (the schema itself is made by the migrations)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Float, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class ModelRecord(Base):
    """A model file as runs knew it: identified by content, so a moved file is the same model."""

    __tablename__ = "models"

    id: Mapped[int] = mapped_column(primary_key=True)
    fingerprint: Mapped[str] = mapped_column(String(64), unique=True)
    path: Mapped[str] = mapped_column(Text)
    file_name: Mapped[str] = mapped_column(Text)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    name: Mapped[str] = mapped_column(Text, default="")
    architecture: Mapped[str] = mapped_column(Text, default="")
    file_type: Mapped[str] = mapped_column(Text, default="")
    context_length: Mapped[int | None]
    vocab_size: Mapped[int | None]
    first_seen: Mapped[datetime]


class RunRow(Base):
    __tablename__ = "runs"
    __table_args__ = (
        Index("runs_created_at", "created_at"),
        Index("runs_model", "model_id", "created_at"),
        Index("runs_status", "status", "created_at"),
        Index("runs_conversation", "conversation", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime]
    source: Mapped[str] = mapped_column(String(16))  # "gui" | "cli"
    model_id: Mapped[int | None] = mapped_column(ForeignKey("models.id", ondelete="SET NULL"))
    backend: Mapped[str] = mapped_column(Text, default="")
    load_params: Mapped[dict[str, Any]] = mapped_column(JSON)
    params: Mapped[dict[str, Any]] = mapped_column(JSON)  # GenerateParams.to_dict(), sampler included
    mode: Mapped[str] = mapped_column(String(16))  # "completion" | "chat"
    template: Mapped[str | None] = mapped_column(Text)  # "name@version" when a template made the prompt
    variant: Mapped[str | None] = mapped_column(String(32))
    prompt: Mapped[str] = mapped_column(Text)  # exactly what the model received, rendered
    output: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))  # "ok" | "cancelled" | "error"
    error: Mapped[str | None] = mapped_column(Text)
    finish_reason: Mapped[str] = mapped_column(String(16), default="")
    seed: Mapped[int | None] = mapped_column(BigInteger)
    prompt_tokens: Mapped[int] = mapped_column(default=0)
    completion_tokens: Mapped[int] = mapped_column(default=0)
    prompt_s: Mapped[float] = mapped_column(Float, default=0.0)
    gen_s: Mapped[float] = mapped_column(Float, default=0.0)
    tokens_per_s: Mapped[float] = mapped_column(Float, default=0.0)
    tokens: Mapped[bytes | None] = mapped_column(LargeBinary)  # token_codec.encode_tokens
    branches: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # BranchTree.to_json() minus tokens
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # a variant's findings: votes, the tree of thought
    conversation: Mapped[str | None] = mapped_column(String(32))  # the chat this run is a turn of
    turn: Mapped[int | None]  # its number in that chat (1: the first user message)
    messages: Mapped[list[dict[str, str]] | None] = mapped_column(JSON)  # the chat messages it sent [{role, content}]
    chat_format: Mapped[str | None] = mapped_column(String(32))  # "gguf", "custom" or a built-in's name; None: not a chat
    starred: Mapped[bool] = mapped_column(default=False)
    rating: Mapped[int | None]
    note: Mapped[str] = mapped_column(Text, default="")

    model: Mapped[ModelRecord | None] = relationship(lazy="joined")


class TemplateRow(Base):
    __tablename__ = "templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    mode: Mapped[str] = mapped_column(String(16))  # "completion" | "chat"
    archived: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]

    versions: Mapped[list[TemplateVersionRow]] = relationship(
        back_populates="template", order_by="TemplateVersionRow.number", cascade="all, delete-orphan", passive_deletes=True
    )
    labels: Mapped[list[TemplateLabelRow]] = relationship(cascade="all, delete-orphan", passive_deletes=True)


class TemplateVersionRow(Base):
    """One saved state of a template. Never changed once written: an edit makes the next one."""

    __tablename__ = "template_versions"
    __table_args__ = (UniqueConstraint("template_id", "number", name="one_number_per_template"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(ForeignKey("templates.id", ondelete="CASCADE"))
    number: Mapped[int]
    system: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text)  # sandboxed Jinja
    variables: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # [{name, default, description}]
    examples: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # [{input, reasoning, output}]
    variants: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # [{name, kind, settings...}]
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]

    template: Mapped[TemplateRow] = relationship(back_populates="versions")


class TemplateLabelRow(Base):
    __tablename__ = "template_labels"

    template_id: Mapped[int] = mapped_column(ForeignKey("templates.id", ondelete="CASCADE"), primary_key=True)
    label: Mapped[str] = mapped_column(Text, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("template_versions.id", ondelete="CASCADE"))


class ExperimentRow(Base):
    """An experiment: its definition (as checked, with template refs pinned to versions), its
    columns and their signatures, and how far it got."""

    __tablename__ = "experiments"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text, default="")  # the definition file, if any
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(16))  # running | paused | done | cancelled | error
    runner_pid: Mapped[int | None]  # the process running it ("running" without it alive: interrupted)
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)  # the definition as given
    plan: Mapped[dict[str, Any]] = mapped_column(JSON)  # columns [{id, prompt, variant, model, signature, template}], rows
    n_cases: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(Text)


class ExperimentCaseRow(Base):
    """One case of an experiment: a dataset row in a column, one repeat; its run and verdict."""

    __tablename__ = "experiment_cases"
    __table_args__ = (
        UniqueConstraint("experiment_id", "row", "column", "repeat", name="one_case_per_cell"),
        Index("experiment_cases_key", "case_key"),
        Index("experiment_cases_run", "run_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    experiment_id: Mapped[int] = mapped_column(ForeignKey("experiments.id", ondelete="CASCADE"))
    row: Mapped[int]
    column: Mapped[str] = mapped_column(Text)
    repeat: Mapped[int] = mapped_column(default=0)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id", ondelete="SET NULL"))
    case_key: Mapped[str | None] = mapped_column(String(64))  # identical cases share it (the cache)
    status: Mapped[str] = mapped_column(String(16))  # ok | error
    error: Mapped[str | None] = mapped_column(Text)
    passed: Mapped[bool | None]
    score: Mapped[float | None] = mapped_column(Float)
    output: Mapped[str] = mapped_column(Text, default="")
    answer: Mapped[str | None] = mapped_column(Text)  # what a variant extracted or voted
    assertions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    label_probs: Mapped[dict[str, float] | None] = mapped_column(JSON)
    label_tokens: Mapped[dict[str, int] | None] = mapped_column(JSON)  # tokens per label (several: summed)
    variables: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)  # the row's values
    completion_tokens: Mapped[int] = mapped_column(default=0)
    latency_s: Mapped[float] = mapped_column(Float, default=0.0)
    cached: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime]


class MetaRow(Base):
    """Facts about the database itself, by key."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(Text, primary_key=True)
    value: Mapped[str] = mapped_column(Text)
