"""Tests of the ``forlop spc`` management command (needs Django settings, not the database)."""

from __future__ import annotations

import csv
import io
import json
import math
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from forlop.measures import spc
from forlop.measures.management.commands import spc as command
from forlop.measures.tests import spc_reference as reference

REFERENCE = reference.REFERENCE
PROJECT_ROOT = Path(__file__).resolve().parents[3]
COLUMNS = [
    "x",
    "y",
    "n",
    "cl",
    "lcl",
    "ucl",
    "sigma_signal",
    "runs_signal",
    "longest_run",
    "longest_run_max",
    "n_crossings",
    "n_crossings_min",
    "part",
]


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    with translation.override("en"):
        yield


def run(*args: str, **options: Any) -> str:
    stdout = io.StringIO()
    call_command("spc", *args, stdout=stdout, **options)
    return stdout.getvalue()


def write(tmp_path: Path, text: str, name: str = "input.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def reference_options(case: dict[str, str]) -> dict[str, Any]:
    """What describes the chart in the manifest row; every other option stays the default."""
    options: dict[str, Any] = {
        "chart": case["chart"],
        "y": case["y"],
        "multiply": float(case["multiply"]),
    }
    if case["n"]:
        options["n"] = case["n"]
    if case["part_ends_at"]:
        options["part_ends_at"] = [int(case["part_ends_at"])]
    return options


def compare(expected: str, got: str, where: str) -> None:
    if expected == "NA":
        assert got == "", where
    elif expected in {"TRUE", "FALSE"}:
        assert got == expected.lower(), where
    else:
        assert got != "", where
        assert math.isclose(float(expected), float(got), rel_tol=1e-9), (
            f"{where}: expected {expected}, got {got}"
        )


# --------------------------------------------------------------------------- reference


@pytest.mark.parametrize("case", reference.manifest(), ids=lambda case: case["case"])
def test_cli_reproduces_qicharts2_with_the_defaults(case: dict[str, str]) -> None:
    output = run(str(REFERENCE / case["input"]), **reference_options(case))
    rows = list(csv.DictReader(io.StringIO(output)))
    expected = reference.expected(case)
    assert len(rows) == len(expected)
    for got, want in zip(rows, expected, strict=True):
        assert list(got) == COLUMNS
        for column in COLUMNS:
            compare(want[column.replace("_", ".")], got[column], f"x={want['x']} {column}")


def test_csv_floats_round_trip() -> None:
    case = reference.case("cdi_u_part")
    output = run(str(REFERENCE / case["input"]), **reference_options(case))
    rows = list(csv.DictReader(io.StringIO(output)))
    ys, ns = reference.inputs(case)
    assert ns is not None
    result = spc.u_chart(ys, ns, part_ends_at=[24], multiply=10000)
    assert [float(row["y"]) for row in rows] == [p.y for p in result.points]
    assert [float(row["ucl"]) for row in rows] == [p.ucl for p in result.points]


def reference_arguments(case: dict[str, str]) -> list[str]:
    """The manifest row as typed on the command line (no option beyond the chart's own)."""
    arguments = [str(REFERENCE / case["input"]), "--chart", case["chart"], "--y", case["y"]]
    if case["n"]:
        arguments += ["--n", case["n"]]
    if case["part_ends_at"]:
        arguments += ["--part-ends-at", case["part_ends_at"]]
    if case["multiply"] != "1":
        arguments += ["--multiply", case["multiply"]]
    return arguments


@pytest.mark.parametrize("name", ["cdi_u_part", "cabg_age_i"])
def test_console_script_runs_the_command(tmp_path: Path, name: str) -> None:
    """The real command line (python -m forlop = the `forlop` console script), defaults only:
    a u chart in two parts, and an i chart whose limits depend on moving-range screening."""
    case = reference.case(name)
    target = tmp_path / "out.csv"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test"}
    completed = subprocess.run(  # noqa: S603 - fixed arguments
        [sys.executable, "-m", "forlop", "spc", *reference_arguments(case), "-o", str(target)],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    rows = list(csv.DictReader(target.open(encoding="utf-8")))
    expected = reference.expected(case)
    assert len(rows) == len(expected)
    for got, want in zip(rows, expected, strict=True):
        for column in COLUMNS:
            compare(want[column.replace("_", ".")], got[column], f"x={want['x']} {column}")


def test_help() -> None:
    text = command.Command().create_parser("forlop", "spc").format_help()
    for option in ("--chart", "--y", "--n", "--part-ends-at", "--multiply", "--format", "-o"):
        assert option in text
    # The one option that departs from what a qicharts2 user sees, and what it is for.
    assert "--no-mr-screening" in text
    assert "library(qicharts2)" in " ".join(text.split())


# --------------------------------------------------------------------------- moving ranges

# Twelve subgroups with one outlier: 10 11 10 11 10 11 10 30 10 11 10 11. By hand:
# mean = 145/12; the eleven moving ranges are 1 1 1 1 1 1 20 20 1 1 1, average 49/11.
# The screen is 3.267 * 49/11 = 14.55: both 20s are left out and the rest average 1.
OUTLIER_SERIES = "v\n10\n11\n10\n11\n10\n11\n10\n30\n10\n11\n10\n11\n"
OUTLIER_MEAN = 145 / 12


def test_i_chart_screens_moving_ranges_by_default(tmp_path: Path) -> None:
    rows = list(
        csv.DictReader(io.StringIO(run(str(write(tmp_path, OUTLIER_SERIES)), chart="i", y="v")))
    )
    sigma = 1 / 1.128
    assert {row["cl"] for row in rows} == {repr(OUTLIER_MEAN)}
    assert math.isclose(float(rows[0]["ucl"]), OUTLIER_MEAN + 3 * sigma, rel_tol=1e-9)
    assert math.isclose(float(rows[0]["lcl"]), OUTLIER_MEAN - 3 * sigma, rel_tol=1e-9)
    assert [row["sigma_signal"] for row in rows] == ["false"] * 7 + ["true"] + ["false"] * 4


def test_no_mr_screening_uses_every_moving_range(tmp_path: Path) -> None:
    path = write(tmp_path, OUTLIER_SERIES)
    rows = list(csv.DictReader(io.StringIO(run(str(path), chart="i", y="v", no_mr_screening=True))))
    sigma = (49 / 11) / 1.128
    assert {row["cl"] for row in rows} == {repr(OUTLIER_MEAN)}
    assert {row["ucl"] for row in rows} == {rows[0]["ucl"]}
    assert math.isclose(float(rows[0]["ucl"]), OUTLIER_MEAN + 3 * sigma, rel_tol=1e-9)
    assert math.isclose(float(rows[0]["lcl"]), OUTLIER_MEAN - 3 * sigma, rel_tol=1e-9)
    # Wider limits (about 0.24 to 23.9 instead of 9.42 to 14.7); the outlier is still outside.
    assert [row["sigma_signal"] for row in rows] == ["false"] * 7 + ["true"] + ["false"] * 4


def test_no_mr_screening_on_the_command_line(tmp_path: Path) -> None:
    """The flag as typed (argparse, not call_command's keyword)."""
    path = write(tmp_path, OUTLIER_SERIES)
    screened = list(csv.DictReader(io.StringIO(run(str(path), "--chart", "i", "--y", "v"))))
    unscreened = list(
        csv.DictReader(io.StringIO(run(str(path), "--chart", "i", "--y", "v", "--no-mr-screening")))
    )
    assert math.isclose(float(screened[0]["ucl"]), OUTLIER_MEAN + 3 / 1.128, rel_tol=1e-9)
    assert math.isclose(
        float(unscreened[0]["ucl"]), OUTLIER_MEAN + 3 * (49 / 11) / 1.128, rel_tol=1e-9
    )


# --------------------------------------------------------------------------- formats


def test_json_output(tmp_path: Path) -> None:
    path = write(
        tmp_path, "month,count\n" + "".join(f"m{i},{v}\n" for i, v in enumerate([5] * 6 + [9] * 6))
    )
    document = json.loads(run(str(path), chart="run", y="count", format="json"))
    assert document["chart"] == "run"
    assert document["runs_signal"] is True
    assert len(document["points"]) == 12
    assert list(document["points"][0]) == COLUMNS
    assert document["points"][0]["lcl"] is None
    part = document["parts"][0]
    assert part["first"] == 1
    assert part["last"] == 12
    assert part["cl"] == 7.0
    assert part["few_crossings"] is True
    assert "too few crossings (1; at least 3 expected)" in part["signal"]


def test_json_reports_too_few_points(tmp_path: Path) -> None:
    path = write(tmp_path, "count\n" + "".join(f"{v}\n" for v in [5] * 4 + [9] * 4))
    document = json.loads(run(str(path), chart="run", y="count", format="json"))
    assert document["runs_signal"] is False
    assert document["parts"][0]["too_few_points"] is True
    assert "Too few useful points" in document["parts"][0]["signal"]


def test_svg_output(tmp_path: Path) -> None:
    path = write(
        tmp_path, "month;num;den\n" + "".join(f"2024-{i:02d};{i};20\n" for i in range(1, 13))
    )
    target = tmp_path / "chart.svg"
    run(
        str(path),
        chart="p",
        y="num",
        n="den",
        x="month",
        format="svg",
        output=str(target),
        title="Share & more",
    )
    root = ET.fromstring(target.read_text(encoding="utf-8"))  # noqa: S314 - our own output
    assert root.get("role") == "img"
    title = root.find("{http://www.w3.org/2000/svg}title")
    assert title is not None
    assert title.text == "Share & more"
    assert "2024-01" in target.read_text(encoding="utf-8")
    assert "style=" not in target.read_text(encoding="utf-8")


def test_svg_to_stdout_has_a_default_title(tmp_path: Path) -> None:
    path = write(tmp_path, "v\n1\n2\n3\n")
    svg = run(str(path), chart="i", y="v", format="svg")
    assert "I chart of v" in svg
    assert svg.startswith("<svg")


def test_png_needs_a_renderer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "v\n1\n2\n3\n")
    target = tmp_path / "chart.png"
    monkeypatch.setattr(command, "PNG_RENDERERS", ("forlop_no_such_renderer",))
    with pytest.raises(CommandError, match="PNG output needs the Python package cairosvg"):
        run(str(path), y="v", format="png", output=str(target))
    assert not target.exists()


def test_png_with_a_renderer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class FakeRenderer:
        @staticmethod
        def svg2png(*, bytestring: bytes) -> bytes:
            assert bytestring.startswith(b"<svg")
            return b"\x89PNG fake"

    monkeypatch.setattr(command, "png_renderer", lambda: FakeRenderer)
    path = write(tmp_path, "v\n1\n2\n3\n")
    target = tmp_path / "chart.png"
    run(str(path), y="v", format="png", output=str(target))
    assert target.read_bytes() == b"\x89PNG fake"
    with pytest.raises(CommandError, match="-o FILE"):
        run(str(path), y="v", format="png")


# --------------------------------------------------------------------------- input handling


def test_semicolons_decimal_commas_missing_values_and_bom(tmp_path: Path) -> None:
    path = tmp_path / "input.csv"
    path.write_text("\ufeffuke;verdi\n1;1,5\n2;\n3;NA\n4;2,5\n", encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(run(str(path), y="verdi"))))
    assert [row["y"] for row in rows] == ["1.5", "", "", "2.5"]
    assert rows[0]["cl"] == "2.0"


