"""An upload cap that holds before a file is read into memory or onto disk (issue 11, defect 9).

Django's handlers keep any upload (in memory, then in a temporary file) before a form sees its
size. This handler goes first: once the body passes FORLOP_MAX_UPLOAD_BYTES it stops the upload
(the rest of the body is read and thrown away, so the client still gets a clear answer) and
marks the request, so the view can say "too large" instead of "no file". Put the same limit on
the reverse proxy (nginx client_max_body_size) so the bytes never reach gunicorn.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload


def upload_limit() -> int:
    return int(settings.FORLOP_MAX_UPLOAD_BYTES)


class SizeLimitUploadHandler(FileUploadHandler):
    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.received = 0

    def handle_raw_input(
        self,
        input_data: Any,
        META: Any,  # noqa: N803 - Django's signature
        content_length: int,
        boundary: Any,
        encoding: str | None = None,
    ) -> None:
        self.too_large = content_length > upload_limit() + 64 * 1024  # headers and fields
        return

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.too_large or self.received > upload_limit():
            if self.request is not None:
                self.request.upload_too_large = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
