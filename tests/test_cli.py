"""The command that prints what the knowledge base holds, and the interpreter finder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from knowledge.cli import main, summary_lines
from settings import PROJECT_ROOT


def test_the_summary_counts_every_kind(kb):
    lines = list(summary_lines(kb))
    counts = kb.counts()
    for kind in kb.kinds():
        assert any(line.startswith(f"{kind} ({counts[kind]}):") for line in lines), kind
    assert "  5. Customer Service Team Lead: $62,000 / $65,000, 5-9 years" in lines
    assert any("$37,020 a year" in line and "002_" in line for line in lines)
    assert any("about $39,680 a year" in line and "003_" in line for line in lines)


def test_all_lists_every_entry(kb):
    short = "\n".join(summary_lines(kb))
    full = "\n".join(summary_lines(kb, show_all=True))
    last_step = kb.facts("steps_out")[-1].title
    assert last_step in full and last_step not in short


def test_a_missing_knowledge_base_is_explained(tmp_path, capsys):
    url = f"sqlite:///{tmp_path / 'nothing-here.db'}"
    assert main(["--database-url", url]) == 1
    assert "Build it first: make kb" in capsys.readouterr().err


def test_the_python_finder_explains_when_there_is_no_python_310(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHON": "/bin/false"}
    script = PROJECT_ROOT / "scripts" / "find-python310.sh"
    result = subprocess.run([str(script)], env=env, capture_output=True, text=True)
    assert result.returncode == 1
    assert "no Python 3.10 interpreter found" in result.stderr


def test_the_python_finder_takes_a_working_python_310():
    script = PROJECT_ROOT / "scripts" / "find-python310.sh"
    env = {**os.environ, "PYTHON": sys.executable}  # the tests run on 3.10
    result = subprocess.run([str(script)], env=env, capture_output=True, text=True)
    assert result.returncode == 0
    assert Path(result.stdout.strip()).exists()
