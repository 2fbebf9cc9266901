"""`forlop generate`: the same command as `forlop synth`, under the name operators look for
(``forlop generate --municipalities N --patients-per-municipality M --years Y --seed S``)."""

from __future__ import annotations

from forlop.demo.management.commands.synth import Command as SynthCommand


class Command(SynthCommand):
    pass
