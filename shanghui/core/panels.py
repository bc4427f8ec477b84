"""Panels an app higher up adds to the detail page of a lower app's record (the honours of a chamber,
an enterprise, a person, a party organisation).

The detail page renders `{% detail_panels obj %}` (shanghui_ui) and names no app above it; each app
that has something to show registers a panel in its AppConfig.ready(): a function of (request, obj)
that returns the panel's HTML, or "" for an object it has nothing to say about.

Badges are the same kind of hook for the navigation (base.html): an app registers a count by name
(`register_badge("notices", unread_count)`, a function of the user) and the bar shows
`{% nav_badge "notices" %}` without naming the app's code.
"""

from collections.abc import Callable

from django.utils.safestring import SafeString, mark_safe

PANELS: list[Callable] = []
BADGES: dict[str, Callable] = {}


def register(panel: Callable) -> Callable:
    if panel not in PANELS:
        PANELS.append(panel)
    return panel


def render(request, obj) -> SafeString:
    return mark_safe("".join(panel(request, obj) for panel in PANELS))  # noqa: S308 - each panel's rendered template


def register_badge(name: str, count: Callable) -> Callable:
    BADGES[name] = count
    return count


def badge(name: str, user) -> int:
    """The count of the badge `name` for `user`; 0 when no app registered it."""
    count = BADGES.get(name)
    return count(user) if count is not None else 0
