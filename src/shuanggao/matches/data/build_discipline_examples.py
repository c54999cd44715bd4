"""Rebuild ``discipline_examples.csv`` from the CSL benchmark dev split (see PROVENANCE.md).

    .venv/bin/python src/shuanggao/matches/data/build_discipline_examples.py ../shared/data/csl/raw

Each dev paper gives one example per 一级学科 its CSL discipline label maps to: its title and
author keywords. Only the dev split is used; the test split stays for measuring.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from shuanggao.reference import data

# CSL labels that are not 2022 一级学科 names (or were renamed in the 2022 catalogue).
RENAMED = {
    "历史学": "0602",
    "农业资源利用": "0903",
    "图书馆、情报与档案管理": "1205",
    "生物科学与工程": "0710",
    "公共管理": "1204",
    "工商管理": "1202",
}
OUT = Path(__file__).with_name("discipline_examples.csv")


def _codes(label: str, by_name: dict[str, str]) -> list[str]:
    out: list[str] = []
    for part in label.split("/"):
        code = by_name.get(part) or RENAMED.get(part)
        if code is not None and code not in out:
            out.append(code)
    return out


def _rows(raw: Path, task: str) -> list[list[str]]:
    text = (raw / task / "dev.tsv").read_text(encoding="utf-8")
    return [line.split("\t") for line in text.splitlines()]


def build(raw: Path) -> int:
    by_name = {d.name: d.code for d in data.disciplines() if d.kind == "academic"}
    dcp, ts, kg = _rows(raw, "cls_dcp"), _rows(raw, "ts"), _rows(raw, "kg")
    written = 0
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["code", "text"])
        for d, t, k in zip(dcp, ts, kg, strict=True):
            if d[1] != t[1]:
                raise ValueError("the CSL task files are not aligned row by row")
            text = f"{t[2]}；{k[2].replace('_', '；')}"
            for code in _codes(d[2], by_name):
                out.writerow([code, text])
                written += 1
    return written


if __name__ == "__main__":
    sys.stdout.write(f"wrote {build(Path(sys.argv[1]))} examples to {OUT}\n")
