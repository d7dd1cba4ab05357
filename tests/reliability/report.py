"""The figures the reliability tests print: one line each, in the terminal summary and a file.

``figure("pay-race", payables=20, attempts=1000)`` records
``RELIABILITY pay-race: payables=20 attempts=1000``. Lines are printed in pytest's terminal
summary (so they appear with or without ``-s``, in CI output too) and, when ``ARTIFACTS_DIR`` is
set, appended to ``$ARTIFACTS_DIR/reliability.txt`` at once.
"""

import os
from pathlib import Path

FIGURES: list[str] = []


def figure(name: str, **values) -> str:
    line = f"RELIABILITY {name}: " + " ".join(f"{key}={value}" for key, value in values.items())
    FIGURES.append(line)
    artifacts = os.environ.get("ARTIFACTS_DIR")
    if artifacts:
        path = Path(artifacts)
        path.mkdir(parents=True, exist_ok=True)
        with (path / "reliability.txt").open("a", encoding="utf-8") as out:
            out.write(line + "\n")
    return line


def write_summary(terminalreporter) -> None:
    """pytest_terminal_summary: every figure of the run, in the order the tests printed them."""
    if not FIGURES:
        return
    terminalreporter.section("reliability figures")
    for line in FIGURES:
        terminalreporter.write_line(line)
