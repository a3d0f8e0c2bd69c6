"""A re-run: a stored run's model, exact prompt and settings, as a new request.

A single generation is sent again exactly as the model received it, with its seed, so it repeats;
a vote or a search runs its whole variant again from the inputs it recorded. Nothing is rebuilt by
hand: the request goes through ``prepare`` like any other.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from workbench.app.model import LoadSettings
from workbench.app.prompt_spec import PromptSpec, RunOrigin, RunRequest
from workbench.prompts.chat_formats import CUSTOM, FormatChoice
from workbench.errors import BadInputError
from workbench.prompts.variant_runner import SEARCH_KINDS
from workbench.values.params import GenerateParams

if TYPE_CHECKING:
    from workbench.store.models import RunRow


@dataclass(frozen=True)
class RerunPlan:
    """The model to load (path and its stored load settings) and the request to run on it."""

    load: LoadSettings
    request: RunRequest

    @property
    def model_path(self) -> str:
        return self.load.model


def rerun_plan(row: RunRow, seed: int | None = None, threads: int | None = None) -> RerunPlan:
    """The plan to run stored run ``row`` again (``seed``/``threads`` override the stored ones)."""
    if row.model is None:
        raise BadInputError(f"Run {row.id} has no recorded model, so it cannot be run again.")
    params = GenerateParams.from_dict(row.params)
    sampler = replace(params.sampler, seed=seed if seed is not None else row.seed)
    load = row.load_params or {}
    settings = LoadSettings(
        model=row.model.path,
        n_ctx=int(load.get("n_ctx") or 2048),  # a server that did not say its context stored 0
        n_gpu_layers=int(load.get("n_gpu_layers", 0)),
        n_threads=threads if threads is not None else load.get("n_threads"),
        seed=sampler.seed,
        chat_format=_format_choice(row.chat_format),
    )
    details = row.details or {}
    if row.variant in SEARCH_KINDS and "task" in details:  # votes or a tree: the whole variant again
        spec = PromptSpec(replay=details)
        origin = RunOrigin(template=row.template, chat_format=row.chat_format)
    else:  # the stored prompt already carries the variant's cue or examples
        spec = PromptSpec(text=row.prompt, rendered=True, parse_special=row.mode == "chat" or params.parse_special)
        origin = RunOrigin(row.template, row.variant, row.details, row.mode, row.chat_format)
    request = RunRequest(
        spec,
        sampler=sampler,
        max_tokens=params.max_tokens,
        top_logprobs=params.top_logprobs,
        stop=list(params.stop),
        token_entropy=params.token_entropy,
        origin=origin,
    )
    return RerunPlan(settings, request)


def _format_choice(name: str | None) -> FormatChoice:
    """The chat format a replayed variant renders with again: the one its run recorded, where it
    can be named again (a custom template is not kept: the model's default then)."""
    if name is None or name == CUSTOM:
        return FormatChoice()
    return FormatChoice(name=name)

