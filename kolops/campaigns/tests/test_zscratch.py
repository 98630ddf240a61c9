import json, time, pytest
from pathlib import Path
from django.core.management import call_command
from django.utils import timezone
from kolops.campaigns import services, planning_service
from kolops.campaigns.document import CampaignDocument
from kolops.kols.seeding.generator import generate_kols
from kolops.kols.seeding.writer import seed_write
from kolops.core.permissions import SYSTEM_READER
from collections import Counter
pytestmark = pytest.mark.django_db

@pytest.mark.parametrize("n", [400, 500, 600, 800])
def test_explore(group, n):
    t = time.perf_counter()
    seed_write(group=group, kols=generate_kols(n, seed=7, today=timezone.localdate()))
    print("seed", n, time.perf_counter() - t)
    doc = CampaignDocument.model_validate(json.loads(Path("docs/examples/campaign.json").read_text()))
    t = time.perf_counter()
    out = planning_service.plan_document(user=SYSTEM_READER, doc=doc)
    j = planning_service.plan_json(out, doc)
    print("plan", time.perf_counter() - t)
    print(json.dumps({k: v for k, v in j.items() if k != "items"}, indent=1))
    print(len(j["items"]), Counter(i["tier"] for i in j["items"]), Counter(i["platform"] for i in j["items"]))
