"""Fill a register's create form in the browser from its description, and read it back.

Values come from the register's description: the example each column documents for the
spreadsheet import (``Column.example``), made unique where the register needs it (its title and
natural key); a valid value for the formats an example cannot carry (统一社会信用代码, links);
a ticked checkbox. Selects (enums and references) take the values of a record of the same
register that the signed-in person can see, so related choices fit together (the university of
the pairing, the enterprise in the zone), with a natural key no record has yet; a reference
typed by name gets that record's name (``Ref.name_of``). What was entered is kept the way the
page shows it (text as typed, the selected option values, the ticked state), so a refused form
can be compared field by field.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from shuanggao.enterprises.credit_code import make_credit_code
from shuanggao.imports.fields import FieldSpec, Kind
from shuanggao.kit.register import Register
from tests.e2e.conftest import api_get

_COUNTER = itertools.count(1)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
# Fields whose values must be unique across the register.
UNIQUE_FIELDS = frozenset({"name", "title", "full_name", "credit_code", "code"})

Value = str | bool | list[str]
_TEXT_KINDS = ("text", "textarea", "number", "date", "url")


@dataclass
class Filled:
    values: dict[str, Value] = field(default_factory=dict)


def _kind_of(tab: Any, name: str) -> tuple[str, bool] | None:
    """(tag/type, multiple) of the input ``#f-name``, or None when the form has no such field."""
    found = tab.evaluate(
        """(name) => {
            const el = document.getElementById("f-" + name);
            if (!el) return null;
            const kind = el.tagName === "INPUT" ? el.type : el.tagName.toLowerCase();
            return [kind, !!el.multiple];
        }""",
        name,
    )
    return None if found is None else (str(found[0]), bool(found[1]))


def _ref_mode(tab: Any, name: str) -> str | None:
    mode = tab.locator(f"input[type=hidden][name='_mode.{name}']")
    return mode.first.get_attribute("value") if mode.count() else None


def _options(tab: Any, selector: str) -> list[str]:
    return list(
        tab.eval_on_selector_all(
            f"{selector} option", "els => els.map(e => e.value).filter(v => v)"
        )
    )


def _as_texts(value: Any) -> list[str]:
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    return [str(v) for v in items if v is not None]


