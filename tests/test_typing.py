"""The annotations say what is accepted: mypy --strict passes good calls and flags bad ones."""

import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent / "typing"

pytestmark = pytest.mark.slow  # one mypy run; its own CI step with the other slow tests


def _mypy_errors(tmp_path: Path) -> list[str]:
    result = subprocess.run(
        [
            sys.executable, "-m", "mypy", "--strict", "--no-error-summary",
            "--cache-dir", str(tmp_path / "cache"), "--hide-error-context",
            str(HERE / "accepted.py"), str(HERE / "rejected.py"),
        ],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode in (0, 1), result.stderr
    return [line for line in result.stdout.splitlines() if ": error:" in line]


def test_good_calls_pass_and_every_bad_call_is_an_error(tmp_path):
    errors = _mypy_errors(tmp_path)
    assert [line for line in errors if "accepted.py" in line] == []
    lines = (HERE / "rejected.py").read_text().splitlines()
    expected = {number for number, line in enumerate(lines, 1) if line.endswith("# rejected")}
    flagged = {int(line.split(":")[1]) for line in errors if "rejected.py" in line}
    assert expected, "rejected.py lists no calls"
    assert flagged == expected
