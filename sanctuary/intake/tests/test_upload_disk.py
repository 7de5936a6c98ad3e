"""Uploads never reach the disk in plain: a photo sent to the mailbox stays in memory, whether
it is accepted or its form is refused, and a body larger than any accepted one is refused
before it is read. The watch is Python's audit hook: it sees every file the process opens for
writing and every temporary file it makes while the upload is handled."""

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any
from unittest import mock

from django.conf import global_settings, settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http.multipartparser import MultiPartParser
from django.test import Client, override_settings
from django.urls import reverse

from sanctuary.cases.models import Attachment
from sanctuary.intake.scrub import MAX_BYTES
from sanctuary.intake.tests.helpers import submit, token_in
from sanctuary.intake.tests.test_scrub import JPEG_SCAN, JPEG_TABLES, _segment
from sanctuary.test import BaseTestCase

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

MB = 1024 * 1024
_watches: list[tuple[Path, list[str]]] = []


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if not _watches:
        return
    folder, seen = _watches[-1]
    if event in ("tempfile.mkstemp", "tempfile.mkdtemp"):
        seen.append(f"{event} {args[0]}")
    elif event == "open" and args[0] is not None:
        path, mode, flags = args
        writes = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT)
        )
        if writes and str(path).startswith(str(folder)):
            seen.append(f"open {path}")


sys.addaudithook(_audit)


@contextmanager
def watching_the_temporary_folder() -> Iterator[list[str]]:
    """Points Django's upload folder and Python's temporary folder at a fresh folder, and lists
    each file created in it, and each temporary file made anywhere, until the block ends."""
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        seen: list[str] = []
        with (
            mock.patch.object(tempfile, "tempdir", name),
            mock.patch.dict(os.environ, {"TMPDIR": name}),
            override_settings(FILE_UPLOAD_TEMP_DIR=name),
        ):
            _watches.append((folder, seen))
            try:
                yield seen
            finally:
                _watches.pop()
        seen.extend(f"left {path}" for path in folder.iterdir())


def photo_of(size: int) -> bytes:
    """A valid JPEG of exactly `size` bytes: comment segments (which scrubbing removes) fill
    it up around a 1x1 picture."""
    head, tail = b"\xff\xd8", JPEG_TABLES + JPEG_SCAN
    room = size - len(head) - len(tail)
    comments = []
    while room > 0:
        payload = min(room - 4, 65533)
        if 0 < room - (payload + 4) < 4:
            payload -= 8  # leave room for one more whole segment
        comments.append(_segment(0xFE, b"c" * payload))
        room -= payload + 4
    photo = head + b"".join(comments) + tail
    assert len(photo) == size
    return photo


class UploadDiskTestCase(BaseTestCase):
    def setUp(self) -> None:
        super().setUp()
        submit(self.client)

    def send(
        self, photo: bytes, *, genuine: bool = True, lang: str = "ru"
    ) -> "_MonkeyPatchedWSGIResponse":
        url = f"/{lang}/mailbox/"
        page = self.client.get(url).content.decode()
        upload = SimpleUploadedFile("IMG_2051.jpg", photo, content_type="image/jpeg")
        token = token_in(page) if genuine else "refused"
        return self.client.post(
            url, {"body": "my summons, photographed", "attachments": [upload], "form_token": token}
        )

    def test_it_keeps_the_largest_accepted_photo_in_memory(self) -> None:
        self.assertGreater(MAX_BYTES, global_settings.FILE_UPLOAD_MAX_MEMORY_SIZE)
        with watching_the_temporary_folder() as seen:
            response = self.send(photo_of(MAX_BYTES))
        self.assertRedirects(response, reverse("intake:mailbox") + "?sent=1#latest")
        self.assertTrue(Attachment.objects.exists())
        self.assertEqual(seen, [])

    def test_it_writes_nothing_when_the_form_is_refused(self) -> None:
        with watching_the_temporary_folder() as seen:
            response = self.send(photo_of(9 * MB), genuine=False)
        self.assertEqual(response.status_code, 403)
        self.assertEqual(seen, [])

    def test_it_would_see_djangos_default_handlers_write_the_photo_to_disk(self) -> None:
        # The positive control: Django's defaults spill an upload over 2.5 MB to a temporary
        # file before the view has even checked the form, and the watch sees it.
        defaults = {
            "FILE_UPLOAD_HANDLERS": global_settings.FILE_UPLOAD_HANDLERS,
            "FILE_UPLOAD_MAX_MEMORY_SIZE": global_settings.FILE_UPLOAD_MAX_MEMORY_SIZE,
        }
        with self.settings(**defaults), watching_the_temporary_folder() as seen:
            response = self.send(photo_of(9 * MB), genuine=False)
        self.assertEqual(response.status_code, 403)
        self.assertTrue(any(line.startswith("tempfile.mkstemp") for line in seen), seen)
        self.assertTrue(any(line.endswith(".jpg") for line in seen), seen)

    def test_it_refuses_a_larger_body_before_reading_it(self) -> None:
        with (
            watching_the_temporary_folder() as seen,
            mock.patch.object(
                MultiPartParser, "parse", side_effect=AssertionError("read")
            ) as parse,
        ):
            response = self.send(photo_of(settings.REQUEST_BODY_MAX_BYTES + 1))
        self.assertEqual(response.status_code, 413)
        parse.assert_not_called()
        self.assertEqual(seen, [])
        self.assertFalse(Attachment.objects.exists())
        self.assertContains(response, "Слишком большой объём", status_code=413)
        self.assertContains(response, "12 МБ", status_code=413)
        self.assertContains(response, 'class="exit"', status_code=413)  # a seeker's page

    def test_it_refuses_a_larger_body_in_the_persons_language(self) -> None:
        response = self.send(photo_of(settings.REQUEST_BODY_MAX_BYTES + 1), lang="en")
        self.assertContains(response, "Too large to send", status_code=413)
        staff = Client().post(
            "/ru/staff/login/",
            {"username": "alice", "password": "x" * (settings.REQUEST_BODY_MAX_BYTES + 1)},
        )
        self.assertContains(staff, "Слишком большой объём", status_code=413)
        self.assertNotContains(staff, 'class="exit"', status_code=413)  # a staff page