class FormFiller:
    def __init__(self, tab: Any, reg: Register[Any], db: Session, username: str = "") -> None:
        self.tab = tab
        self.reg = reg
        self.db = db
        self.username = username

    def _records(self, page_size: int = 1) -> list[dict[str, Any]]:
        response = api_get(self.tab, f"/api/v1/{self.reg.name}?page_size={page_size}")
        assert response.status == 200, f"{self.reg.name}: {response.status}"
        return list(response.json()["items"])

    def fill(self, specs: list[FieldSpec]) -> Filled:
        filled = Filled()
        n = next(_COUNTER)
        records = self._records()
        template = records[0] if records else {}
        kinds: dict[str, tuple[str, bool]] = {}
        for spec in specs:
            kind = _kind_of(self.tab, spec.field)
            assert kind is not None, f"{self.reg.name}: the form has no field {spec.field}"
            kinds[spec.field] = kind
        selects = self._choose_selects(specs, kinds, template)
        for spec in specs:
            kind, multiple = kinds[spec.field]
            filled.values[spec.field] = self._fill_one(spec, kind, multiple, n, template, selects)
        return filled

    def _choose_selects(
        self,
        specs: list[FieldSpec],
        kinds: dict[str, tuple[str, bool]],
        template: dict[str, Any],
    ) -> dict[str, list[str]]:
        """The option values of every select: the template record's, else what the page chose
        (the person's own zone, university…), else the first; then a natural key made free."""
        chosen: dict[str, list[str]] = {}
        for spec in specs:
            if kinds[spec.field][0] != "select":
                continue
            selector = f"#f-{spec.field}"
            options = _options(self.tab, selector)
            current = self.tab.eval_on_selector(
                selector, "el => Array.from(el.selectedOptions).map(o => o.value).filter(v => v)"
            )
            wanted = [v for v in _as_texts(template.get(spec.field)) if v in options]
            if spec.field in template and template[spec.field] in (None, []):
                chosen[spec.field] = []
            elif wanted:
                chosen[spec.field] = wanted
            elif current:
                chosen[spec.field] = list(current)
            else:
                chosen[spec.field] = options[:1]
        key_selects = [f for f in self.reg.natural_key if f in chosen]
        if key_selects and len(key_selects) == len(self.reg.natural_key):
            self._free_natural_key(chosen, key_selects)
        return chosen

    def _free_natural_key(self, chosen: dict[str, list[str]], fields: list[str]) -> None:
        taken = {tuple(str(r.get(f)) for f in fields) for r in self._records(page_size=200)}
        choices = [
            [chosen[f][0]] + [o for o in _options(self.tab, f"#f-{f}") if o != chosen[f][0]]
            if chosen[f]
            else [""]
            for f in fields
        ]
        for combo in itertools.islice(itertools.product(*choices), 500):
            if combo not in taken:
                for f, value in zip(fields, combo, strict=True):
                    chosen[f] = [value] if value else []
                return
        raise AssertionError(f"{self.reg.name}: no free {fields} among the options")

    def _fill_one(
        self,
        spec: FieldSpec,
        kind: str,
        multiple: bool,
        n: int,
        template: dict[str, Any],
        selects: dict[str, list[str]],
    ) -> Value:
        selector = f"#f-{spec.field}"
        if kind == "checkbox":
            # Ticked, unless the template record says otherwise (a flag other fields depend on).
            if template.get(spec.field) is False:
                self.tab.uncheck(selector)
                return False
            self.tab.check(selector)
            return True
        if kind == "select":
            values = selects[spec.field]
            self.tab.select_option(selector, values if values else [""] if not multiple else [])
            return list(values) if multiple else (values[0] if values else "")
        if _ref_mode(self.tab, spec.field) == "text" and spec.column.ref.target == "users":
            # An account named by its user name: the signed-in researcher themself, or the
            # demo researcher when an administrator keeps the record for them.
            own = self.username in ("demo.researcher", "demo.mentor")
            text = self.username if own else "demo.researcher"
        elif _ref_mode(self.tab, spec.field) == "text":
            text = self._typed_name(spec, template) or self.tab.input_value(selector)
            if not text and spec.field in template and template[spec.field] in (None, []):
                # Empty in the template record (as for selects): a reference that depends on
                # other fields (enterprises of the chain's zone) is left empty, not guessed.
                self.tab.fill(selector, "")
                return ""
            text = text or self._visible_name(spec)
        elif spec.field in self.reg.natural_key and kind == "number":
            text = str(900 + n)
        else:
            text = self._text(spec, kind, n)
        self.tab.fill(selector, text)
        return text

    def _typed_name(self, spec: FieldSpec, template: dict[str, Any]) -> str:
        ref = spec.column.ref
        assert ref is not None and ref.name_of is not None
        names = [ref.name_of(self.db, int(v)) for v in _as_texts(template.get(spec.field))]
        return "；".join(n for n in names if n)

    def _visible_name(self, spec: FieldSpec) -> str:
        """The name of a record of the referenced register that the signed-in person sees."""
        ref = spec.column.ref
        assert ref is not None and ref.name_of is not None
        response = api_get(self.tab, f"/api/v1/{ref.target}?page_size=1")
        assert response.status == 200, f"{ref.target}: {response.status}"
        items = response.json()["items"]
        assert items, f"{self.reg.name}.{spec.field}: no visible {ref.target}"
        name = ref.name_of(self.db, int(items[0]["id"]))
        assert name is not None
        return name

    def _text(self, spec: FieldSpec, kind: str, n: int) -> str:
        example = spec.column.example
        name = spec.field
        if name == "credit_code":
            return make_credit_code(f"91320000{700_000_000 + n:09d}")
        if name == "code" and re.fullmatch(r"\d{10}", example or ""):
            return f"49{n:08d}"  # 学校标识码: ten digits, unique
        if name == "code" and re.fullmatch(r"[a-z][a-z0-9_]*", example or ""):
            return f"{example}_e2e{n}"  # an identifier-like code (indicator codes)
        if kind == "url" or name.endswith("_url"):
            return f"https://www.example.org/e2e/{self.reg.name}/{n}"
        if kind == "date":
            day = example if _DATE.match(example or "") else "2026-06-30"
            if self.reg.natural_key and all(
                f.endswith(("_date", "_start", "_end")) for f in self.reg.natural_key
            ):
                day = f"{2100 + n}{day[4:]}"  # a record keyed by its dates: a year of its own
            return day
        if kind == "number":
            if spec.money:
                return f"{100_000 + n}.50"
            return example if _NUMBER.match(example or "") else "3"
        if spec.kind is Kind.DATE:
            return (dt.date(2026, 6, 30)).isoformat()
        text = example or f"测试{spec.header}"
        if name in UNIQUE_FIELDS or name == self.reg.title_attr or name in self.reg.natural_key:
            text = f"浏览器{n}号{text}"
        return text


def break_one(tab: Any, reg: Register[Any], specs: list[FieldSpec], filled: Filled) -> str:
    """Make one required field wrong (emptied): the title, else a text, else a select."""
    kinds = {s.field: (_kind_of(tab, s.field) or ("", False)) for s in specs if s.required}
    texts = [
        s for s in specs if s.required and s.column.ref is None and kinds[s.field][0] in _TEXT_KINDS
    ]
    selects = [s for s in specs if s.required and kinds[s.field] == ("select", False)]
    by_title = [s for s in texts if s.field == reg.title_attr]
    candidates = by_title or texts or selects
    assert candidates, f"{reg.name}: no required field to get wrong"
    wrong = candidates[0].field
    if kinds[wrong][0] == "select":
        tab.select_option(f"#f-{wrong}", "")
    else:
        tab.fill(f"#f-{wrong}", "")
    filled.values[wrong] = ""
    return wrong


def read_back(tab: Any, specs: list[FieldSpec]) -> dict[str, Value]:
    """What the form shows now, in the shape ``FormFiller.fill`` records."""
    shown: dict[str, Value] = {}
    for spec in specs:
        kind = _kind_of(tab, spec.field)
        if kind is None:
            continue
        selector = f"#f-{spec.field}"
        if kind[0] == "checkbox":
            shown[spec.field] = tab.is_checked(selector)
        elif kind[0] == "select":
            values = tab.eval_on_selector(
                selector, "el => Array.from(el.selectedOptions).map(o => o.value).filter(v => v)"
            )
            shown[spec.field] = list(values) if kind[1] else (values[0] if values else "")
        else:
            shown[spec.field] = tab.input_value(selector)
    return shown
