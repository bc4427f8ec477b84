"""The site-wide search page (docs/search.md): one query over enterprises, persons, documents and
activities, grouped by type with counts. Every group starts from `visible_to(user)`, so neither a row
nor a count outside the user's scope shows. Staff only (an enterprise user searches the library list,
the one register he reads): the page is not marked `enterprise_page`, so he is answered 403."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from shanghui.activities.models import Activity
from shanghui.core import search
from shanghui.directory.models import Enterprise, Person
from shanghui.library.models import Document

# Hits shown per group; the group's "全部" link opens its list page with the same query.
LIMIT = 10
MAX_QUERY = 100


def _groups(user, q: str) -> list[dict]:
    # Newest first, counts capped (search.count_and_first): ordering by name would sort every hit,
    # hundreds of thousands for a common word at a million enterprises; the list pages behind "全部"
    # count and sort as they always do.
    specs = [
        ("enterprise", "企业", Enterprise.objects.visible_to(user).select_related("region", "principal"),
         "directory:enterprise_detail", "directory:enterprise_list"),
        ("person", "人员", Person.objects.visible_to(user).select_related("region", "enterprise"),
         "directory:person_detail", "directory:person_list"),
        ("document", "文献资料", Document.objects.visible_to(user), "library:document_detail",
         "library:document_list"),
        ("activity", "活动", Activity.objects.visible_to(user).select_related("region"),
         "activities:activity_detail", "activities:activity_list"),
    ]
    groups = []
    for kind, label, qs, detail, listing in specs:
        count, hits = search.count_and_first(qs, q, LIMIT)
        for hit in hits:
            hit.search_url = reverse(detail, args=[hit.pk])
            if kind == "document":
                hit.title_snippet = search.snippet(hit.title, q, width=200)
                hit.body_snippet = search.snippet(hit.text, q) if hit.text else ""
            elif kind == "activity":
                hit.title_snippet = search.snippet(hit.title, q, width=200)
                hit.body_snippet = search.snippet(" ".join(filter(None, [hit.place, hit.partner, hit.description])), q)
            else:
                hit.title_snippet = search.snippet(hit.name, q, width=200)
        groups.append({"kind": kind, "label": label, "count": count, "hits": hits,
                       "count_label": f"{search.COUNT_CAP}+" if count > search.COUNT_CAP else str(count),
                       "more": reverse(listing) if count > len(hits) else ""})
    return groups


@require_GET
@login_required
def search_page(request):
    q = " ".join(request.GET.get("q", "").split())[:MAX_QUERY]
    groups = _groups(request.user, q) if q and search.parse(q) else []
    return render(request, "reports/search.html", {
        "q": q, "groups": groups, "total": sum(g["count"] for g in groups),
        "capped": any(g["count"] > search.COUNT_CAP for g in groups),
        "unusable": bool(q) and not search.parse(q),
    })
