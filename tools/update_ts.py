"""Keep ui/i18n/qiantu_zh_CN.ts in step with the texts the app passes to ``tr("...")``.

Scans ui/*.py for ``tr("...")`` string literals (context "QianTu", see ui/i18n.py), keeps every
existing translation, adds new source texts as unfinished and marks texts no longer used as
obsolete. ``--check`` exits 1 when a text has no translation or the file is out of date.
Compile with ``pyside6-lrelease ui/i18n/qiantu_zh_CN.ts`` (``make translations`` does it).

Usage: python tools/update_ts.py [--seed PAIRS.json] [--check]
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TS = ROOT / "ui" / "i18n" / "qiantu_zh_CN.ts"
CONTEXT = "QianTu"


def used_texts() -> list[str]:
    texts: list[str] = []
    for f in sorted((ROOT / "ui").glob("*.py")):
        tree = ast.parse(f.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "tr"
                    and node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                if node.args[0].value not in texts:
                    texts.append(node.args[0].value)
    return texts


def read_ts(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    out = {}
    for msg in ET.parse(path).getroot().iter("message"):
        src = msg.findtext("source") or ""
        t = msg.find("translation")
        if t is not None and t.text and t.get("type") not in ("unfinished", "vanished", "obsolete"):
            out[src] = t.text
    return out


def render(texts: list[str], translations: dict[str, str]) -> str:
    root = ET.Element("TS", version="2.1", language="zh_CN", sourcelanguage="en")
    ctx = ET.SubElement(root, "context")
    ET.SubElement(ctx, "name").text = CONTEXT
    for src in texts:
        msg = ET.SubElement(ctx, "message")
        ET.SubElement(msg, "source").text = src
        t = ET.SubElement(msg, "translation")
        if src in translations:
            t.text = translations[src]
        else:
            t.set("type", "unfinished")
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + ET.tostring(root, encoding="unicode") + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=Path, help="JSON {english: chinese} to merge in")
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args(argv)
    translations = read_ts(TS)
    if args.seed:
        translations.update(json.loads(args.seed.read_text(encoding="utf-8")))
    texts = used_texts()
    text = render(texts, translations)
    missing = [t for t in texts if t not in translations]
    if args.check:
        ok = TS.exists() and TS.read_text(encoding="utf-8") == text and not missing
        for m in missing:
            print(f"{TS}: no translation for {m!r}", file=sys.stderr)
        return 0 if ok else 1
    TS.parent.mkdir(parents=True, exist_ok=True)
    TS.write_text(text, encoding="utf-8")
    print(f"{TS}: {len(texts)} texts, {len(missing)} without translation")
    for m in missing:
        print("  missing:", m)
    return 0


if __name__ == "__main__":
    sys.exit(main())
