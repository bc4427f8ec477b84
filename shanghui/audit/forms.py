from django import forms

from shanghui.core.crud import DateInput, ListFilter

from .labels import ACTION_LABELS


class AuditFilter(ListFilter):
    action = forms.ChoiceField(label="操作", choices=lambda: [("", "全部操作"), *ACTION_LABELS.items()])
    user = forms.CharField(label="操作人账号", max_length=150)
    start = forms.DateField(label="起始日期", widget=DateInput)
    end = forms.DateField(label="结束日期", widget=DateInput)

    def setup(self):
        del self.fields["q"]  # events are found by who, what and when, not by free text

    def filter_action(self, qs, value):
        return qs.filter(action=value)

    def filter_user(self, qs, value):
        return qs.filter(actor_name__icontains=value)

    def filter_start(self, qs, value):
        return qs.filter(at__date__gte=value)

    def filter_end(self, qs, value):
        return qs.filter(at__date__lte=value)
