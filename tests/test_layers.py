"""The house's floors, held by import-linter (the contracts are in .importlinter): the reading side
app_pages -> dashboard -> export -> figures -> maps -> charts -> indicators -> contract, the writer
etl -> contract, and nothing but the Data page's import door (dashboard/uploads.py) reaching etl.
Function-level imports count. settings.py sits below them all; a module, not a package, it is out of
import-linter's reach (it imports only the standard library)."""
import subprocess
import sys
from pathlib import Path

from tests.helpers import ROOT

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def test_no_import_points_upward():
    result = subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=ROOT, capture_output=True,
                            text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout and "3 kept" in result.stdout, result.stdout
