"""The shipped pathway templates, one module each, and their installation."""

from forlop.authoring.defaults.install import NATIONAL_DEFAULTS, install_national_defaults

__all__ = ["NATIONAL_DEFAULTS", "install_national_defaults"]
