"""`workbench run --variant KIND`: chain-of-thought variants from the command line.

Single-pass variants (direct, zero-shot and few-shot CoT) only change the prompt, and then stream
like any run. Self-consistency and tree of thought run several generations; their progress goes to
standard error and their findings (votes, the explored tree) into the run's JSON and history.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from workbench.errors import PromptError, WorkbenchError


def variant_task(args: argparse.Namespace, info: Any, loaded: Any, base: Any) -> Any:
    """The VariantTask that ``--variant`` asks for (with --template or a plain --prompt); None
    without --variant."""
    from workbench.prompts.chat import ChatFormat
    from workbench.prompts.variant_runner import make_task, task_from_record
    from workbench.prompts.variants import language_of, pick, prompt_builder

    wanted = getattr(args, "variant", None)
    saved = getattr(args, "rerun_details", None) or {}
    if not wanted:
        return None

    chat = ChatFormat.of(info, loaded)

    def builder(mode: str) -> Any:
        return prompt_builder(mode, chat)

    if "task" in saved and "variant" in saved:  # history rerun: the same variant on the same inputs
        args.mode = saved["task"].get("mode", "completion")
        return task_from_record(saved, base, builder)
    if getattr(args, "template", None):
        from workbench.cli_templates import open_templates, parse_vars

        if args.prompt is not None:
            raise PromptError("Give --prompt or --template, not both.")
        version = open_templates(args).resolve(args.template)
        args.template_ref = version.ref
        args.mode = "chat" if (args.chat or version.mode == "chat") else "completion"
        task = version.variant_task(wanted, parse_vars(args.var), builder(args.mode), base)
        if args.system:
            task.system = args.system
        return task
    from workbench.cli import _read_prompt

    text = _read_prompt(args)
    args.mode = "chat" if args.chat else "completion"
    variant = pick([], wanted, language=language_of(text, args.system or ""))
    return make_task(variant, args.system or "", text, [], builder(args.mode), base)


def run_search_variant(args: argparse.Namespace, client: Any, info: Any, loaded: Any, task: Any) -> int:
    """Self-consistency or tree of thought: several generations, one saved run."""
    from workbench.cli import _install_interrupt, _model_json
    from workbench.prompts.variant_runner import VariantRunner, task_record

    def progress(done: int, total: int, what: str) -> None:
        if not args.json or sys.stderr.isatty():
            print(f"[{done}/{total}] {what}", file=sys.stderr, flush=True)

    runner = VariantRunner(client, progress)
    _install_interrupt(runner)
    try:
        result = runner.run(task)
    except WorkbenchError as e:  # the engine failed mid-way: the history still learns of it
        if not args.no_history:
            _save(args, info, loaded, task, None, str(e))
        raise
    run_id = None if args.no_history else _save(args, info, loaded, task, result, None)
    details = {**task_record(task), **result.details}
    done = result.done
    t = done.timings if done else None
    if args.json:
        print(json.dumps({
            "model": _model_json(info, loaded),
            "params": {**task.record_params().sampler.to_dict(), "seed": done.seed if done else None,
                       "max_tokens": task.variant.get("max_tokens")},
            "variant": task.variant.to_json(),
            "prompt": result.prompt,
            "prompt_tokens": done.prompt_tokens if done else 0,
            "text": result.output,
            "status": result.status,
            "finish_reason": done.finish_reason if done else "cancelled",
            "timings": {"prompt_s": t.prompt_s, "gen_s": t.gen_s, "tokens_per_s": t.tokens_per_s} if t else None,
            "details": details,
            "tokens": [t.to_dict() for t in result.tokens],
            "run_id": run_id,
        }, ensure_ascii=False, indent=2))
        return 0
    print(result.output)
    if task.variant.kind == "tree_of_thought" and details.get("path"):
        print("best path:\n" + "\n".join(f"  {i}. {s}" for i, s in enumerate(details["path"], 1)), file=sys.stderr)
    seed = f", seed {done.seed}" if done else ""
    saved = f", saved as run {run_id}" if run_id is not None else ""
    print(f"[{result.status}] {task.variant.name} ({task.variant.kind}){seed}{saved}", file=sys.stderr)
    return 0


def _save(args: argparse.Namespace, info: Any, loaded: Any, task: Any, result: Any, error: str | None) -> int | None:
    from workbench.cli import open_store
    from workbench.prompts.variant_runner import task_record
    from workbench.store.runs import NewRun

    details = task_record(task)
    if result is not None:
        details.update(result.details)
    run = NewRun(
        source="cli", mode=args.mode, prompt=result.prompt if result else task.prompt(),
        output=result.output if result else "", params=task.record_params(), model=info, loaded=loaded,
        tokens=list(result.tokens) if result else [], done=result.done if result else None,
        status="error" if error else result.status, error=error, template=getattr(args, "template_ref", None),
        variant=task.variant.kind, details=details,
    )
    try:
        return open_store(args).save(run)
    except WorkbenchError as e:
        print(f"warning: the run was not saved in the history: {e}", file=sys.stderr)
        return None
