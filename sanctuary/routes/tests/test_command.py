import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command


def test_it_checks_the_shipped_base_through_the_sanctuary_command() -> None:
    out = StringIO()
    call_command("routes", "check", stdout=out)
    assert "0 error(s)" in out.getvalue()


def test_it_fails_on_a_broken_base(tmp_path: Path) -> None:
    (tmp_path / "broken.yaml").write_text("facts:\n  - id: X-1\n")
    with pytest.raises(SystemExit) as exit_info:
        call_command("routes", "check", "--data-dir", str(tmp_path), stdout=StringIO())
    assert exit_info.value.code != 0


def test_it_prints_advice_as_json(tmp_path: Path) -> None:
    situation = tmp_path / "situation.json"
    situation.write_text(
        json.dumps(
            {
                "status": "deserter",
                "location": {"kind": "russia"},
                "documents": {"internal_passport": True},
                "today": "2026-06-01",
            }
        )
    )
    out = StringIO()
    call_command("routes", "advise", str(situation), stdout=out)
    advice = json.loads(out.getvalue())
    assert advice["options"]
