"""Compile the .po translation catalogues to .mo (pure Python, no gettext tools needed).

python scripts/compile_messages.py           write every .mo next to its .po
python scripts/compile_messages.py --check   fail if a committed .mo differs from its .po
"""

from __future__ import annotations

import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent / "src" / "territori" / "locale"


def catalogue(entries: polib._BaseFile) -> dict[tuple[str, str], object]:
    result: dict[tuple[str, str], object] = {}
    for entry in entries:
        if entry.obsolete or "fuzzy" in entry.flags or not entry.msgid:
            continue
        value: object = entry.msgstr_plural and dict(entry.msgstr_plural) or entry.msgstr
        if value in ("", {}):
            continue
        result[(entry.msgctxt or "", entry.msgid)] = (
            {str(k): v for k, v in value.items()} if isinstance(value, dict) else value
        )
    return result


def main() -> int:
    check = "--check" in sys.argv
    stale = []
    for po_path in sorted(ROOT.glob("*/LC_MESSAGES/*.po")):
        po = polib.pofile(str(po_path))
        mo_path = po_path.with_suffix(".mo")
        if check:
            if not mo_path.exists() or catalogue(polib.mofile(str(mo_path))) != catalogue(po):
                stale.append(str(mo_path))
        else:
            po.save_as_mofile(str(mo_path))
            print(f"compiled {mo_path} ({po.percent_translated()}% translated)")
    if stale:
        print(
            "stale translations, run: python scripts/compile_messages.py\n  " + "\n  ".join(stale)
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
