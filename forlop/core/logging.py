"""Logging filters: no identity number reaches a log line (house style 23, issue 11 defect 10).

`IdentityNumberFilter` sits on every handler (see LOGGING in config/settings.py and the gunicorn
configuration in config/gunicorn.py), so it sees every record, whichever logger it came from:
the message with its arguments, the exception text and the stack are scrubbed with the
project's identifier parser before any formatter writes them.
"""

from __future__ import annotations

import logging

from forlop.core.identifiers import scrub_identity_numbers

_formatter = logging.Formatter()


class IdentityNumberFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        scrubbed = scrub_identity_numbers(message)
        if scrubbed != message:
            record.msg, record.args = scrubbed, None
        if record.exc_info and not record.exc_text:
            record.exc_text = _formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = scrub_identity_numbers(record.exc_text)
        if record.stack_info:
            record.stack_info = scrub_identity_numbers(record.stack_info)
        # Django's request logger attaches the request; a formatter that printed it would
        # print the path. Ours do not, but keep only the scrubbed path for any that might.
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path"):
            record.request_path = scrub_identity_numbers(request.path)
        return True