def test_options_freeze_exclude_and_parts(tmp_path: Path) -> None:
    values = [1, 2, 3, 100, 2, 1, 2, 3, 9, 8, 9, 8]
    path = write(tmp_path, "v\n" + "".join(f"{v}\n" for v in values))
    rows = list(
        csv.DictReader(io.StringIO(run(str(path), y="v", part_ends_at=[6], exclude=[4], freeze=5)))
    )
    assert [row["part"] for row in rows] == ["1"] * 6 + ["2"] * 6
    assert rows[0]["cl"] == "2.0"  # median of 1, 2, 3, 2 (subgroup 4 excluded)
    assert rows[6]["cl"] == "8.0"  # median of the first five of part 2


# --------------------------------------------------------------------------- errors


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="does not exist"):
        run(str(tmp_path / "nope.csv"), y="v")


def test_missing_column_lists_available_columns(tmp_path: Path) -> None:
    path = write(tmp_path, "month,num,den\n1,2,3\n")
    with pytest.raises(CommandError) as info:
        run(str(path), y="count")
    message = str(info.value)
    assert "'count'" in message
    assert "'month', 'num', 'den'" in message


def test_non_numeric_value_names_row_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, "month,num\n2024-01,3\n2024-02,4\n2024-03,four\n")
    with pytest.raises(CommandError, match=r"Row 4, column 'num': 'four' is not a number"):
        run(str(path), y="num")


