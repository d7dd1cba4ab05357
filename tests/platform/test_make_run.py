"""``make run`` serves where it says and links e-mails there: SITE_URL follows PORT unless set."""

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def planned(*args: str, **env: str) -> list[str]:
    """The commands ``make run`` would run (``make -n``), with ``env`` in its environment."""
    environment = {k: v for k, v in os.environ.items() if k != "SITE_URL"} | env
    result = subprocess.run(
        ["make", "-n", "run", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return [line for line in result.stdout.splitlines() if "manage.py" in line]


def test_the_port_sets_the_links_in_e_mails():
    commands = planned("PORT=8101")

    assert [c.split("manage.py ")[1].split()[0] for c in commands] == [
        "migrate",
        "seed_demo",
        "runserver",
    ]
    assert all("SITE_URL=http://127.0.0.1:8101 " in c for c in commands)
    assert commands[-1].endswith("runserver 127.0.0.1:8101")


def test_a_site_url_set_in_the_environment_wins():
    commands = planned("PORT=8101", SITE_URL="https://pay.example.com")

    assert all("SITE_URL=https://pay.example.com " in c for c in commands)
