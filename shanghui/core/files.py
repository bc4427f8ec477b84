"""Serving an uploaded file: only through a scoped lookup, never from the media path, and audited."""

from django.db.models import Model
from django.http import FileResponse, Http404

from shanghui.audit import record


def file_download(*, by, obj: Model, field: str, title: str, filename: str = "",
                  content_type: str | None = None) -> FileResponse:
    """The file in `obj.<field>` as an attachment; 404 when there is none (or it is gone from disk).

    The caller found `obj` through `visible_to(by)`. Every download is an audit event
    ("export", as for spreadsheets), so who took which file away is on record.
    """
    stored = getattr(obj, field)
    if not stored:
        raise Http404
    try:
        handle = stored.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    record(by=by, action="export", obj=obj, fields=[field], extra={"title": title})
    response = FileResponse(handle, as_attachment=True, filename=filename or stored.name.rsplit("/", 1)[-1],
                            content_type=content_type)
    # A stored HTML or SVG file is never rendered by the browser as a page of this site.
    response["X-Content-Type-Options"] = "nosniff"
    return response
