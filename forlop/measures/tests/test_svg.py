"""Tests of the server-side SVG rendering of SPC charts (no database)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from itertools import pairwise

import pytest

from forlop.measures.spc import ChartResult, c_chart, i_chart, p_chart, run_chart, u_chart
from forlop.measures.svg import Annotation, format_number, percent_format, render_chart_svg

NS = {"svg": "http://www.w3.org/2000/svg"}
SVG = "{http://www.w3.org/2000/svg}"

STABLE = [10.0, 12.0, 11.0, 13.0, 10.0, 12.0, 11.0, 13.0, 10.0, 12.0, 11.0, 13.0]
SHIFTED = [20.0, 21.0, 22.0, 20.0, 21.0, 22.0, 20.0, 21.0, 22.0, 20.0, 21.0, 22.0]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output


def with_class(root: ET.Element, name: str) -> list[ET.Element]:
    return [el for el in root.iter() if name in (el.get("class") or "").split()]


def render(result: ChartResult, **kwargs: object) -> str:
    options: dict[str, object] = {"title": "Chart", "description": "A chart"}
    options.update(kwargs)
    return render_chart_svg(result, **options)  # type: ignore[arg-type]


def test_structure_and_accessibility() -> None:
    svg = render(i_chart(STABLE), title="Waiting time", description="Days from referral")
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("viewBox") == "0 0 720 320"
    title_id, desc_id = (root.get("aria-labelledby") or "").split()
    title = root.find("svg:title", NS)
    desc = root.find("svg:desc", NS)
    assert title is not None
    assert desc is not None
    assert title.get("id") == title_id
    assert desc.get("id") == desc_id
    assert title.text == "Waiting time"
    assert desc.text == "Days from referral"
    # The title comes first so that screen readers and tooltips find it.
    assert root[0] is title


def test_no_inline_style_and_no_script() -> None:
    svg = render(
        u_chart([1, 2, 1, 12], [1000.0, 1200.0, 900.0, 1100.0], multiply=1000),
        annotations=[Annotation(2, "Change")],
        target=2.0,
        note="Note",
    )
    assert "style=" not in svg
    assert "<script" not in svg.lower()
    assert "javascript:" not in svg.lower()
    root = parse(svg)
    assert all(el.get("style") is None for el in root.iter())
    assert not [el for el in root.iter() if el.tag.endswith("foreignObject")]


def test_text_is_escaped() -> None:
    nasty = '<script>alert("x")</script> & Co'
    svg = render(
        run_chart([1.0, 2.0, 3.0]),
        title=nasty,
        description=nasty,
        labels=["<b>jan</b>", "feb & mar", '"apr"'],
        annotations=[Annotation(1, nasty)],
        note=nasty,
    )
    assert "<script>" not in svg
    assert "<b>" not in svg
    root = parse(svg)
    title = root.find("svg:title", NS)
    assert title is not None
    assert title.text == nasty
    texts = ["".join(el.itertext()) for el in root.iter(f"{SVG}text")]
    assert "<b>jan</b>" in texts
    assert "feb & mar" in texts
    assert nasty in texts


def test_x_labels_default_to_subgroup_numbers_and_use_given_labels() -> None:
    root = parse(render(run_chart(STABLE)))
    assert [el.text for el in with_class(root, "spc-x-label")][:3] == ["1", "2", "3"]
    labels = [f"2024-{month:02d}" for month in range(1, 13)]
    root = parse(render(run_chart(STABLE), labels=labels))
    shown = [el.text for el in with_class(root, "spc-x-label")]
    assert shown[0] == "2024-01"
    assert set(shown) <= set(labels)


def test_many_labels_are_thinned() -> None:
    values = [float(i % 7) for i in range(120)]
    root = parse(render(run_chart(values)))
    shown = with_class(root, "spc-x-label")
    assert 1 < len(shown) < 30


def test_labels_must_match_points() -> None:
    with pytest.raises(ValueError, match="2 labels for 3 subgroups"):
        render(run_chart([1.0, 2.0, 3.0]), labels=["a", "b"])


def test_y_axis_has_a_few_ticks_and_uses_the_formatter() -> None:
    result = p_chart([5, 6, 7, 5, 6, 7], [10, 10, 10, 10, 10, 10])
    root = parse(render(result, y_format=percent_format))
    axis = with_class(root, "spc-axis--y")[0]
    ticks = [el.text or "" for el in axis.iter(f"{SVG}text")]
    assert 3 <= len(ticks) <= 8
    assert all(text.endswith(" %") for text in ticks)


def test_points_and_sigma_signals_are_marked() -> None:
    result = c_chart([16, 15, 17, 14, 16, 18, 15, 40, 16, 15])
    root = parse(render(result))
    signals = with_class(root, "spc-point--signal")
    assert len(signals) == sum(p.sigma_signal for p in result.points) == 1
    assert signals[0].tag == f"{SVG}path"  # a diamond, not a circle
    assert signals[0].get("fill") != with_class(root, "spc-point")[0].get("fill")
    assert len(with_class(root, "spc-point")) == 10
    tooltip = signals[0].find("svg:title", NS)
    assert tooltip is not None
    assert tooltip.text == "8: 40"


def test_limits_drawn_for_control_charts_only() -> None:
    control = parse(render(i_chart(STABLE)))
    assert len(with_class(control, "spc-limit--upper")) == 1
    assert len(with_class(control, "spc-limit--lower")) == 1
    assert all(el.get("stroke-dasharray") for el in with_class(control, "spc-limit"))
    run = parse(render(run_chart(STABLE)))
    assert not with_class(run, "spc-limit")
    assert len(with_class(run, "spc-cl")) == 1


def test_varying_limits_are_stepped() -> None:
    result = p_chart([5, 50, 6, 60], [10, 100, 10, 100])
    root = parse(render(result))
    upper = with_class(root, "spc-limit--upper")[0]
    assert (upper.get("d") or "").count("V") == 3  # a step between each pair of points


def test_parts_and_runs_signal_centre_line() -> None:
    result = run_chart(STABLE + SHIFTED)
    assert result.runs_signal
    root = parse(render(result))
    signal_lines = with_class(root, "spc-cl--runs-signal")
    assert len(signal_lines) == 1
    assert signal_lines[0].get("stroke-dasharray")
    parted = run_chart(STABLE + SHIFTED, part_ends_at=[12])
    assert not parted.runs_signal
    root = parse(render(parted))
    assert len(with_class(root, "spc-cl")) == 2
    assert not with_class(root, "spc-cl--runs-signal")
    # The data line is broken between parts.
    assert len(with_class(root, "spc-data-line")) == 2


def test_gaps_break_the_data_line() -> None:
    root = parse(render(run_chart([1.0, 2.0, None, 3.0, 4.0])))
    line = with_class(root, "spc-data-line")[0]
    assert (line.get("d") or "").count("M") == 2
    assert len(with_class(root, "spc-point")) == 4


def test_excluded_points_are_hollow() -> None:
    root = parse(render(i_chart(STABLE, exclude=[3])))
    excluded = with_class(root, "spc-point--excluded")
    assert len(excluded) == 1
    assert excluded[0].get("fill") == "#ffffff"


def test_target_line() -> None:
    root = parse(render(run_chart(STABLE), target=12.5))
    target = with_class(root, "spc-target")
    assert len(target) == 1
    assert target[0].get("y1") == target[0].get("y2")
    assert not with_class(parse(render(run_chart(STABLE))), "spc-target")


def test_annotations() -> None:
    annotations = [Annotation(3, "PDSA 1: new checklist"), Annotation(9, "PDSA 2")]
    root = parse(render(run_chart(STABLE), annotations=annotations))
    marks = with_class(root, "spc-annotation")
    assert [mark.get("data-x") for mark in marks] == ["3", "9"]
    assert ["".join(mark.itertext()) for mark in marks] == ["PDSA 1: new checklist", "PDSA 2"]
    assert all(mark.find("svg:line", NS) is not None for mark in marks)
    with pytest.raises(ValueError, match="outside the chart"):
        render(run_chart(STABLE), annotations=[Annotation(13, "late")])


def _extent(text: ET.Element) -> tuple[float, float]:
    """Where a label's text reaches, estimated as the renderer does (CHAR_WIDTH per glyph)."""
    from forlop.measures.svg import CHAR_WIDTH

    x, width = float(text.get("x") or 0), len(text.text or "") * CHAR_WIDTH
    return (x - width, x) if text.get("text-anchor") == "end" else (x, x + width)


