from django import forms

from shanghui.core.crud import ListFilter, ServiceForm, active_choice_field
from shanghui.orgs.scope import writable_regions

from .models import Chamber, Region


class ChamberForm(ServiceForm):
    model = Chamber
    field_names = ("name", "kind", "region", "founded", "individual_members", "has_office",
                   "has_service_functions", "has_staff", "has_funding", "address", "phone", "is_active")

    def setup(self):
        # A chamber sits in the district (industry chambers, associations) or in one street.
        self.fields["region"].queryset = writable_regions(self.user).exclude(level=Region.Level.CITY)


class ChamberFilter(ListFilter):
    lookups = {"region": "region", "kind": "kind", "active": "is_active"}

    region = forms.ModelChoiceField(label="所在区域", queryset=Region.objects.none(), empty_label="全部区域")
    kind = forms.ChoiceField(label="类型", choices=[("", "全部类型"), *Chamber.Kind.choices])
    active = active_choice_field()

    def setup(self):
        self.fields["region"].queryset = Region.objects.visible_to(self.user).exclude(level=Region.Level.CITY)
        if not self.user.is_superuser:
            self.fields["region"].queryset = self.fields["region"].queryset.filter(
                path__startswith=self.user.region_path or "-")
