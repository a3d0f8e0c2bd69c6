"""The application layer: the only place where the steps of a run are composed.

Qt-free, and the CLI and the window both call it: a workspace (one database per process), prompt
specs rendered into exact prompts, run requests → results → history records, re-runs,
resampling, variants, and the window's run session (its branch tree). It imports nothing from
``workbench.cli`` or ``workbench.gui``.
"""
