import json
import tempfile
from io import StringIO
from pathlib import Path

from django.core.management import call_command

from sanctuary.audit.models import Action, AuditEntry
from sanctuary.routes.knowledge import DEFAULT_DATA_DIR, load, load_marked_yaml
from sanctuary.routes.models import FactRevision, StoredFact
from sanctuary.routes.services import live_knowledge_base
from sanctuary.test import BaseTestCase


class ImportExportTestCase(BaseTestCase):
    def test_it_imports_every_shipped_fact_once(self) -> None:
        out = StringIO()
        call_command("routes", "import", stdout=out)
        shipped = load(DEFAULT_DATA_DIR)
        self.assertIn(f"{len(shipped.facts)} facts added", out.getvalue())
        self.assertEqual(StoredFact.objects.count(), len(shipped.facts))
        self.assertEqual(FactRevision.objects.count(), len(shipped.facts))

        again = StringIO()
        call_command("routes", "import", stdout=again)
        self.assertIn(f"0 facts added, {len(shipped.facts)} already up to date", again.getvalue())
        self.assertEqual(StoredFact.objects.count(), len(shipped.facts))
        self.assertEqual(FactRevision.objects.count(), len(shipped.facts))
        self.assertEqual(AuditEntry.objects.filter(action=Action.ROUTES_IMPORTED.value).count(), 1)

    def test_it_never_overwrites_a_live_fact(self) -> None:
        call_command("routes", "import", stdout=StringIO())
        stored = StoredFact.objects.get(fact_id="A-KG-001")
        stored.data = {**stored.data, "confidence": "low"}
        stored.save(update_fields=["data"])
        out = StringIO()
        call_command("routes", "import", stdout=out)
        self.assertIn("kept: A-KG-001 differs from the file", out.getvalue())
        stored.refresh_from_db()
        self.assertEqual(stored.data["confidence"], "low")

    def test_it_builds_the_live_base_like_the_files(self) -> None:
        call_command("routes", "import", stdout=StringIO())
        live = live_knowledge_base()
        shipped = load(DEFAULT_DATA_DIR)
        self.assertEqual(set(live.facts), set(shipped.facts))
        self.assertEqual(live.destination_rules, shipped.destination_rules)

    def test_it_exports_files_that_pass_check_and_equal_the_live_facts(self) -> None:
        call_command("routes", "import", stdout=StringIO())
        folder = tempfile.TemporaryDirectory()
        self.addCleanup(folder.cleanup)
        out_dir = Path(folder.name) / "export"
        call_command("routes", "export", "--out", str(out_dir), stdout=StringIO())
        self.assertEqual(
            sorted(path.name for path in out_dir.glob("*.yaml")),
            sorted(path.name for path in DEFAULT_DATA_DIR.glob("*.yaml")),
        )
        check = StringIO()
        call_command("routes", "check", "--data-dir", str(out_dir), stdout=check)
        self.assertIn("0 error(s)", check.getvalue())
        exported = {}
        for path in out_dir.glob("*.yaml"):
            if path.name == "destinations.yaml":
                continue
            for data in load_marked_yaml(path, path.name)["facts"]:
                exported[data["id"]] = (path.stem, dict(data))
        live = {fact.fact_id: (fact.section, fact.data) for fact in StoredFact.objects.all()}
        self.assertEqual(exported.keys(), live.keys())
        for fact_id, (section, data) in live.items():
            self.assertEqual(exported[fact_id][0], section)
            self.assertEqual(json.loads(json.dumps(exported[fact_id][1])), data, fact_id)
        self.assertTrue(AuditEntry.objects.filter(action=Action.ROUTES_EXPORTED.value).exists())
