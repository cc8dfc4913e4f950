"""python manage.py import_trainers FILE.csv: all or nothing, idempotent, errors by line."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from trainers.models import Trainer

from .factories import CertificationFactory

pytestmark = pytest.mark.django_db

HEADER = (
    "external_id,name,email,city,region,postal_code,country,latitude,longitude,"
    "certifications,specialties,offers_online\n"
)
GOOD = HEADER + (
    "t-1,Ana Ruiz,ana@private.example,Chicago,IL,60601,US,,,R-Phase;i-phase,Balance;Running,yes\n"
    "t-2,Ben Ode,ben@private.example,Leeds,,,GB,53.8,-1.55,,,no\n"
)


@pytest.fixture(autouse=True)
def certifications(db):
    CertificationFactory(name="R-Phase", slug="r-phase")
    CertificationFactory(name="I-Phase", slug="i-phase")


def run(tmp_path, text: str | bytes, err: StringIO | None = None) -> str:
    path = tmp_path / "trainers.csv"
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    out = StringIO()
    call_command("import_trainers", str(path), stdout=out, stderr=err or StringIO())
    return out.getvalue()


def test_good_file_creates_trainers_with_geocoded_coordinates(tmp_path):
    output = run(tmp_path, GOOD)
    assert "2 created, 0 updated, 0 unchanged" in output
    ana = Trainer.objects.get(external_id="t-1")
    assert ana.slug == "ana-ruiz" and ana.offers_online
    assert ana.latitude == pytest.approx(41.886, abs=0.01)
    assert sorted(ana.certifications.values_list("slug", flat=True)) == ["i-phase", "r-phase"]
    assert sorted(ana.specialties.names()) == ["Balance", "Running"]
    assert Trainer.objects.get(external_id="t-2").latitude == 53.8


def test_importing_the_same_file_again_changes_nothing(tmp_path):
    run(tmp_path, GOOD)
    before = list(Trainer.objects.order_by("pk").values())
    assert "0 created, 0 updated, 2 unchanged" in run(tmp_path, GOOD)
    assert list(Trainer.objects.order_by("pk").values()) == before


def test_changed_row_updates_the_trainer_with_that_external_id(tmp_path):
    run(tmp_path, GOOD)
    assert "0 created, 1 updated, 1 unchanged" in run(
        tmp_path, GOOD.replace("Ana Ruiz,", "Ana Ruiz-Lee,")
    )
    assert Trainer.objects.get(external_id="t-1").name == "Ana Ruiz-Lee"


def test_bad_row_is_reported_by_line_and_nothing_is_imported(tmp_path):
    bad = GOOD + "t-3,Cy Bad,not-an-email,Qqxqzzv,,,US,,,9Z,,maybe\n"
    with pytest.raises(CommandError):
        run(tmp_path, bad)
    assert Trainer.objects.count() == 0


def test_errors_name_each_bad_line_and_reason(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        HEADER
        + "t-1,Ana,ana@x.example,Chicago,IL,60601,US,,,Nope,,\n"
        + "t-2,Ben,ben@x.example,Chicago,IL,,US,95,0,,,\n"
    )
    err = StringIO()
    with pytest.raises(CommandError, match="2 problem"):
        call_command("import_trainers", str(path), stdout=StringIO(), stderr=err)
    assert "line 2: unknown certification 'Nope'" in err.getvalue()
    assert "line 3: latitude" in err.getvalue()


def test_bad_file_leaves_existing_trainers_unchanged(tmp_path):
    run(tmp_path, GOOD)
    before = list(Trainer.objects.order_by("pk").values())
    with pytest.raises(CommandError):
        run(
            tmp_path,
            GOOD.replace("Ana Ruiz,", "Ana New,") + "t-9,,x@example.com,Chicago,IL,,US,,,,,\n",
        )
    assert list(Trainer.objects.order_by("pk").values()) == before


def test_duplicate_external_id_in_the_file_is_an_error(tmp_path):
    with pytest.raises(CommandError):
        run(tmp_path, GOOD + "t-1,Other Ana,other@private.example,Boston,MA,02108,US,,,,,\n")
    assert Trainer.objects.count() == 0


def test_missing_column_is_a_clear_error(tmp_path):
    err = StringIO()
    with pytest.raises(CommandError):
        run(tmp_path, "external_id,name,city\nt-1,Ana,Chicago\n", err)
    assert "line 1: Missing column(s): email, country." in err.getvalue()
    assert Trainer.objects.count() == 0


def test_non_utf8_file_is_a_clear_error(tmp_path):
    err = StringIO()
    with pytest.raises(CommandError):
        run(tmp_path, GOOD.replace("Ana Ruiz", "Ana Ruíz").encode("latin-1"), err)
    assert "The file is not UTF-8 text" in err.getvalue()
    assert Trainer.objects.count() == 0


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_trainers", str(tmp_path / "nope.csv"))


@pytest.mark.parametrize(
    ("latitude", "longitude", "named"),
    [
        ("nan", "0", "latitude"),
        ("NaN", "nan", "latitude"),
        ("inf", "0", "latitude"),
        ("-Infinity", "0", "latitude"),
        ("1e400", "0", "latitude"),
        ("0", "nan", "longitude"),
        ("0", "-inf", "longitude"),
        ("90.5", "0", "latitude"),
        ("0", "180.1", "longitude"),
        ("0", "-181", "longitude"),
    ],
)
def test_non_finite_or_out_of_range_coordinates_are_refused_with_the_line_number(
    tmp_path, latitude, longitude, named
):
    err = StringIO()
    text = GOOD + f"t-3,Cy Far,cy@private.example,Leeds,,,GB,{latitude},{longitude},,,no\n"
    with pytest.raises(CommandError, match="1 problem"):
        run(tmp_path, text, err)
    assert f"line 4: {named} must be a number from" in err.getvalue()
    assert Trainer.objects.count() == 0


def test_coordinates_on_the_edge_of_the_globe_are_accepted(tmp_path):
    run(tmp_path, GOOD + "t-3,Po Lar,po@private.example,Leeds,,,GB,-90,180,,,no\n")
    assert Trainer.objects.get(external_id="t-3").latitude == -90


class _Terminal(StringIO):
    def isatty(self):
        return True


def test_command_draws_a_progress_bar_on_a_terminal(tmp_path):
    err = _Terminal()
    run(tmp_path, GOOD, err)
    assert "saving: 100%" in err.getvalue() and "4/4" in err.getvalue()


def test_command_draws_no_progress_bar_into_a_log(tmp_path):
    err = StringIO()
    run(tmp_path, GOOD, err)
    assert err.getvalue() == ""
