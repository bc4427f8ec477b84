"""`{% honours_for obj %}`: the honours of a chamber, party organisation, enterprise or person, as the
viewing user may see them; the recipients' detail pages show it with one line."""

from django import template

from shanghui.directory.models import Enterprise, Person
from shanghui.orgs.models import Chamber
from shanghui.party.models import PartyOrganization

from ..models import Honor

register = template.Library()

COLUMN = {Chamber: "chamber", PartyOrganization: "party_organization", Enterprise: "enterprise", Person: "person"}


@register.inclusion_tag("honors/_honours_for.html", takes_context=True)
def honours_for(context, obj):
    column = COLUMN.get(type(obj))
    request = context.get("request")
    if column is None or request is None:
        return {"honours": []}
    honours = Honor.objects.visible_to(request.user).filter(**{column: obj}).order_by("-year", "level", "id")
    return {"honours": list(honours)}
