"""Run inside the provider project (`python -m forlop.accounts.tests.oidc_op.setup_op`):
migrate, make the signing key, the users and the clients described in FORLOP_TEST_OP_SETUP."""

import json
import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "forlop.accounts.tests.oidc_op.settings")
django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from oidc_provider.models import Client, ResponseType  # noqa: E402

call_command("migrate", verbosity=0)
call_command("creatersakey")
setup = json.loads(os.environ["FORLOP_TEST_OP_SETUP"])
for username, (first, last, password) in setup["users"].items():
    user = User.objects.create_user(username=username, first_name=first, last_name=last)
    user.set_password(password)
    user.save()
code = ResponseType.objects.get(value="code")
for client_id, (secret, redirect_uri) in setup["clients"].items():
    client = Client.objects.create(
        name=client_id,
        client_id=client_id,
        client_secret=secret,
        client_type="confidential",
        require_consent=False,
        reuse_consent=True,
        _redirect_uris=redirect_uri,
        _scope="openid profile",
    )
    client.response_types.add(code)