def test_annotation_labels_are_never_cut_off_at_the_chart_edges() -> None:
    # given notes at the first and last point of a small chart that fit beside their lines
    # (issue 10, item 11: a note at the right half ran off the left edge)
    notes = [Annotation(1, "PDSA 1: ny rutine"), Annotation(12, "PDSA 2: ringe")]
    root = parse(render(run_chart(STABLE), annotations=notes, width=360, height=200))
    for mark in with_class(root, "spc-annotation"):
        text = mark.find("svg:text", NS)
        assert text is not None
        low, high = _extent(text)
        # then each label lies inside the chart, whole, and no key is drawn
        assert low >= 0, (mark.get("data-x"), low, text.text)
        assert high <= 360, (mark.get("data-x"), high, text.text)
    assert ["".join(m.itertext()) for m in with_class(root, "spc-annotation")] == [
        "PDSA 1: ny rutine",
        "PDSA 2: ringe",
    ]
    assert not with_class(root, "spc-annotation-key")
    assert root.get("viewBox") == "0 0 360 200"


def test_notes_too_long_for_a_small_chart_go_whole_into_a_key_under_it() -> None:
    # given long notes at the first, a middle and the last point of a small aim or leader
    # chart (issue 13: PDSA notes were cut short with "…" there)
    long = "PDSA: Ringe pasienten dagen før hjemkomst fra sykehuset og avtale første besøk"
    notes = [Annotation(1, long), Annotation(6, "Ny rutine for innkomstsamtale innført")]
    root = parse(render(run_chart(STABLE), annotations=notes, width=360, height=200))
    # then each line carries its number, inside the chart
    marks = with_class(root, "spc-annotation")
    assert [(m.get("data-x"), m.find("svg:text", NS).text) for m in marks] == [  # type: ignore[union-attr]
        ("1", "1"),
        ("6", "2"),
    ]
    # and the key under the chart holds every note's whole text, wrapped, nothing cut
    key = with_class(root, "spc-annotation-key")[0]
    numbers = [t.text for t in with_class(key, "spc-annotation-key-number")]
    texts = [t.text or "" for t in with_class(key, "spc-annotation-key-text")]
    assert numbers == ["1", "2"]
    assert " ".join(texts) == f"{long} Ny rutine for innkomstsamtale innført"
    assert not any("…" in (t.text or "") for t in root.iter(f"{SVG}text"))
    from forlop.measures.svg import CHAR_WIDTH, KEY_LINE

    assert all(56 + 6 + len(text) * CHAR_WIDTH <= 360 for text in texts)
    # and the chart grows by the key's lines, the plot keeps its size
    height = 200 + len(texts) * KEY_LINE + 6
    assert root.get("viewBox") == f"0 0 360 {height}"
    assert root.get("height") == str(height)
    last_y = max(float(t.get("y") or 0) for t in with_class(key, "spc-annotation-key-text"))
    assert 200 < last_y <= height
    # and the line keeps the whole text as its title
    assert [m.find("svg:title", NS).text for m in marks] == [  # type: ignore[union-attr]
        long,
        "Ny rutine for innkomstsamtale innført",
    ]


