"""Panels an app higher up adds to the detail page of a lower app's record (the honours of a chamber,
an enterprise, a person, a party organisation).

The detail page renders `{% detail_panels obj %}` (shanghui_ui) and names no app above it; each app
that has something to show registers a panel in its AppConfig.ready(): a function of (request, obj)
that returns the panel's HTML, or "" for an object it has nothing to say about.
"""

from collections.abc import Callable

from django.utils.safestring import SafeString, mark_safe

PANELS: list[Callable] = []


def register(panel: Callable) -> Callable:
    if panel not in PANELS:
        PANELS.append(panel)
    return panel


def render(request, obj) -> SafeString:
    return mark_safe("".join(panel(request, obj) for panel in PANELS))  # noqa: S308 - each panel's rendered template
