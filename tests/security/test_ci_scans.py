"""The CI security gates of ``make lint`` fail on findings (checklist SUP-01, SUP-04)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUFF = Path(sys.executable).with_name("ruff")
FAKE_AWS_KEY = "AKIA" + "IOSFODNN7EXAMPLQ"  # split so this file itself holds no key


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def scan(repo: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "secrets_scan.py"), "--root", str(repo)],
        capture_output=True,
        text=True,
        check=False,
    )


def repo_with(tmp_path: Path, files: dict[str, str], results: dict[str, object]) -> Path:
    """A git work tree with ``files`` and the project's baseline settings, holding ``results``."""
    repo = tmp_path / "repo"
    repo.mkdir()
    baseline = json.loads((ROOT / ".secrets.baseline").read_text(encoding="utf-8"))
    baseline["results"] = results
    (repo / ".secrets.baseline").write_text(json.dumps(baseline), encoding="utf-8")
    for name, text in files.items():
        (repo / name).write_text(text, encoding="utf-8")
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    return repo


def test_a_new_secret_fails_the_scan(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, {"settings.py": f'AWS_KEY = "{FAKE_AWS_KEY}"\n'}, {})
    result = scan(repo)
    assert result.returncode == 1
    assert "settings.py:1: AWS Access Key (new)" in result.stdout


def test_a_reviewed_secret_passes_even_when_its_line_moves(tmp_path: Path) -> None:
    repo = repo_with(tmp_path, {"settings.py": f'AWS_KEY = "{FAKE_AWS_KEY}"\n'}, {})
    assert (
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "scripts/secrets_scan.py"),
                "--root",
                str(repo),
                "--update",
            ],
            capture_output=True,
            check=False,
        ).returncode
        == 0
    )
    # Regenerated but not yet reviewed: still a failure.
    assert scan(repo).returncode == 1
    baseline = json.loads((repo / ".secrets.baseline").read_text(encoding="utf-8"))
    for entries in baseline["results"].values():
        for entry in entries:
            entry["is_secret"] = False
    (repo / ".secrets.baseline").write_text(json.dumps(baseline), encoding="utf-8")
    (repo / "settings.py").write_text(f'"""Moved."""\n\nAWS_KEY = "{FAKE_AWS_KEY}"\n')
    result = scan(repo)
    assert result.returncode == 0, result.stdout
    assert json.loads((repo / ".secrets.baseline").read_text(encoding="utf-8")) == baseline


def test_ruff_security_rules_flag_unsafe_code(tmp_path: Path) -> None:
    src = tmp_path / "unsafe.py"
    src.write_text(
        "import pickle\n"
        "import subprocess\n\n\n"
        "def run(cmd: str, blob: bytes) -> object:\n"
        '    password = "hunter2-hunter2"\n'  # pragma: allowlist secret
        "    subprocess.call(cmd, shell=True)\n"
        "    return pickle.loads(blob), password\n",
        encoding="utf-8",
    )
    result = subprocess.run(
        [
            str(RUFF),
            "check",
            "--config",
            str(ROOT / "pyproject.toml"),
            "--no-cache",
            "--output-format",
            "concise",
            str(src),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    codes = sorted({line.split()[1] for line in result.stdout.splitlines() if "unsafe.py:" in line})
    assert codes == ["S105", "S301", "S602"]
