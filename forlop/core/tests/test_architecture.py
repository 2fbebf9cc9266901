"""The map in docs/architecture.md, checked: dependencies between apps point one way.

A lower app never imports a higher one, nor includes, extends or loads tags from its
templates. Higher apps plug into lower ones through registries filled in ``ready()``
(``pathways.registry``). Tests and migrations are not checked: test fixtures may compose apps.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# Each app and the apps it may depend on (directly). Keep docs/architecture.md in step.
ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "accounts": {"core"},
    "patients": {"core"},
    "pathways": {"core", "patients"},
    "authoring": {"core", "patients", "pathways"},
    "goals": {"core", "patients", "pathways"},
    "measures": {"core", "patients", "pathways", "goals"},
    "portal": {"core", "patients", "pathways", "goals"},
    "improvement": {"core", "patients", "pathways", "goals", "measures"},
    # Reminders stand directly on the engine: its stop points, work list (worklist_scope),
    # owners and schedule entries, and its adherence counts for the leaders' weekly summary
    # (the on-time share and the trial's 3-of-4 measure). Nothing lower knows it is there.
    "notifications": {"core", "patients", "pathways"},
    "interop": {
        "core",
        "accounts",
        "patients",
        "pathways",
        "authoring",
        "goals",
        "measures",
        "portal",
        "improvement",
        "notifications",
    },
}
APPS = set(ALLOWED) | {"demo"}  # the demo package is the composition root: it may use all

TEMPLATE_REF = re.compile(r"""{%\s*(?:include|extends)\s+["']([a-z_]+)/""")
TEMPLATE_LOAD = re.compile(r"{%\s*load\s+([^%]+)%}")
# Template tag libraries and the app that defines them.
TAG_LIBRARIES = {"goals_tags": "goals", "pathways_tags": "pathways"}


def _source_files(app: str, suffix: str) -> list[Path]:
    base = ROOT / app
    return [
        path
        for path in base.rglob(f"*{suffix}")
        if "tests" not in path.relative_to(base).parts
        and "migrations" not in path.relative_to(base).parts
    ]


def _imported_apps(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "forlop" and len(parts) > 1 and parts[1] in APPS:
                found.add(parts[1])
    return found


def test_every_app_is_on_the_map() -> None:
    on_disk = {p.name for p in ROOT.iterdir() if (p / "apps.py").exists()}
    assert on_disk == APPS


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_python_imports_point_down(app: str) -> None:
    wrong = {
        f"{path.relative_to(ROOT)} imports {other}"
        for path in _source_files(app, ".py")
        for other in _imported_apps(path) - ALLOWED[app] - {app}
    }
    assert not wrong, sorted(wrong)


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_templates_point_down(app: str) -> None:
    wrong: set[str] = set()
    for path in _source_files(app, ".html"):
        text = path.read_text(encoding="utf-8")
        for other in TEMPLATE_REF.findall(text):
            if other in APPS and other not in ALLOWED[app] | {app}:
                wrong.add(f"{path.relative_to(ROOT)} includes {other}/…")
        for libraries in TEMPLATE_LOAD.findall(text):
            for library in libraries.split():
                owner = TAG_LIBRARIES.get(library)
                if owner is not None and owner not in ALLOWED[app] | {app}:
                    wrong.add(f"{path.relative_to(ROOT)} loads {library}")
    assert not wrong, sorted(wrong)


def test_the_check_finds_a_wrong_import(tmp_path: Path) -> None:
    # given a module of a lower app that imports a higher one
    module = tmp_path / "wrong.py"
    module.write_text("from forlop.goals import selectors\nimport forlop.core.models\n")
    # then the parser sees both apps (so the check above can fail)
    assert _imported_apps(module) == {"goals", "core"}


# Views never write audit rows: the services and selectors that touch patient data write
# their own (issue 8, defect 3). The one exception is the FHIR endpoint's call log: one
# SYSTEM_CALL row per client call (client, method, path, status), written by the wrapper that
# authenticates the call; the reads and writes it calls audit the patient data themselves.
AUDIT_IN_VIEWS_ALLOWED = {"interop/fhir/views.py"}
AUDIT_WRITE = re.compile(
    r"\baudit_record(?:_many)?\b|\bAuditEvent\.objects\.(?:create|bulk_create)\b"
)


def _view_modules() -> list[Path]:
    return sorted(
        path
        for app in sorted(APPS)
        for path in _source_files(app, ".py")
        if path.name == "views.py" or "views" in path.relative_to(ROOT / app).parts[:-1]
    )


def _writes_audit_rows(path: Path) -> bool:
    return AUDIT_WRITE.search(path.read_text(encoding="utf-8")) is not None


def test_views_write_no_audit_rows() -> None:
    views = _view_modules()
    assert ROOT / "pathways" / "views" / "leaders.py" in views  # the packages are found
    wrong = {
        str(path.relative_to(ROOT))
        for path in views
        if _writes_audit_rows(path) and str(path.relative_to(ROOT)) not in AUDIT_IN_VIEWS_ALLOWED
    }
    assert not wrong, sorted(wrong)


def test_the_check_finds_an_audit_row_written_in_a_view(tmp_path: Path) -> None:
    view = tmp_path / "views.py"
    view.write_text("from forlop.core.audit import audit_record\n\naudit_record(actor=u, verb=v)\n")
    assert _writes_audit_rows(view)
    view.write_text("from forlop.patients import selectors\n")
    assert not _writes_audit_rows(view)
