"""An experiment summary (the ``eval --json`` object) written out as CSV, JSONL or one
self-contained HTML report. Standard library only; every writer takes an open text stream.
"""

from __future__ import annotations

import csv
import html
import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TextIO

from workbench.app.experiments.stats import pair_sentence

FORMATS = ("csv", "jsonl", "html")
MATRIX_MAX_CASES = 2000  # the HTML case matrix shows at most this many cases

CSV_COLUMNS = (
    "experiment_id", "row", "column", "prompt", "variant", "model", "repeat", "run_id", "status",
    "passed", "score", "cached", "output", "answer", "error", "completion_tokens", "latency_s",
    "assertions", "label_probs",
)
VAR_PREFIX = "var:"


def export(summary: Mapping[str, Any], fmt: str, out: TextIO) -> None:
    """Write ``summary`` to ``out`` in ``fmt``, one of ``FORMATS``."""
    writers: dict[str, Callable[[Mapping[str, Any], TextIO], None]] = {"csv": to_csv, "jsonl": to_jsonl, "html": to_html}
    writer = writers.get(fmt)
    if writer is None:
        raise ValueError(f"Unknown export format {fmt!r}: use one of {', '.join(FORMATS)}.")
    writer(summary, out)


# --- CSV ------------------------------------------------------------------------------------


def to_csv(summary: Mapping[str, Any], out: TextIO) -> None:
    """One line per case: ``CSV_COLUMNS``, then one ``var:NAME`` column per dataset variable (in
    the order the variables first appear in the cases).

    The assertions are compacted to ``"contains:pass; regex:fail"`` and ``label_probs`` is JSON
    text. ``passed`` and ``cached`` are ``true``/``false``; a missing value is an empty field.
    Fields holding newlines or quotes are quoted by the csv module, lines end in CRLF.

    Open the file with ``newline=""``, and with ``encoding="utf-8-sig"`` when it is for Excel:
    Excel reads a CSV as UTF-8 (so Chinese shows intact) only when it starts with a byte-order
    mark. This function writes text; the encoding is the caller's choice."""
    columns = {c.get("id"): c for c in summary.get("columns") or []}
    cases = summary.get("cases") or []
    names = _variable_names(cases)
    writer = csv.writer(out)
    writer.writerow([*CSV_COLUMNS, *(VAR_PREFIX + name for name in names)])
    for case in cases:
        column = columns.get(case.get("column"), {})
        values = {
            "experiment_id": summary.get("experiment_id"), "prompt": column.get("prompt"),
            "variant": column.get("variant"), "model": column.get("model"),
            "assertions": _assertions_text(case.get("assertions") or []),
            "label_probs": None if case.get("label_probs") is None else _json(case["label_probs"]),
        }
        row = [_cell(values[name] if name in values else case.get(name)) for name in CSV_COLUMNS]
        variables = case.get("vars") or {}
        row.extend(_cell(variables.get(name)) for name in names)
        writer.writerow(row)


def _variable_names(cases: Iterable[Mapping[str, Any]]) -> list[str]:
    seen: dict[str, None] = {}
    for case in cases:
        for name in case.get("vars") or {}:
            seen.setdefault(str(name), None)
    return list(seen)


def _assertions_text(assertions: Iterable[Mapping[str, Any]]) -> str:
    marks = {True: "pass", False: "fail"}
    return "; ".join(f"{a.get('type', '?')}:{marks.get(a.get('passed'), '?')}" for a in assertions)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    return _json(value)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


# --- JSONL ----------------------------------------------------------------------------------


def to_jsonl(summary: Mapping[str, Any], out: TextIO) -> None:
    """One JSON object per line, one line per case: the summary's case object with
    ``"experiment_id"`` added first. Nothing else is written (the columns, pairs and flaky cases
    are in ``eval show --json``). UTF-8 text as is (``ensure_ascii=False``)."""
    experiment_id = summary.get("experiment_id")
    for case in summary.get("cases") or []:
        out.write(_json({"experiment_id": experiment_id, **case}))
        out.write("\n")


