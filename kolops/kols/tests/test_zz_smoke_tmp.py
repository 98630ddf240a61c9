import pytest
from kolops.kols.imports import kols_import, channels_export
from kolops.kols.models import Kol, Channel
from kolops.kols.query import ChannelQuery
from kolops.kols.tests.import_files import csv_bytes, channel_row

pytestmark = pytest.mark.django_db

def test_smoke(group, specialist, kol):
    rows = [channel_row(), channel_row(platform="youtube", handle="maianh_yt", categories="beauty;food", tags="a;b", audience_regions="VN-SG:35;VN-HN:20", price_post="1.500.000", price_currency="VND", age_18_24="40", female="60"),
            channel_row(kol_name="Ngọc Trinh", handle="ngoctrinh", followers="1,600,000")]
    data = csv_bytes(rows, encoding="utf-8-sig")
    r = kols_import(by=specialist, group=group, file_name="a.csv", data=data, dry_run=True)
    print(r)
    r = kols_import(by=specialist, group=group, file_name="a.csv", data=data, dry_run=False)
    print(r)
    r = kols_import(by=specialist, group=group, file_name="a.csv", data=data, dry_run=False)
    print(r)
    for c in Channel.objects.all():
        print(c.kol_name, c.handle, c.tier, c.category_mask, c.search_text)
    out = channels_export(user=specialist, query=ChannelQuery(), fmt="csv")
    print(out.decode("utf-8-sig"))
    r = kols_import(by=specialist, group=group, file_name="b.csv", data=out, dry_run=False)
    print(r)
    out = channels_export(user=specialist, query=ChannelQuery(), fmt="xlsx")
    r = kols_import(by=specialist, group=group, file_name="b.xlsx", data=out, dry_run=False)
    print(r)