def test_zero_or_negative_denominator_names_row(tmp_path: Path) -> None:
    path = write(tmp_path, "num,den\n1,10\n2,0\n")
    with pytest.raises(
        CommandError, match=r"Row 3, column 'den': the denominator must be positive"
    ):
        run(str(path), chart="p", y="num", n="den")
    path = write(tmp_path, "num,den\n1,-10\n2,10\n")
    with pytest.raises(CommandError, match=r"Row 2, column 'den'"):
        run(str(path), chart="u", y="num", n="den")


@pytest.mark.parametrize("chart", ["p", "u"])
def test_chart_needing_n(tmp_path: Path, chart: str) -> None:
    path = write(tmp_path, "num\n1\n")
    with pytest.raises(
        CommandError, match=f"A {chart} chart needs a denominator: give its column with --n"
    ):
        run(str(path), chart=chart, y="num")


def test_c_chart_rejects_n(tmp_path: Path) -> None:
    path = write(tmp_path, "num,den\n1,2\n")
    with pytest.raises(CommandError, match="use --chart u"):
        run(str(path), chart="c", y="num", n="den")


@pytest.mark.parametrize("end", [0, 3, 10])
def test_part_ends_at_out_of_range(tmp_path: Path, end: int) -> None:
    path = write(tmp_path, "v\n1\n2\n3\n")
    with pytest.raises(CommandError, match=f"--part-ends-at {end} is out of range"):
        run(str(path), y="v", part_ends_at=[end])


