"""The tree stays clean under the project's ruff configuration (pyproject.toml)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _ruff():
    exe = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    return exe if Path(exe).exists() else None


@pytest.mark.skipif(_ruff() is None, reason="ruff is not installed (the test extra has it)")
def test_tree_is_ruff_clean():
    """Check that ruff finds nothing in the package, tests, benchmarks, examples and docs."""
    out = subprocess.run(
        [_ruff(), "check", "--no-cache", "skreg", "tests", "benchmarks", "examples", "docs"],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert out.returncode == 0, out.stdout + out.stderr
