"""Build the jieba domain dictionary and the merged stopword list of shuanggao_matching/data.

Usage (from the repository root)::

    .venv/bin/python packages/matching/scripts/build_domain_dict.py \
        --source /work/shared/data --out packages/matching/src/shuanggao_matching/data

Sources (all under ``--source``):

* ``industry_gbt4754/gbt4754_2017_flat.csv``: GB/T 4754-2017 node names and 说明 texts;
* ``industry_gbt4754/gbt4754_tag_mapping.csv``: 战略性新兴产业 category paths and 重点产品 lists;
* ``disciplines/discipline_catalog_2022.json``: 一级学科 and 专业学位类别 names (2022);
* ``stopwords/{cn,hit,baidu,scu}_stopwords.txt``: four public stopword lists;
* ``curated_terms.txt`` beside this script: a short hand list of technology terms of the
  programme's industry directions that the standard's wording does not spell out.

Terms are 2 to 8 characters long, contain at least two Han characters, and contain none of the
function words listed in ``_BAD_PARTS``. Each term gets the smallest jieba frequency that keeps it
whole against jieba's main dictionary (``suggest_freq``), plus one; curated terms get at least
``CURATED_MIN_FREQ`` so they also win against overlapping longer terms (工业互联网|平台, not
工业|互联网平台). Stopwords that are also
domain terms are dropped from the stopword list.
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections.abc import Iterable
from pathlib import Path

import jieba

HERE = Path(__file__).resolve().parent

_SPLIT = re.compile(r"[，,、；;：:。.！!？?（）()\[\]【】《》“”\"'‘’/\\|>＞\s—–\-◇◆…·]+")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_LEADING = (
    "包括",
    "以及",
    "其中",
    "主要",
    "各种",
    "各类",
    "其他",
    "利用",
    "采用",
    "用于",
    "指对",
    "指",
    "对",
    "和",
    "及",
    "与",
    "或",
    "等",
    "的",
    "为",
    "在",
    "从事",
    "进行",
    "提供",
    "下列",
    "专门",
)
_TRAILING = ("等", "的", "和", "及", "与", "或", "类", "中")
_BAD_PARTS = (
    "不包括",
    "包括",
    "列入",
    "其他",
    "相关",
    "以及",
    "用于",
    "下列",
    "本类",
    "本门类",
    "大类",
    "中类",
    "小类",
    "部分",
    "活动",
    "指以",
    "等同",
    "如下",
    "除外",
    "以外",
    "之外",
    "为主",
    "一般",
    "通过",
    "指为",
    "指从事",
    "主要",
    "专门",
    "各种",
    "各类",
    "的",
    "了",
    "是",
)
# "等" (etc.) inside a piece marks an enumeration, except in words such as 等离子体 or 等温.
_BAD_DENG = re.compile(r"等(?!离子|温|静压|效|轴|级|径|压|容|厚|速)|含量|达到|以上|以下")
_SUFFIXES = ("制造", "生产", "加工", "服务", "批发", "零售", "种植", "养殖", "开采", "修理", "研发")
_DISCIPLINE_SPLIT = re.compile(r"[与和及、]")


def _strip(term: str) -> str:
    changed = True
    while changed and term:
        changed = False
        for lead in _LEADING:
            if term.startswith(lead) and len(term) - len(lead) >= 2:
                term = term[len(lead) :]
                changed = True
        for trail in _TRAILING:
            if term.endswith(trail) and len(term) - len(trail) >= 2:
                term = term[: -len(trail)]
                changed = True
    return term


def _candidates(text: str) -> Iterable[str]:
    for piece in _SPLIT.split(text):
        piece = _strip(piece.strip())
        if not 2 <= len(piece) <= 8:
            continue
        if len(_HAN.findall(piece)) < 2:
            continue
        if any(bad in piece for bad in _BAD_PARTS):
            continue
        if re.search(r"\d{2,}", piece) or _BAD_DENG.search(piece):
            continue
        yield piece
        for suffix in _SUFFIXES:
            if piece.endswith(suffix) and len(piece) - len(suffix) >= 2:
                yield piece[: -len(suffix)]


CURATED_MIN_FREQ = 5000


def curated_terms() -> set[str]:
    out: set[str] = set()
    for line in (HERE / "curated_terms.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            out.add(line)
    return out


def collect_terms(source: Path) -> set[str]:
    terms: set[str] = set()
    with (source / "industry_gbt4754" / "gbt4754_2017_flat.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            terms.update(_candidates(row["name"]))
            terms.update(_candidates(row["description"]))
    with (source / "industry_gbt4754" / "gbt4754_tag_mapping.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["tag"] != "strategic":
                continue
            for part in row["category_path"].split(">"):
                terms.update(_candidates(part))
            for product in row["products"].split("|"):
                terms.update(_candidates(product))
    catalog = json.loads(
        (source / "disciplines" / "discipline_catalog_2022.json").read_text(encoding="utf-8")
    )
    for category in catalog["categories"]:
        for item in category["items"]:
            name = item["name"].strip()
            if 2 <= len(name) <= 10:
                terms.add(name)
            for part in _DISCIPLINE_SPLIT.split(name):
                if 2 <= len(part) <= 8 and len(_HAN.findall(part)) >= 2:
                    terms.add(part)
    terms.update(curated_terms())
    return terms


def load_stopwords(source: Path) -> set[str]:
    words: set[str] = set()
    for name in ("cn", "hit", "baidu", "scu"):
        path = source / "stopwords" / f"{name}_stopwords.txt"
        for line in path.read_text(encoding="utf-8").splitlines():
            word = line.strip()
            if word:
                words.add(word)
    extra = HERE / "extra_stopwords.txt"
    for line in extra.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            words.add(line)
    return words


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=Path("/work/shared/data"))
    parser.add_argument(
        "--out", type=Path, default=HERE.parent / "src" / "shuanggao_matching" / "data"
    )
    args = parser.parse_args(argv)
    source: Path = args.source
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)

    terms = collect_terms(source)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    lines = []
    curated = curated_terms()
    for term in sorted(terms):
        freq = int(tokenizer.suggest_freq(term, tune=False)) + 1
        if term in curated:
            freq = max(freq, CURATED_MIN_FREQ)
        lines.append(f"{term} {freq} nz")
    (out / "domain_dict.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")

    stopwords = sorted(load_stopwords(source) - terms)
    (out / "stopwords.txt").write_text("\n".join(stopwords) + "\n", encoding="utf-8")
    print(f"{len(lines)} domain terms, {len(stopwords)} stopwords -> {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
