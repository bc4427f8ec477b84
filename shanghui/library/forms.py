from django import forms

from shanghui.core.crud import ListFilter, ServiceForm
from shanghui.orgs.models import Region

from .models import Document, DocumentKind
from .services import can_write_document_region


class DocumentForm(ServiceForm):
    model = Document
    field_names = ("kind", "title", "issuer", "date", "file", "tags", "region", "is_public")

    blank_on_edit = ("file",)
    file = forms.FileField(label="文件", help_text="PDF、Word（.docx）、PNG 或 JPEG，不超过 20 MB。PDF 和 Word 的正文可被搜索。")

    def setup(self):
        regions = Region.objects.visible_to(self.user).exclude(level=Region.Level.CITY)
        writable = [r.pk for r in regions if can_write_document_region(self.user, r)]
        self.fields["region"].queryset = Region.objects.filter(pk__in=writable, level=Region.Level.STREET)
        self.fields["region"].empty_label = "全区"
        if not can_write_document_region(self.user, None):
            self.fields["region"].required = True
            self.fields["region"].empty_label = None
        if self.instance is not None:
            self.fields["file"].required = False
            self.fields["file"].help_text = f"现为“{self.instance.filename}”；不选则不更换。"

    def clean(self):
        data = super().clean()
        if self.instance is not None and not data.get("file"):
            data.pop("file", None)
        return data


class DocumentFilter(ListFilter):
    lookups = {"kind": "kind", "year": "date__year"}

    kind = forms.ChoiceField(label="类型", choices=[("", "全部类型"), *DocumentKind.choices])
    year = forms.IntegerField(label="年度", min_value=1949, max_value=2100)
