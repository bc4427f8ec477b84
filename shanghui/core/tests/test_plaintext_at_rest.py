"""After a session of normal use, no ID or mobile number is readable at rest outside the encrypted columns.

A scripted session (log in, create a person, search by ID and by mobile number, import a
file with a mistyped mobile and leave it unfinished, import one that commits, upload a
document, export, unmask, back up) runs with a 022 umask. Then a raw dump of the
database (SQLite: the database image as it would be on disk, free pages included;
PostgreSQL: every row of every table as text), every file under the data directory
(and inside every zip in it) and everything the log handlers wrote are searched for
each number used, in the renderings people type: plain, with +86, with spaces or dashes.
"""

import io
import logging
import os
import random
import zipfile
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.servers.basehttp import WSGIRequestHandler
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from shanghui.core.files import private_dir
from shanghui.directory.models import Person
from shanghui.imports.models import ImportJob
from shanghui.library.files import make_docx
from shanghui.testing import PASSWORD, make_id_number, make_mobile

pytestmark = pytest.mark.django_db(transaction=True)  # committed rows, as on disk

RNG = random.Random(404)
CREATED = {"id_number": make_id_number(RNG), "mobile": make_mobile(RNG)}
IMPORTED = [(make_id_number(RNG), make_mobile(RNG)) for _ in range(2)]
UNFINISHED = [(make_id_number(RNG), make_mobile(RNG)), (make_id_number(RNG), make_mobile(RNG)[:10])]  # one mistyped
IN_A_FILE_NAME = make_mobile(RNG)
TYPED_AS_USER_NAME = make_mobile(RNG)


def renderings(number: str) -> list[str]:
    forms = [number, number.lower()]
    if len(number) == 11:
        forms += [f"+86{number}", f"{number[:3]} {number[3:7]} {number[7:]}", f"{number[:3]}-{number[3:7]}-{number[7:]}"]
    return forms


def database_dump() -> str:
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        return connection.connection.serialize().decode("utf-8", "replace")
    rows = []
    with connection.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        for (table,) in cursor.fetchall():
            cursor.execute(f'SELECT t::text FROM "{table}" t')
            rows += [row[0] for row in cursor.fetchall()]
    return "\n".join(rows)


def data_dir_dump(root: Path) -> tuple[str, int]:
    """Every file's name and bytes, and the members of every zip (xlsx, docx), as text; and how many files."""
    parts, count = [], 0
    for path in root.rglob("*"):
        parts.append(str(path.relative_to(root)))
        if not path.is_file():
            continue
        count += 1
        raw = path.read_bytes()
        parts.append(raw.decode("utf-8", "replace"))
        if zipfile.is_zipfile(io.BytesIO(raw)):
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                parts += [archive.read(name).decode("utf-8", "replace") for name in archive.namelist()]
    return "\n".join(parts), count


def modes_too_open(root: Path) -> list[str]:
    return [f"{path.relative_to(root)} {oct(path.stat().st_mode & 0o777)}" for path in root.rglob("*")
            if path.stat().st_mode & 0o077]


@pytest.fixture
def data_dir(settings, tmp_path):
    root = private_dir(tmp_path / "data")
    settings.DATA_DIR = root
    settings.MEDIA_ROOT = root / "media"
    settings.SHANGHUI_BACKUP_DIR = root / "backups"
    settings.SHANGHUI_IMPORTS_INLINE = True  # the test database is not visible to another thread
    old = os.umask(0o022)  # what a careless service manager or shell leaves
    try:
        yield root
    finally:
        os.umask(old)


@pytest.fixture
def log_output():
    """What the application's own log handlers (root and runserver's access log) write, captured."""
    buffer = io.StringIO()
    handlers = [h for name in ("", "django.server") for h in logging.getLogger(name).handlers
                if isinstance(h, logging.StreamHandler) and not type(h).__module__.startswith("_pytest")]
    assert handlers
    old = [(h, h.setStream(buffer)) for h in handlers]
    try:
        yield buffer
    finally:
        for handler, stream in old:
            handler.setStream(stream)


def access_log(path: str, response) -> None:
    """The line runserver's request handler logs for this request, through the same code."""
    handler = WSGIRequestHandler.__new__(WSGIRequestHandler)
    handler.request, handler.requestline = None, f"GET {path} HTTP/1.1"
    handler.log_request(response.status_code, len(getattr(response, "content", b"")) or "-")


def browse(client, path: str, params: dict | None = None):
    response = client.get(path, params or {})
    query = urlencode(params or {})  # as the browser sends it: %2B86+138...
    access_log(f"{path}?{query}" if query else path, response)
    return response


