"""Restoring organisations and units, practitioners, and templates with their what-matters forms."""

from __future__ import annotations

from forlop.core.models import Organisation, Unit, User
from forlop.goals.models import (
    WhatMattersForm,
    WhatMattersFormVersion,
    WhatMattersQuestion,
)
from forlop.interop.fhir import codes
from forlop.interop.fhir.restore.state import (
    Json,
    RestoreError,
    State,
    _identifier,
    _ref_id,
    _sub,
)
from forlop.pathways import models as pm


class Organisations(State):
    def organisations(self) -> None:
        parents: list[tuple[Organisation, str]] = []
        units: list[Json] = []
        for where, data in self.each("Organization"):
            if data["id"].startswith("unit-"):
                units.append(data)
                continue
            number = _identifier(data, codes.OID_ENH)
            if number is None:
                raise RestoreError(where, "an organisation needs its organisation number")
            org = Organisation.objects.filter(org_number=number).first()
            if org is None:
                kind = ((data.get("type") or [{}])[0].get("coding") or [{}])[0].get("code", "")
                org = Organisation.objects.create(
                    kind=kind,
                    name=data.get("name", ""),
                    code=_identifier(data, codes.SYSTEM_ORG_CODE) or f"org-{number}",
                    org_number=number,
                    municipality_number=_identifier(data, codes.OID_MUNICIPALITY) or "",
                )
                self.count("organisations")
                parent = _ref_id(data.get("partOf"), "Organization/")
                if parent:
                    parents.append((org, parent))
            self.orgs[data["id"]] = org
        for org, parent in parents:
            if parent in self.orgs and org.municipality_id is None:
                org.municipality = self.orgs[parent]
                org.save(update_fields=["municipality", "updated_at"])
        for data in units:
            code = _identifier(data, codes.SYSTEM_UNIT) or ""
            unit = Unit.objects.filter(code=code).first()
            if unit is None:
                parent = _ref_id(data.get("partOf"), "Organization/") or ""
                kind = ((data.get("type") or [{}])[0].get("coding") or [{}])[0].get("code", "")
                phone = next(
                    (t["value"] for t in data.get("telecom") or [] if t.get("system") == "phone"),
                    "",
                )
                unit = Unit.objects.create(
                    organisation=self.orgs[parent],
                    kind=kind,
                    name=data.get("name", ""),
                    code=code,
                    phone=phone,
                )
                self.count("units")
            self.units[data["id"]] = unit

    def practitioners(self) -> None:
        for where, data in self.each("Practitioner"):
            username = _identifier(data, codes.SYSTEM_USERNAME)
            if not username:
                raise RestoreError(where, "a practitioner needs its username identifier")
            user = User.objects.filter(username=username).first()
            if user is None:
                name = (data.get("name") or [{}])[0]
                user = User(
                    username=username,
                    first_name=" ".join(name.get("given") or []),
                    last_name=name.get("family", ""),
                    hpr_number=_identifier(data, codes.OID_HPR) or "",
                    is_active=bool(data.get("active", True)),
                )
                user.set_unusable_password()
                user.save()
                self.count("users")
            self.users[data["id"]] = user.pk

    def templates(self) -> None:
        questionnaires: dict[str, Json] = {}
        for _where, data in self.each("Questionnaire"):
            if data["id"].startswith("wm-"):
                self._form(data)
            else:
                questionnaires[f"{data['url']}|{data['version']}"] = data
        for _where, data in self.each("PlanDefinition"):
            self._plan(data, questionnaires)

    def _form(self, data: Json) -> None:
        key = f"{data['url']}|{data['version']}"
        version = WhatMattersFormVersion.objects.filter(
            form__name=data.get("title", ""), number=int(data["version"])
        ).first()
        if version is None:
            form = WhatMattersForm.objects.filter(
                name=data.get("title", ""), organisation__isnull=True
            ).first() or WhatMattersForm.objects.create(name=data.get("title", ""))
            version = WhatMattersFormVersion.objects.create(
                form=form, number=int(data["version"]), published=data.get("status") == "active"
            )
            goal = (data.get("item") or [{}])[0]
            score = next((i for i in goal.get("item") or [] if i.get("linkId") == "goal.score"), {})
            low, _dash, high = str(score.get("text", "")).partition(" – ")
            WhatMattersQuestion.objects.create(
                version=version,
                language="nb",
                text=goal.get("text", ""),
                anchor_min=low,
                anchor_max=high,
            )
            for translation in (goal.get("_text") or {}).get("extension") or []:
                lang = _sub(translation, "lang")
                text = _sub(translation, "content")
                if lang and text:
                    WhatMattersQuestion.objects.create(
                        version=version, language=lang, text=text, anchor_min=low, anchor_max=high
                    )
            self.count("what_matters_versions")
        self.forms[key] = version

    def _plan(self, data: Json, questionnaires: dict[str, Json]) -> None:
        template_code = _identifier(data, f"{codes.FORLOP}/NamingSystem/template") or data["name"]
        number = int(data["version"])
        key = f"{data['url']}|{number}"
        existing = pm.TemplateVersion.objects.filter(
            template__code=template_code, number=number
        ).first()
        if existing is not None:
            self.versions[key] = existing
            return
        from forlop.interop.fhir.templates import template_version_from_fhir

        self.versions[key] = template_version_from_fhir(
            plan=data, questionnaires=questionnaires, template_code=template_code
        )
        self.count("template_versions")