def test_x_axis_labels_never_run_into_each_other_on_a_small_chart() -> None:
    # given two years of months, labelled as the Norwegian pages label them (the leaders'
    # small charts showed "des. 2024mar. 2025jun. 2025" run together)
    from forlop.measures.svg import CHAR_WIDTH

    months = ["des.", "jan.", "feb.", "mar.", "apr.", "mai", "jun.", "jul.", "aug.", "sept."]
    labels = [f"{months[i % 10]} {2024 + i // 12}" for i in range(24)]
    root = parse(render(run_chart([float(i % 5) for i in range(24)]), labels=labels, width=360))
    shown = with_class(root, "spc-x-label")
    # then each pair of neighbours is at least half of both labels' widths apart
    assert len(shown) >= 3
    for a, b in pairwise(shown):
        gap = float(b.get("x") or 0) - float(a.get("x") or 0)
        assert gap >= (len(a.text or "") + len(b.text or "")) * CHAR_WIDTH / 2, (a.text, b.text)


def test_the_measures_own_target_line_is_labelled() -> None:
    from types import SimpleNamespace

    from django.utils import translation

    from forlop.measures.charts import series_svg

    series = SimpleNamespace(
        measure=SimpleNamespace(target=0.9, is_proportion=True, name="HPH2", code="hph2"),
        result=p_chart([8.0] * 12, [10.0] * 12),
        signals=(),
        labels=[f"m{i}" for i in range(12)],
        svg_annotations=(),
    )
    with translation.override("nb"):
        root = parse(series_svg(series))  # type: ignore[arg-type]
    labels = [t.text for t in with_class(root, "spc-target-label")]
    assert labels == ["Målverdi 90 %"]