def csv_upload(name: str, rows: list[tuple[str, str]], street: str) -> SimpleUploadedFile:
    lines = ["姓名,身份证号码,手机号码,所属街道", *(f"导入人员{i},{id_number},{mobile},{street}"
                                                   for i, (id_number, mobile) in enumerate(rows))]
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode("utf-8-sig"))


def normal_session(client, cast) -> None:
    assert client.post(reverse("accounts:login"), {"username": cast.admin.username, "password": PASSWORD}).status_code == 302
    response = client.post(reverse("directory:person_create"), {
        "name": "钱新人", "region": cast.street_a.pk, "political_status": "masses", **CREATED})
    assert response.status_code == 302, response.content.decode()[:2000]
    person = Person.objects.get(name="钱新人")
    for typed in (CREATED["id_number"], CREATED["mobile"], f"+86 {CREATED['mobile']}"):
        assert browse(client, reverse("directory:person_list"), {"q": typed}).status_code == 200
    browse(client, reverse("directory:person_detail", args=[person.pk]))

    upload = client.post(reverse("imports:index"), {"kind": "persons", "file": csv_upload(
        f"待核对{UNFINISHED[0][1]}.csv", UNFINISHED, cast.street_a.name)})
    unfinished = ImportJob.objects.latest("pk")
    assert upload.status_code == 302 and unfinished.result["error_rows"] == 1
    report = client.get(reverse("imports:job_errors", args=[unfinished.pk]))
    rows = list(load_workbook(io.BytesIO(b"".join(report.streaming_content))).active.iter_rows(values_only=True))
    assert rows[1][1] == UNFINISHED[0][0]  # she gets her own rows back; they are not kept readable
    client.get(reverse("imports:job", args=[unfinished.pk]))  # ... and leaves it there

    client.post(reverse("imports:index"), {"kind": "persons", "file": csv_upload(
        "新会员.csv", IMPORTED, cast.street_a.name)})
    job = ImportJob.objects.latest("pk")
    assert client.post(reverse("imports:job_commit", args=[job.pk])).status_code == 302
    job.refresh_from_db()
    assert job.status == "done" and Person.objects.filter(name__startswith="导入人员").count() == len(IMPORTED)

    response = client.post(reverse("library:document_create"), {
        "kind": "minutes", "title": "会议纪要", "issuer": "东华门街道商会", "date": "2018-05-01",
        "file": SimpleUploadedFile(f"会议纪要 {IN_A_FILE_NAME}.docx", make_docx("会议纪要", ["商会建设情况良好。"]))})
    assert response.status_code == 302, response.content.decode()[:2000]

    assert browse(client, reverse("directory:person_export")).status_code == 200
    assert browse(client, reverse("imports:export", args=["persons"])).status_code == 200
    unmasked = client.post(reverse("directory:person_unmask", args=[person.pk]))
    assert CREATED["mobile"] in unmasked.content.decode()  # shown to her, stored nowhere
    call_command("backup")


def numbers_used(cast) -> list[str]:
    numbers = [*CREATED.values(), IN_A_FILE_NAME]
    numbers += [n for pair in IMPORTED + UNFINISHED for n in pair]
    numbers += [n for p in (cast.person_a, cast.person_b, cast.youth_member) for n in (p.id_number, p.mobile)]
    return numbers


def test_no_number_is_readable_in_the_database_the_data_directory_or_the_log(client, cast, data_dir, log_output):
    normal_session(client, cast)
    database = database_dump()
    files, file_count = data_dir_dump(data_dir)
    log = log_output.getvalue()
    # The dumps hold the session (so an empty dump cannot pass) ...
    assert "钱新人" in database and "导入人员0" in database and "会议纪要" in files and file_count >= 3
    assert "/directory/persons/?q=" in log
    # ... and none of its numbers.
    for number in numbers_used(cast):
        for typed in renderings(number):
            for where, text in (("database", database), ("data directory", files), ("log", log)):
                assert typed not in text, f"{typed} readable in the {where}"


def test_every_file_and_folder_the_session_leaves_is_private_whatever_the_umask(client, cast, data_dir, log_output):
    normal_session(client, cast)
    assert any(data_dir.rglob("*.docx")) and any((data_dir / "backups").iterdir())
    assert modes_too_open(data_dir) == []


def test_a_number_typed_as_a_user_name_on_a_failed_login_is_not_kept(client, cast, data_dir, log_output):
    for typed in (TYPED_AS_USER_NAME, f"+86 {TYPED_AS_USER_NAME}", f"+86{TYPED_AS_USER_NAME}"):
        response = client.post(reverse("accounts:login"), {"username": typed, "password": "wrong-password"})
        assert response.status_code == 200
        access_log(reverse("accounts:login"), response)
    database, log = database_dump(), log_output.getvalue()
    assert "accounts/login" in log
    for typed in renderings(TYPED_AS_USER_NAME):
        assert typed not in database and typed not in log
