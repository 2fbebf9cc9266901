"""The synthetic data generator (`forlop synth`), on small sizes only."""

from __future__ import annotations

import io
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import F
from stdnum.no import fodselsnummer

from forlop.core.identifiers import parse_identity_number
from forlop.core.models import Organisation, Unit, User
from forlop.core.tests.data_controllers import rows_off_their_patient
from forlop.demo import synth as synth_package
from forlop.demo.synth import IdentityNumbers, synth
from forlop.demo.synth import write as synth_write
from forlop.demo.synth.tables import TABLES, Table, check_layouts
from forlop.goals.models import Goal, Score, Scoring
from forlop.pathways.models import Pathway, PathwayEvent, StopPoint
from forlop.patients.models import Patient

NOW = datetime(2026, 11, 30, 10, tzinfo=UTC)


def fingerprint() -> tuple[list[tuple], list[tuple], list[tuple], list[tuple]]:
    """Every generated row by its natural values (never primary keys: sequences differ)."""
    patients = list(
        Patient.objects.order_by("identity_number").values_list(
            "identity_number", "given_name", "family_name", "municipality__code"
        )
    )
    pathways = list(
        Pathway.objects.order_by("patient__identity_number", "started_at").values_list(
            "patient__identity_number", "start_reason", "unit__code", "started_at", "ended_at"
        )
    )
    stop_points = list(
        StopPoint.objects.order_by(
            "pathway__patient__identity_number",
            "pathway__started_at",
            "definition__code",
            "occurrence",
        ).values_list(
            "pathway__patient__identity_number",
            "definition__code",
            "due_at",
            "completed_at",
            "interrupted_at",
            "created_at",
        )
    )
    goals = list(
        Score.objects.order_by(
            "goal__patient__identity_number", "scoring__scored_at", "goal__text"
        ).values_list(
            "goal__patient__identity_number",
            "goal__text",
            "goal__status",
            "goal__created_at",
            "scoring__kind",
            "scoring__scored_at",
            "value",
        )
    )
    return patients, pathways, stop_points, goals


def test_identity_numbers_are_synthetic_valid_and_unique():
    numbers = IdentityNumbers()
    seen = set()
    for _ in range(3000):
        number, birth = numbers.take()
        parsed = parse_identity_number(number)
        assert parsed.synthetic is True
        assert parsed.birth_date == birth
        assert number[9] == fodselsnummer.calc_check_digit1(number[:9])
        assert number[10] == fodselsnummer.calc_check_digit2(number[:10])
        seen.add(number)
    assert len(seen) == 3000


@pytest.mark.django_db(transaction=False)
def test_synth_is_deterministic_for_a_seed_and_differs_between_seeds():
    with transaction.atomic():
        synth(patients=60, seed=7, patients_per_municipality=30, now=NOW)
        first = fingerprint()
        transaction.set_rollback(True)
    with transaction.atomic():
        synth(patients=60, seed=8, patients_per_municipality=30, now=NOW)
        other = fingerprint()
        transaction.set_rollback(True)
    synth(patients=60, seed=7, patients_per_municipality=30, now=NOW)
    assert fingerprint() == first
    assert other[1] != first[1]
    assert other[3] != first[3]
    assert len(first[0]) == 60
    assert len(first[3]) > 0


@pytest.mark.django_db(transaction=False)
def test_synth_rows_do_not_depend_on_batches_or_key_blocks(monkeypatch):
    """Small batches (several transactions per municipality) and key blocks smaller than a
    batch give the rows one batch gives."""
    with transaction.atomic():
        synth(patients=40, seed=4, patients_per_municipality=20, now=NOW)
        whole = fingerprint()
        transaction.set_rollback(True)
    monkeypatch.setattr(synth_package, "BATCH_PATIENTS", 7)
    monkeypatch.setattr(synth_write, "ID_BLOCK", 3)
    synth(patients=40, seed=4, patients_per_municipality=20, now=NOW)
    assert fingerprint() == whole
    assert len(whole[2]) > 0


def test_synth_refuses_a_layout_that_misses_a_models_column():
    stop_point = next(t for t in TABLES if t.model is StopPoint)
    check_layouts()  # the shipped layouts match the models
    fixed = {k: v for k, v in stop_point.fixed.items() if k != "revision"}
    with pytest.raises(RuntimeError, match=r"pathways_stoppoint .*not written \['revision'\]"):
        check_layouts((Table(StopPoint, stop_point.columns, fixed),))
    with pytest.raises(RuntimeError, match=r"not in the model \['owner_id'\]"):
        check_layouts((Table(StopPoint, stop_point.columns, {**stop_point.fixed, "owner_id": 1}),))


