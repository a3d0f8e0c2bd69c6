"""Fill untranslated entries of a Qt .ts file from a JSON {source: translation} file.

usage: python scripts/fill_translations.py workbench/gui/i18n/workbench_zh_CN.ts new.json
Run `make translations` first so the .ts lists the new strings.
"""

from __future__ import annotations

import html
import json
import re
import sys


def fill(ts_path: str, table: dict[str, str]) -> list[str]:
    text = open(ts_path, encoding="utf-8").read()
    missing: list[str] = []

    def replace(m: re.Match[str]) -> str:
        source = html.unescape(m.group(1))
        if source not in table:
            missing.append(source)
            return m.group(0)
        return f"<source>{m.group(1)}</source>\n        <translation>{html.escape(table[source], quote=False)}</translation>"

    text = re.sub(r"<source>([^<]*)</source>\s*<translation type=\"unfinished\">[^<]*</translation>", replace, text)
    open(ts_path, "w", encoding="utf-8").write(text)
    return missing


if __name__ == "__main__":
    left = fill(sys.argv[1], json.load(open(sys.argv[2], encoding="utf-8")))
    for source in left:
        print(f"untranslated: {source}")
    sys.exit(1 if left else 0)