def test_note_and_custom_id() -> None:
    root = parse(render(run_chart([1.0, 2.0]), note="Too few points", id_prefix="chart-7"))
    assert [el.text for el in with_class(root, "spc-note")] == ["Too few points"]
    assert root.get("aria-labelledby") == "chart-7-title chart-7-desc"
    with pytest.raises(ValueError, match="not a valid id"):
        render(run_chart([1.0]), id_prefix='x" onload="alert(1)')


def test_default_ids_differ_between_charts() -> None:
    first = parse(render(run_chart([1.0, 2.0])))
    second = parse(render(run_chart([1.0, 3.0])))
    assert first.get("aria-labelledby") != second.get("aria-labelledby")


def test_empty_and_constant_charts_render() -> None:
    parse(render(run_chart([])))
    root = parse(render(run_chart([5.0] * 4)))
    assert len(with_class(root, "spc-point")) == 4


@pytest.mark.parametrize(
    "values", [[1e-12, 2e-12, 3e-12], [1e6, 2e6, 5e6], [-3.0, -2.0, -1.0], [0.1, 0.2, 0.3]]
)
def test_ticks_for_any_scale(values: list[float]) -> None:
    root = parse(render(run_chart(values)))
    axis = with_class(root, "spc-axis--y")[0]
    ys = [float(line.get("y1") or "nan") for line in axis.iter(f"{SVG}line")]
    assert len(ys) >= 2
    assert len(set(ys)) == len(ys)  # distinct tick positions
    points = with_class(root, "spc-point")
    cys = [float(point.get("cy") or "nan") for point in points]
    assert all(min(ys) <= cy <= max(ys) for cy in cys)


def test_size() -> None:
    root = parse(render(run_chart(STABLE), width=400, height=200))
    assert (root.get("width"), root.get("height")) == ("400", "200")
    with pytest.raises(ValueError, match="at least"):
        render(run_chart(STABLE), width=10)


def test_number_formats() -> None:
    assert format_number(0.0) == "0"
    assert format_number(9.566033) == "9.566"
    assert format_number(0.589285714) == "0.5893"
    assert format_number(12345.6) == "12346"
    assert format_number(-0.0000001) == "0"
    assert percent_format(0.853) == "85 %"
