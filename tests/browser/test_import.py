"""In the browser: import a file with errors (report shown, nothing written), then a good one."""

import pytest
from playwright.sync_api import expect

from kolops.kols.models import Channel, Kol
from kolops.kols.tests.import_files import channel_row, csv_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def upload(page, tmp_path, name: str, content: bytes, *, preview: bool):
    path = tmp_path / name
    path.write_bytes(content)
    page.goto("/kols/import/")
    page.set_input_files("#id_file", str(path))
    if preview:
        page.check("#id_preview")
    else:
        page.uncheck("#id_preview")
    page.click("#import-form button[type=submit]")


def test_a_bad_file_is_reported_row_by_row_and_writes_nothing(page, login, screenshot, specialist, tmp_path):
    login(specialist, "vi")
    bad = csv_bytes(
        [
            channel_row(),
            channel_row(kol_name="Hà Linh", handle="@halinh", followers="nhiều"),
            channel_row(kol_name="Bảo Anh", handle="@baoanh", age_18_24="70", age_25_34="45"),
        ],
        encoding="utf-8-sig",
    )
    upload(page, tmp_path, "kols-loi.csv", bad, preview=False)
    errors = page.locator("#import-errors tbody tr")
    expect(errors).to_have_count(2)
    expect(page.locator("#import-errors")).to_contain_text("followers")
    expect(page.locator("#import-errors")).to_contain_text("nhiều")
    expect(page.locator("#import-errors")).to_contain_text("Tổng tỷ lệ các nhóm tuổi vượt quá 100 %")
    screenshot("import-errors-vi")
    assert not Kol.objects.exists()
    assert not Channel.objects.exists()

    good = csv_bytes(
        [
            channel_row(),
            channel_row(kol_name="Hà Linh", handle="@halinh", followers="250000", platform="youtube"),
        ],
        encoding="utf-8-sig",
    )
    upload(page, tmp_path, "kols.csv", good, preview=True)
    expect(page.locator("#confirm-form")).to_be_visible()
    assert not Kol.objects.exists()  # a preview writes nothing
    page.click("#confirm-form button[type=submit]")
    expect(page.locator("#count-created")).to_have_text("2")
    expect(page.locator("#import-counts")).to_contain_text("đã tạo")
    screenshot("import-done-vi")
    assert Channel.objects.count() == 2
    assert set(Kol.objects.values_list("display_name", flat=True)) == {"Mai Anh", "Hà Linh"}
