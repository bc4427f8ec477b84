"""The document library (docs/design.md §3 `library`): research reports, guidelines, books, cases, minutes, notices.

Who sees a document (docs/access.md):
- a street's document (`region` a street): that street's users and district users;
- a district-wide document (`region` empty): every staff user (every region role);
- enterprise users: only documents marked public (`is_public`), whatever their region;
- auditors: none.
The file is never served from the media URL: the download view looks the document up
inside `visible_to()` and writes an audit event.
"""

from django.db import models
from django.db.models import Q

from shanghui.core import search
from shanghui.core.roles import Role
from shanghui.core.scoping import ScopedQuerySet
from shanghui.orgs.models import Region


class DocumentKind(models.TextChoices):
    REPORT = "report", "调研报告"
    GUIDELINE = "guideline", "指导意见"
    BOOK = "book", "书籍"
    CASE = "case", "案例"
    MINUTES = "minutes", "会议纪要"
    NOTICE = "notice", "通知"


class DocumentQuerySet(ScopedQuerySet):
    region_paths = ("region",)

    def visibility(self, user):
        # Enterprise users read the public documents; staff also read the district-wide ones
        # (no region) besides their own region's.
        if user.role == Role.ENTERPRISE_USER:
            return Q(is_public=True) if user.enterprise_id else None
        cond = super().visibility(user)
        return None if cond is None else cond | Q(region__isnull=True)

    def search(self, q: str):
        # The full-text index (core/search.py) over title, tags, issuer and the extracted body text.
        return search.filter_queryset(self, "document", q) if (q or "").strip() else self


class Document(models.Model):
    kind = models.CharField("类型", max_length=20, choices=DocumentKind.choices, db_index=True)
    title = models.CharField("标题", max_length=200)
    issuer = models.CharField("发文/编写单位", max_length=100)
    date = models.DateField("日期", db_index=True)
    tags = models.CharField("标签", max_length=200, blank=True, help_text="多个标签用逗号分隔，如“党建,商会”。")
    region = models.ForeignKey(Region, verbose_name="所属区域", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", help_text="不填为全区文件（所有工作人员可见）；填街道则只有该街道和区级用户可见。")
    is_public = models.BooleanField("向企业公开", default=False, help_text="勾选后企业用户也能查看和下载。")
    file = models.FileField("文件", upload_to="library/%Y/")
    filename = models.CharField("原文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）")
    # What search reads besides the title: the text of a PDF or Word file (empty for images).
    text = models.TextField("正文文本", blank=True, editable=False)
    created = models.DateTimeField("上传时间", auto_now_add=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "文件资料"
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def tag_list(self) -> list[str]:
        return [t.strip() for t in self.tags.replace("，", ",").split(",") if t.strip()]

    @property
    def scope_label(self) -> str:
        return self.region.name if self.region_id else "全区"


search.register(search.Kind("document", Document, fields=("title", "tags", "issuer", "text")))