# --- HTML -----------------------------------------------------------------------------------

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei","Noto Sans CJK SC",sans-serif;
margin:1.5rem;color:#1f2328;background:#fff;line-height:1.4}
h1{font-size:1.5rem;margin:0 0 .3rem}h2{font-size:1.15rem;margin:1.6rem 0 .5rem;border-bottom:1px solid #d0d7de}
h3{font-size:1rem;margin:1rem 0 .3rem}
.meta{color:#57606a;margin:0}.note{color:#57606a;font-size:.9rem}.problem{color:#a40e26}
table{border-collapse:collapse;font-size:.88rem;margin:.3rem 0}
th,td{border:1px solid #d0d7de;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}td.num{text-align:right;font-variant-numeric:tabular-nums}
.scroll{overflow-x:auto;max-width:100%}
.matrix td{white-space:nowrap;padding:.15rem .3rem}.matrix th.rowhead{font-weight:normal;max-width:22rem;
overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.c{display:inline-block;min-width:2.6rem;margin:1px;padding:0 .25rem;border-radius:3px;text-align:center;cursor:default}
.pass{background:#2da44e;color:#fff}.fail{background:#cf222e;color:#fff}.err{background:#8c959f;color:#fff}
.none{background:#eaeef2;color:#57606a}
svg text{font-size:11px;fill:#1f2328}svg .bar{fill:#0969da}svg .whisker{stroke:#1f2328;stroke-width:1.5}
svg .grid{stroke:#d0d7de;stroke-width:1}svg .axis{stroke:#57606a;stroke-width:1}
"""


def to_html(summary: Mapping[str, Any], out: TextIO) -> None:
    """A report that works offline in one file: no scripts, no links, no fetched resources (the
    SVG chart is inline and has no ``xmlns`` URL, which HTML does not need). Every text that came
    from the user or the model is escaped, in attributes too.

    Sections: the experiment, its columns (with classification when present), a bar chart of the
    pass rates with 95% whiskers, the paired comparisons in words, reliability tables, flaky
    cases, and the case matrix (at most ``MATRIX_MAX_CASES`` cases, saying so when cut)."""
    name = str(summary.get("name") or f"experiment {summary.get('experiment_id')}")
    lang = "zh" if _HAN.search(name) else "en"
    columns = list(summary.get("columns") or [])
    parts = [
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_esc(name)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n",
        _title_section(summary, name),
        _columns_section(columns),
        _chart_section(columns),
        _pairs_section(summary.get("pairs") or []),
        _reliability_section(columns),
        _flaky_section(summary.get("flaky") or [], summary.get("cases") or []),
        _matrix_section(columns, summary.get("cases") or []),
        "</body>\n</html>\n",
    ]
    out.write("".join(parts))


def _esc(value: Any) -> str:
    """Escaped for text and for quoted attributes. ``:`` and ``=`` are written as character
    references too (they read the same) so that no model output can put a URL or an ``src=``
    into the file's bytes: the report holds no address of any kind, which is easy to check."""
    text = "" if value is None else str(value)
    return html.escape(text, quote=True).replace(":", "&#58;").replace("=", "&#61;")


def _short(value: Any, limit: int) -> str:
    text = " ".join(("" if value is None else str(value)).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _clip(value: Any, limit: int) -> str:
    """Cut to ``limit`` characters, keeping the line breaks (a hover shows them)."""
    text = "" if value is None else str(value).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _pct(x: Any, digits: int = 1) -> str:
    return "—" if x is None else f"{float(x) * 100:.{digits}f}"


def _num(x: Any, digits: int = 2) -> str:
    return "—" if x is None else f"{float(x):.{digits}f}"


def _ci(ci: Any) -> str:
    if not ci or len(ci) != 2 or ci[0] is None or ci[1] is None:
        return "—"
    return f"[{_pct(ci[0])}, {_pct(ci[1])}]"


def _td(text: str, num: bool = False, title: str | None = None) -> str:
    attrs = ' class="num"' if num else ""
    if title:
        attrs += f' title="{_esc(title)}"'
    return f"<td{attrs}>{text}</td>"


def _table(head: Iterable[str], rows: Iterable[str], cls: str = "") -> str:
    cls_attr = f' class="{cls}"' if cls else ""
    header = "".join(f"<th>{h}</th>" for h in head)
    body = "".join(f"<tr>{r}</tr>\n" for r in rows)
    return f'<div class="scroll"><table{cls_attr}>\n<thead><tr>{header}</tr></thead>\n<tbody>\n{body}</tbody>\n</table></div>\n'


def _title_section(summary: Mapping[str, Any], name: str) -> str:
    bits = [
        f"experiment {_esc(summary.get('experiment_id'))}",
        _esc(summary.get("status") or "unknown"),
        f"created {_esc(summary.get('created_at') or '—')}",
        f"{_esc(summary.get('n_done', 0))} of {_esc(summary.get('n_cases', 0))} cases done",
    ]
    text = f'<section id="experiment">\n<h1>{_esc(name)}</h1>\n<p class="meta">{" · ".join(bits)}</p>\n'
    if summary.get("error"):
        text += f'<p class="problem">{_esc(summary["error"])}</p>\n'
    bad = summary.get("bad_rows") or []
    if bad:
        items = "".join(f"<li>row {_esc(b.get('row'))}: {_esc(b.get('reason'))}</li>" for b in bad)
        text += f'<p class="note">Dataset rows skipped:</p>\n<ul>{items}</ul>\n'
    return text + "</section>\n"


def _columns_section(columns: list[Mapping[str, Any]]) -> str:
    if not columns:
        return '<section id="columns">\n<h2>Columns</h2>\n<p class="note">No columns.</p>\n</section>\n'
    classified = any(c.get("classification") for c in columns)
    repeated = any(c.get("pass_at_k") is not None for c in columns)
    head = ["Column", "Prompt", "Variant", "Model", "n", "Passed", "Pass rate %", "95% CI %", "Mean score",
            "Errors", "Tokens", "Mean latency s"]
    if repeated:
        head += ["pass@k", "pass^k"]
    if classified:
        head += ["Accuracy %", "Mean p(correct)", "ECE"]
    rows = []
    notes = []
    for c in columns:
        cells = [
            _td(_esc(c.get("id"))), _td(_esc(c.get("prompt"))), _td(_esc(c.get("variant") or "—")), _td(_esc(c.get("model"))),
            _td(_esc(c.get("n", 0)), True), _td(_esc(c.get("passed", 0)), True), _td(_pct(c.get("pass_rate")), True),
            _td(_ci(c.get("ci95")), True), _td(_num(c.get("mean_score")), True), _td(_esc(c.get("errors", 0)), True),
            _td(f"{int(c.get('tokens') or 0):,}", True), _td(_num(c.get("mean_latency_s")), True),
        ]
        if repeated:
            cells += [_td(_num(c.get("pass_at_k")), True), _td(_num(c.get("pass_hat_k")), True)]
        cls = c.get("classification")
        if classified:
            cells += [_td(_pct(cls.get("accuracy")) if cls else "—", True), _td(_num(cls.get("mean_p_correct")) if cls else "—", True),
                      _td(_num(cls.get("ece"), 3) if cls else "—", True)]
        rows.append("".join(cells))
        if cls and cls.get("multi_token_labels"):
            labels = ", ".join(_esc(label) for label in cls["multi_token_labels"])
            notes.append(f"<li>{_esc(c.get('id'))}: {labels}</li>")
    text = '<section id="columns">\n<h2>Columns</h2>\n' + _table(head, rows)
    text += '<p class="note">Errors count as failures. The interval is Wilson\'s 95% score interval.</p>\n'
    if notes:
        text += ('<p class="note">Labels of more than one token are scored as the sum of their tokens\' '
                 f"log-probabilities:</p>\n<ul class=\"note\">{''.join(notes)}</ul>\n")
    return text + "</section>\n"


def _chart_section(columns: list[Mapping[str, Any]]) -> str:
    if not columns:
        return ""
    left, top, plot_h, bar_w, gap, bottom = 44, 14, 200, 36, 24, 96
    width = left + len(columns) * (bar_w + gap) + gap
    height = top + plot_h + bottom

    def y(rate: float) -> float:
        return top + plot_h * (1 - min(1.0, max(0.0, rate)))

    shapes = []
    for tick in (0, 25, 50, 75, 100):
        ty = y(tick / 100)
        shapes.append(f'<line class="grid" x1="{left}" y1="{ty:.1f}" x2="{width - gap / 2:.1f}" y2="{ty:.1f}" />')
        shapes.append(f'<text x="{left - 6}" y="{ty + 4:.1f}" text-anchor="end">{tick}%</text>')
    shapes.append(f'<line class="axis" x1="{left}" y1="{top}" x2="{left}" y2="{top + plot_h}" />')
    for i, c in enumerate(columns):
        rate = float(c.get("pass_rate") or 0.0)
        x = left + gap + i * (bar_w + gap)
        mid = x + bar_w / 2
        ci = c.get("ci95") or [rate, rate]
        lo, hi = float(ci[0] if ci[0] is not None else rate), float(ci[1] if ci[1] is not None else rate)
        tip = f"{c.get('id')}: {_pct(rate)} % {_ci(ci)}, n = {c.get('n', 0)}"
        shapes.append(
            f'<rect class="bar" x="{x}" y="{y(rate):.1f}" width="{bar_w}" height="{top + plot_h - y(rate):.1f}">'
            f"<title>{_esc(tip)}</title></rect>"
        )
        shapes.append(f'<line class="whisker" x1="{mid:.1f}" y1="{y(hi):.1f}" x2="{mid:.1f}" y2="{y(lo):.1f}" />')
        for cap in (lo, hi):
            shapes.append(f'<line class="whisker" x1="{mid - 6:.1f}" y1="{y(cap):.1f}" x2="{mid + 6:.1f}" y2="{y(cap):.1f}" />')
        shapes.append(f'<text x="{mid:.1f}" y="{max(top + 10, y(hi) - 4):.1f}" text-anchor="middle">{_pct(rate, 0)}%</text>')
        label_y = top + plot_h + 14
        shapes.append(
            f'<text x="{mid:.1f}" y="{label_y}" text-anchor="end" transform="rotate(-35 {mid:.1f} {label_y})">'
            f"{_esc(_short(c.get('id'), 22))}<title>{_esc(c.get('id'))}</title></text>"
        )
    svg = (f'<svg class="chart" role="img" width="{width:.0f}" height="{height}" viewBox="0 0 {width:.0f} {height}">'
           f"<title>Pass rate per column, with 95% intervals</title>\n" + "\n".join(shapes) + "\n</svg>\n")
    return f'<section id="chart">\n<h2>Pass rates</h2>\n<div class="scroll">{svg}</div>\n</section>\n'


def _pairs_section(pairs: list[Mapping[str, Any]]) -> str:
    if not pairs:
        return ""
    items = "".join(
        f"<li>{_esc(pair_sentence(p))} <span class=\"note\">(only {_esc(p.get('a'))} passed {_esc(p.get('a_only', 0))}, "
        f"only {_esc(p.get('b'))} passed {_esc(p.get('b_only', 0))})</span></li>\n"
        for p in pairs
    )
    return ('<section id="pairs">\n<h2>Paired comparisons</h2>\n<ul>\n' + items + "</ul>\n"
            '<p class="note">Over the rows both columns ran; points are percentage points of pass rate with '
            "Newcombe's 95% interval; p is McNemar's exact test.</p>\n</section>\n")


def _reliability_section(columns: list[Mapping[str, Any]]) -> str:
    blocks = []
    for c in columns:
        cls = c.get("classification")
        if not cls or not cls.get("reliability"):
            continue
        rows = [
            _td(f"{_pct(b.get('lo'), 0)}–{_pct(b.get('hi'), 0)} %") + _td(_esc(b.get("n", 0)), True)
            + _td(_pct(b.get("confidence")), True) + _td(_pct(b.get("accuracy")), True)
            for b in cls["reliability"]
        ]
        blocks.append(f"<h3>{_esc(c.get('id'))} <span class=\"note\">ECE {_num(cls.get('ece'), 3)}</span></h3>\n"
                      + _table(["Confidence", "Cases", "Mean confidence %", "Accuracy %"], rows))
    if not blocks:
        return ""
    return ('<section id="reliability">\n<h2>Reliability</h2>\n<p class="note">The confidence of the most probable '
            "label against how often it was right; a calibrated classifier has the two equal.</p>\n"
            + "".join(blocks) + "</section>\n")


def _row_labels(cases: Iterable[Mapping[str, Any]]) -> dict[Any, tuple[str, str]]:
    """Per dataset row: the first variable's value (shown) and every variable (on hover)."""
    labels: dict[Any, tuple[str, str]] = {}
    for case in cases:
        row = case.get("row")
        if row in labels:
            continue
        variables = case.get("vars") or {}
        first = next(iter(variables.values()), "")
        shown = first if isinstance(first, str) else _json(first)
        full = "\n".join(f"{k}: {_short(v if isinstance(v, str) else _json(v), 300)}" for k, v in variables.items())
        labels[row] = (_short(shown, 60), full)
    return labels


def _flaky_section(flaky: list[Mapping[str, Any]], cases: list[Mapping[str, Any]]) -> str:
    if not flaky:
        return ""
    labels = _row_labels(cases)
    rows = []
    for f in flaky:
        shown, full = labels.get(f.get("row"), ("", ""))
        rows.append(_td(_esc(f.get("row")), True) + _td(_esc(shown), title=full) + _td(_esc(f.get("column")))
                    + _td(f"{_esc(f.get('passes'))} of {_esc(f.get('k'))}", True)
                    + _td(_num(f.get("pass_at_k")), True) + _td(_num(f.get("pass_hat_k")), True))
    return ('<section id="flaky">\n<h2>Flaky cases</h2>\n<p class="note">Cases whose repeated draws did not all agree.</p>\n'
            + _table(["Row", "Input", "Column", "Passes", "pass@k", "pass^k"], rows) + "</section>\n")


def _cell_mark(case: Mapping[str, Any]) -> str:
    if case.get("status") == "error":
        cls, mark = "err", "error"
    elif case.get("passed") is True:
        cls, mark = "pass", "✓"
    elif case.get("passed") is False:
        cls, mark = "fail", "✗"
    else:
        cls, mark = "none", "·"
    score = case.get("score")
    if score is not None and cls != "err":
        mark += f" {float(score):.2f}"
    tip = [f"repeat {case.get('repeat', 0)}" + (" (cached)" if case.get("cached") else "")]
    if score is not None:
        tip.append(f"score {float(score):.2f}")
    if case.get("error"):
        tip.append(f"error: {_clip(case['error'], 500)}")
    probs = case.get("label_probs") or {}
    if probs:
        ranked = sorted(probs.items(), key=lambda item: -float(item[1]))
        tip.append("labels: " + ", ".join(f"{label} {float(p):.2f}" for label, p in ranked[:5]))
    tip.append(f"output: {_clip(case.get('output'), 500)}")
    return f'<span class="c {cls}" title="{_esc(chr(10).join(tip))}">{mark}</span>'


def _matrix_section(columns: list[Mapping[str, Any]], cases: list[Mapping[str, Any]]) -> str:
    head = '<section id="cases">\n<h2>Cases</h2>\n'
    if not cases:
        return head + '<p class="note">No cases in this summary.</p>\n</section>\n'
    shown = cases[:MATRIX_MAX_CASES]
    ids = [c.get("id") for c in columns]
    cells: dict[tuple[Any, Any], list[Mapping[str, Any]]] = {}
    rows: dict[Any, None] = {}
    for case in shown:
        rows.setdefault(case.get("row"), None)
        if case.get("column") not in ids:
            ids.append(case.get("column"))
        cells.setdefault((case.get("row"), case.get("column")), []).append(case)
    labels = _row_labels(shown)
    lines = []
    for row in rows:
        text, full = labels[row]
        line = f'<th class="rowhead" title="{_esc(full)}">{_esc(row)}. {_esc(text)}</th>'
        for column in ids:
            marks = sorted(cells.get((row, column), []), key=lambda c: c.get("repeat") or 0)
            line += "<td>" + "".join(_cell_mark(c) for c in marks) + "</td>"
        lines.append(line)
    note = ""
    if len(cases) > len(shown):
        note = (f'<p class="note">Showing the first {len(shown):,} of {len(cases):,} cases; '
                "the CSV and JSONL exports hold them all.</p>\n")
    legend = ('<p class="note"><span class="c pass">✓</span> passed <span class="c fail">✗</span> failed '
              '<span class="c err">error</span> error <span class="c none">·</span> not scored; the number is the score; '
              "hover a cell for its output.</p>\n")
    return head + note + legend + _table(["Row"] + [_esc(i) for i in ids], lines, "matrix") + "</section>\n"
