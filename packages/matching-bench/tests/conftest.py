from __future__ import annotations

from pathlib import Path

import pytest
from shuanggao_matching import ChineseTokenizer

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def tokenizer() -> ChineseTokenizer:
    tk = ChineseTokenizer()
    tk.warm_up()
    return tk
