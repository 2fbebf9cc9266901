"""The SVG chart: accessible, escaped, CSP-safe."""

from __future__ import annotations

from decimal import Decimal

from forlop.goals.charts import Series, render_goals_chart


def test_chart_is_accessible_and_escaped():
    svg = render_goals_chart(
        x_labels=["01.10.2026", "29.10.2026"],
        goals=[Series("komme <meg> hjem", [5, 10]), Series("fot", [3, None])],
        average=Series("Gjennomsnitt", [Decimal("4.3"), Decimal("8.3")]),
        title="Mål over tid",
        description="Gjennomsnitt 4,3 og 8,3",
    )
    assert svg.startswith("<svg")
    assert 'role="img"' in svg
    assert 'aria-labelledby="goals-chart-title goals-chart-desc"' in svg
    assert '<title id="goals-chart-title">Mål over tid</title>' in svg
    assert "komme &lt;meg&gt; hjem" in svg
    assert "<meg>" not in svg
    assert "style=" not in svg
    assert "<script" not in svg
    assert "Gjennomsnitt: 8.3" in svg  # the point's tooltip
    assert svg.count("<path") == 2  # the goal scored once has a marker but no line


def test_chart_single_scoring():
    svg = render_goals_chart(
        x_labels=["01.10.2026"], goals=[Series("a", [5])], average=None, title="t", description="d"
    )
    assert "<circle" in svg
    assert "<path" not in svg
