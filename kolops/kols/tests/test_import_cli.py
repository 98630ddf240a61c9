"""`kolops import-kols` and `kolops export-kols`: the command-line contract."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kolops.accounts.choices import OrganizationKind
from kolops.accounts.services import organization_create
from kolops.kols import services
from kolops.kols.models import Channel, Kol
from kolops.kols.tests.import_files import channel_row, csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db
GOOD = [channel_row(), channel_row(kol_name="Lan", handle="lan")]


def import_kols(*args) -> tuple[dict | str, CommandError | None]:
    """Run the command; (its stdout, parsed when JSON, and the CommandError it ended with)."""
    out, err = io.StringIO(), io.StringIO()
    failure = None
    try:
        call_command("import-kols", *args, stdout=out, stderr=err)
    except CommandError as error:
        failure = error
    text = out.getvalue()
    if "--json" in args and text.strip():
        return json.loads(text), failure
    return text + err.getvalue(), failure


@pytest.fixture
def kols_csv(tmp_path):
    path = tmp_path / "kols.csv"
    path.write_bytes(csv_bytes(GOOD, encoding="utf-8-sig"))
    return path


def test_json_output_counts_rows_and_exits_zero(group, kols_csv):
    output, failure = import_kols(str(kols_csv), "--json")
    assert failure is None
    assert output == {"created": 2, "updated": 0, "unchanged": 0, "errors": []}
    assert Channel.objects.filter(group=group).count() == 2


def test_the_second_run_of_the_same_file_reports_everything_unchanged(group, kols_csv):
    import_kols(str(kols_csv), "--json")
    output, failure = import_kols(str(kols_csv), "--json")
    assert failure is None
    assert output == {"created": 0, "updated": 0, "unchanged": 2, "errors": []}


def test_errors_are_printed_the_exit_status_is_1_and_nothing_is_written(group, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes([channel_row(), channel_row(handle="b", followers="lots")]))
    output, failure = import_kols(str(path), "--json")
    assert failure is not None and failure.returncode == 1
    assert output["created"] == output["updated"] == output["unchanged"] == 0
    assert [(e["row"], e["column"], e["value"]) for e in output["errors"]] == [(3, "followers", "lots")]
    assert {"row", "column", "message"} <= set(output["errors"][0])
    assert Kol.objects.count() == 0


def test_a_dry_run_counts_and_writes_nothing(group, kols_csv):
    output, failure = import_kols(str(kols_csv), "--dry-run", "--json")
    assert (failure, output["created"]) == (None, 2)
    assert Kol.objects.count() == 0


def test_without_json_it_prints_a_summary(group, kols_csv):
    output, failure = import_kols(str(kols_csv), "--dry-run")
    assert failure is None
    assert "2 channel(s) would be created, 0 updated, 0 unchanged" in output


def test_with_several_groups_the_group_must_be_chosen(group, other_group, kols_csv):
    _output, failure = import_kols(str(kols_csv), "--json")
    assert failure is not None and "--group" in str(failure)
    output, failure = import_kols(str(kols_csv), "--json", "--group", str(other_group.pk))
    assert failure is None and output["created"] == 2
    assert Channel.objects.get(handle="lan").group == other_group


def test_a_subsidiary_is_not_a_group_to_import_into(group, kols_csv):
    subsidiary = organization_create(name="Sub", kind=OrganizationKind.SUBSIDIARY, parent=group)
    _output, failure = import_kols(str(kols_csv), "--group", str(subsidiary.pk))
    assert failure is not None and "no organization group" in str(failure)


def test_user_imports_are_checked_and_recorded(group, specialist, viewer, kols_csv):
    _output, failure = import_kols(str(kols_csv), "--user", viewer.username)
    assert failure is not None  # a viewer holds no group to import into
    output, failure = import_kols(str(kols_csv), "--json", "--user", specialist.username)
    assert failure is None and output["created"] == 2
    assert Kol.history.filter(history_user=specialist).count() == 2


def test_a_missing_file_is_a_clear_error(group, tmp_path):
    _output, failure = import_kols(str(tmp_path / "nope.csv"))
    assert failure is not None and "no such file" in str(failure)


def test_xlsx_files_import_from_the_command_line(group, tmp_path):
    path = tmp_path / "kols.xlsx"
    path.write_bytes(xlsx_bytes(GOOD))
    output, _failure = import_kols(str(path), "--json")
    assert output["created"] == 2


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_an_export_from_the_command_line_imports_back_unchanged(group, kols_csv, tmp_path, suffix):
    import_kols(str(kols_csv))
    exported = tmp_path / f"export.{suffix}"
    call_command("export-kols", str(exported), stdout=io.StringIO())
    output, failure = import_kols(str(exported), "--json")
    assert failure is None
    assert output == {"created": 0, "updated": 0, "unchanged": 2, "errors": []}


def test_export_takes_the_search_filters_and_a_group(group, other_group, kols_csv, tmp_path):
    import_kols(str(kols_csv), "--group", str(group.pk))
    exported = tmp_path / "lan.csv"
    call_command("export-kols", str(exported), "--q", "lan", "--group", str(group.pk), stdout=io.StringIO())
    lines = exported.read_bytes().decode("utf-8-sig").splitlines()
    assert len(lines) == 2 and lines[1].startswith("Lan,")
    call_command("export-kols", str(exported), "--group", str(other_group.pk), stdout=io.StringIO())
    assert len(exported.read_bytes().decode("utf-8-sig").splitlines()) == 1


def test_export_refuses_unknown_file_types_and_bad_filters(group, tmp_path):
    with pytest.raises(CommandError, match=r"\.csv or \.xlsx"):
        call_command("export-kols", str(tmp_path / "kols.pdf"))
    with pytest.raises(CommandError):
        call_command("export-kols", str(tmp_path / "kols.csv"), "--platform", "myspace")


def test_export_leaves_archived_kols_out_unless_asked(group, specialist, kols_csv, tmp_path):
    import_kols(str(kols_csv))
    services.kol_archive(by=specialist, kol=Kol.objects.get(display_name="Lan"))
    exported = tmp_path / "all.csv"
    call_command("export-kols", str(exported), stdout=io.StringIO())
    assert len(exported.read_bytes().decode("utf-8-sig").splitlines()) == 2
    call_command("export-kols", str(exported), "--include-archived", stdout=io.StringIO())
    assert len(exported.read_bytes().decode("utf-8-sig").splitlines()) == 3