def test_other_invalid_input_from_the_core(tmp_path: Path) -> None:
    path = write(tmp_path, "num,den\n11,10\n")
    with pytest.raises(CommandError, match="larger than the denominator"):
        run(str(path), chart="p", y="num", n="den")
    path = write(tmp_path, "v\n1\n2\n")
    with pytest.raises(CommandError, match="Cannot exclude subgroup 5"):
        run(str(path), y="v", exclude=[5])


def test_empty_input(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="is empty"):
        run(str(write(tmp_path, "")), y="v")
    with pytest.raises(CommandError, match="no data rows"):
        run(str(write(tmp_path, "v\n")), y="v")


def test_nothing_is_written_on_error(tmp_path: Path) -> None:
    path = write(tmp_path, "num,den\n1,10\n2,0\n")
    target = tmp_path / "out.csv"
    with pytest.raises(CommandError):
        run(str(path), chart="p", y="num", n="den", output=str(target))
    assert not target.exists()
    target.write_text("old", encoding="utf-8")
    with pytest.raises(CommandError):
        run(str(path), chart="p", y="num", n="den", output=str(target))
    assert target.read_text(encoding="utf-8") == "old"


def test_output_file(tmp_path: Path) -> None:
    path = write(tmp_path, "v\n1\n2\n3\n")
    target = tmp_path / "out.csv"
    assert run(str(path), y="v", output=str(target)) == ""
    assert target.read_text(encoding="utf-8").splitlines()[0] == ",".join(COLUMNS)


def test_png_is_the_svg_rasterised_for_real(tmp_path: Path) -> None:
    # given a series, and the real renderer (cairosvg on Debian's libcairo2)
    from PIL import Image

    path = write(tmp_path, "v\n" + "\n".join(str(i % 5) for i in range(20)) + "\n")
    target = tmp_path / "chart.png"
    # when
    run(str(path), y="v", format="png", output=str(target))
    # then a real PNG of the chart's size
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with Image.open(target) as image:
        assert image.size[0] >= 700
