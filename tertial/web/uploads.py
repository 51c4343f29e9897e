"""Uploads bounded before they reach the disk (settings.FILE_UPLOAD_HANDLERS, first).

Django writes a file field larger than FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file while
it parses the request, which happens before any view (the CSRF check reads the form), so a
limit checked by a form comes after the disk has been filled. This handler stands before
Django's own: it stops a file of someone not signed in at its first byte, a request whose
Content-Length says it is larger than the limit before reading it, and any file as soon as
it grows past the limit, and notes why on the request (``upload_refused``) for the page to
say so.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload

TOO_LARGE = "too_large"
ANONYMOUS = "anonymous"


class LimitedUploadHandler(FileUploadHandler):
    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        self.refused = None
        user = getattr(self.request, "user", None)
        if user is None or not user.is_authenticated:
            self.refused = ANONYMOUS
        # The form's other fields are a few hundred bytes: a body this long holds a file
        # longer than the limit.
        elif content_length > settings.TERTIAL_MAX_UPLOAD_BYTES + 64 * 1024:
            self.refused = TOO_LARGE

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        if self.refused is not None:
            self._refuse(self.refused)

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > settings.TERTIAL_MAX_UPLOAD_BYTES:
            self._refuse(TOO_LARGE)
        return raw_data

    def file_complete(self, file_size):
        return None

    def _refuse(self, reason: str):
        self.request.upload_refused = reason
        # Stop reading: the fields before the file (the CSRF token first) are parsed, the
        # rest of the body is never read nor written anywhere.
        raise StopUpload(connection_reset=True)
