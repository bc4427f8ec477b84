"""The honours of a chamber, party organisation, enterprise or person, as the viewing user may see
them: a panel (core/panels.py) on the recipients' detail pages."""

from django.template.loader import render_to_string

from .models import Honor

# The Honor columns naming a recipient; the recipient's class is read from each foreign key.
RECIPIENT_COLUMNS = ("chamber", "party_organization", "enterprise", "person")


def honours_panel(request, obj) -> str:
    column = next((name for name in RECIPIENT_COLUMNS
                   if isinstance(obj, Honor._meta.get_field(name).related_model)), None)
    if column is None:
        return ""
    honours = Honor.objects.visible_to(request.user).filter(**{column: obj}).order_by("-year", "level", "id")
    return render_to_string("honors/_honours_for.html", {"honours": list(honours)}, request=request)