@pytest.mark.django_db(transaction=True)
def test_synth_in_two_processes_makes_the_rows_of_one():
    """PostgreSQL only (the processes need their own connections and committed rows)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        with pytest.raises(ValueError, match="needs PostgreSQL"):
            synth(patients=20, seed=6, patients_per_municipality=10, now=NOW, workers=2)
        return
    with transaction.atomic():
        one = synth(patients=30, seed=6, patients_per_municipality=10, now=NOW)
        expected = fingerprint()
        transaction.set_rollback(True)
    seen: list[int] = []
    two = synth(
        patients=30, seed=6, patients_per_municipality=10, now=NOW, workers=2, progress=seen.append
    )
    assert fingerprint() == expected
    assert two == one
    assert seen[-1] == 30


@pytest.mark.django_db(transaction=False)
def test_synth_without_goals_makes_the_same_pathways_and_no_goals():
    with transaction.atomic():
        synth(patients=30, seed=5, patients_per_municipality=30, now=NOW)
        with_goals = fingerprint()
        transaction.set_rollback(True)
    summary = synth(patients=30, seed=5, patients_per_municipality=30, now=NOW, goals=False)
    assert fingerprint()[:3] == with_goals[:3]
    assert (summary.goals, summary.scorings, Goal.objects.count(), Score.objects.count()) == (
        0,
        0,
        0,
        0,
    )
    assert len(with_goals[3]) > 0


@pytest.mark.django_db
def test_synth_makes_realistic_rows():
    summary = synth(patients=120, seed=1, patients_per_municipality=60, now=NOW)
    assert summary.as_dict() == {
        "municipalities": 2,
        "patients": 120,
        "pathways": 235,
        "stop_points": 1051,
        "events": 87,
        "goals": 322,
        "scorings": 241,
    }
    assert Organisation.objects.filter(code__startswith="synth-").count() == 2
    assert Unit.objects.filter(code__startswith="synth-").count() == 6
    assert Patient.objects.filter(synthetic=True).count() == 120
    assert Pathway.objects.count() == 235
    assert StopPoint.objects.count() == 1051
    assert PathwayEvent.objects.count() == 87
    # every start reason; most pathways ended, some running
    assert set(Pathway.objects.values_list("start_reason", flat=True)) == set(
        Pathway.StartReason.values
    )
    assert Pathway.objects.filter(ended_at__isnull=True).count() == 23
    # stop points on time, late, missed (interrupted when the pathway ended) and still open
    assert StopPoint.objects.filter(completed_at__lt=F("ends_at")).count() == 674
    assert StopPoint.objects.filter(completed_at__gte=F("ends_at")).count() == 239
    assert StopPoint.objects.filter(interrupted_at__isnull=False).count() == 96
    assert StopPoint.objects.open().in_running_pathways().count() == 42
    # registered when they happened; nothing done in the future
    assert not StopPoint.objects.filter(completed_at__gt=NOW).exists()
    assert StopPoint.objects.filter(created_at=F("triggered_at")).count() == 1051
    # falls, admissions, and readmissions that start a new pathway
    assert PathwayEvent.objects.filter(kind="fall").count() == 49
    assert PathwayEvent.objects.filter(kind="admission").count() == 38
    assert Pathway.objects.filter(previous__isnull=False).count() == 19
    # users cannot log in
    assert not any(
        u.has_usable_password() for u in User.objects.filter(username__startswith="synth-")
    )


@pytest.mark.django_db
def test_synth_makes_goals_and_scorings_for_the_what_matters_measures():
    synth(patients=120, seed=1, patients_per_municipality=60, now=NOW)
    # every row carries its patient's municipality (COPY bypasses the field's pre_save)
    assert rows_off_their_patient() == {}
    # goals asked at the start of most pathways, a baseline each, a follow-up for some
    assert Goal.objects.count() == 322
    assert Scoring.objects.filter(kind=Scoring.Kind.BASELINE).count() == 165
    assert Scoring.objects.filter(kind=Scoring.Kind.FOLLOW_UP).count() == 76
    assert Score.objects.count() == 322 + Score.objects.filter(scoring__kind="follow_up").count()
    assert Goal.objects.filter(status=Goal.Status.REACHED).count() == 21
    # every scoring in a pathway of its patient, the follow-up after the baseline
    assert not Scoring.objects.exclude(pathway__patient_id=F("patient_id")).exists()
    assert not Scoring.objects.filter(
        kind="follow_up",
        pathway__goal_scorings__kind="baseline",
        pathway__goal_scorings__scored_at__gte=F("scored_at"),
    ).exists()
    # registered when they happened; nothing in the future
    assert Scoring.objects.filter(created_at=F("scored_at")).count() == 241
    assert Score.objects.filter(created_at=F("scoring__scored_at")).count() == Score.objects.count()
    assert not Scoring.objects.filter(scored_at__gt=NOW).exists()
    # some improve and some do not
    pairs = Score.objects.filter(scoring__kind="follow_up").values_list("goal_id", "value")
    baseline = dict(Score.objects.filter(scoring__kind="baseline").values_list("goal_id", "value"))
    changes = [value - baseline[goal] for goal, value in pairs]
    assert sum(c > 0 for c in changes) > 0
    assert sum(c <= 0 for c in changes) > 0


@pytest.mark.django_db
def test_synth_command_refuses_a_second_run_and_bad_sizes():
    out = io.StringIO()
    call_command("synth", "--patients", "10", "--seed", "3", "--no-progress", stdout=out)
    assert "10 patients" in out.getvalue()
    before = Patient.objects.count()
    with pytest.raises(CommandError, match="already has synthetic data"):
        call_command("synth", "--patients", "10", "--no-progress", stdout=io.StringIO())
    with pytest.raises(CommandError, match="already has synthetic data"):  # the name
        call_command("generate", "--patients", "10", "--no-progress", stdout=io.StringIO())
    with pytest.raises(CommandError, match="at least 1"):
        call_command("synth", "--patients", "0", "--no-progress", stdout=io.StringIO())
    assert Patient.objects.count() == before == 10


@pytest.mark.django_db
def test_work_list_badge_and_measures_are_constant_query_as_the_database_grows():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from forlop.measures.models import Measure
    from forlop.measures.selectors import default_window, measure_series, scope_for_organisation
    from forlop.pathways.selectors import worklist, worklist_counts

    def counts() -> tuple[int, ...]:
        nurse = User.objects.get(username="synth-001-sykepleier-1")
        scope = scope_for_organisation(Organisation.objects.get(code="synth-001"))
        first, last = default_window(today=NOW.date(), period="month", count=24)
        out = []
        for read in (
            lambda: worklist(user=nurse, now=NOW),
            lambda: worklist_counts(user=nurse, now=NOW),
            lambda: list(Patient.objects.visible_to(nurse, now=NOW)[:50]),
            lambda: [
                measure_series(m, scope=scope, first=first, last=last, as_of=NOW)
                for m in Measure.objects.order_by("code")
            ],
        ):
            with CaptureQueriesContext(connection) as captured:
                read()
            out.append(len(captured.captured_queries))
        return tuple(out)

    synth(patients=60, seed=1, patients_per_municipality=30, now=NOW)
    small = counts()
    synth(patients=120, seed=1, patients_per_municipality=30, now=NOW, append=True)
    assert Organisation.objects.filter(code__startswith="synth-").count() == 6
    # the list (stop points, then the parts' assignees and signers prefetched) and the statements
    # of its audit row (one more on PostgreSQL, which locks the chain's head); the badge; one
    # page; per measure: the counts, the closed periods' snapshots, the chart notes and the PDSA
    # cycles shown as notes, plus the read of the measures
    listed = 6 if connection.vendor == "postgresql" else 5
    measures = Measure.objects.count()
    assert measures >= 12
    assert counts() == small == (listed, 1, 1, 1 + 4 * measures)


def _secondary_indexes() -> list[tuple[str, str]]:
    from django.db import connection

    from forlop.demo.synth.indexes import SECONDARY

    with connection.cursor() as cursor:
        cursor.execute(SECONDARY, [[table.name for table in TABLES]])
        return cursor.fetchall()


@pytest.mark.django_db(transaction=True)
def test_synth_builds_the_indexes_after_loading_empty_tables(monkeypatch):
    """PostgreSQL, outside a transaction, into empty tables: the secondary indexes are set
    aside for the load and built again after it, the same ones, also when the run fails."""
    from django.db import connection

    from forlop.demo.synth import indexes as synth_indexes

    notices: list[str] = []
    if connection.vendor != "postgresql":
        synth(patients=10, seed=3, patients_per_municipality=10, now=NOW, notice=notices.append)
        assert notices == []  # SQLite: nothing set aside
        return
    before = _secondary_indexes()
    assert len(before) >= 20  # the stop points' ten and the rest
    dropped: list[str] = []
    real = synth_indexes.indexes_set_aside

    @contextmanager
    def watching(tables):
        with real(tables) as names:
            dropped.extend(names)
            if names:
                assert _secondary_indexes() == []  # the load runs without them
            yield names

    monkeypatch.setattr(synth_package, "indexes_set_aside", watching)
    summary = synth(
        patients=20, seed=3, patients_per_municipality=10, now=NOW, notice=notices.append
    )
    assert summary.patients == 20
    assert sorted(dropped) == sorted(name for name, _ in before)
    assert _secondary_indexes() == before
    assert notices == [f"Building the {len(before)} indexes set aside for the load"]

    # a second run finds rows: it keeps the indexes where they are
    dropped.clear()
    synth(patients=10, seed=4, patients_per_municipality=10, now=NOW, append=True)
    assert dropped == []


@pytest.mark.django_db(transaction=True)
def test_synth_builds_the_indexes_again_when_the_load_fails(monkeypatch):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the indexes are set aside on PostgreSQL only")
    before = _secondary_indexes()

    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(synth_package, "write_chunk", broken)
    with pytest.raises(RuntimeError, match="disk is full"):
        synth(patients=10, seed=3, patients_per_municipality=10, now=NOW)
    assert _secondary_indexes() == before


@pytest.mark.django_db(transaction=False)
def test_synth_in_a_transaction_keeps_the_indexes():
    # given an open transaction (the test's): the rebuild could not wait for its end
    before = _secondary_indexes() if _is_postgresql() else []
    notices: list[str] = []
    # when
    synth(patients=10, seed=3, patients_per_municipality=10, now=NOW, notice=notices.append)
    # then
    assert notices == []
    if _is_postgresql():
        assert _secondary_indexes() == before


def _is_postgresql() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"
