"""Regenerate the single initial migration from the models (before the first release only).

Until shuanggao has a release in production, the schema is one migration, rebuilt from the
models by this script. After the first release, add ordinary incremental revisions instead
(`alembic revision --autogenerate`), and delete this script.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from alembic import command

from shuanggao.db.migrate import MIGRATIONS_DIR, alembic_config

TARGET = MIGRATIONS_DIR / "versions" / "2026-11-27_initial.py"


def main() -> None:
    for old in (MIGRATIONS_DIR / "versions").glob("*.py"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'empty.sqlite3'}"
        cfg = alembic_config(url)
        cfg.set_main_option("file_template", "2026-11-27_initial")
        command.revision(cfg, message="initial schema", autogenerate=True, rev_id="0001")
    text = TARGET.read_text(encoding="utf-8")
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET}")


if __name__ == "__main__":
    main()
