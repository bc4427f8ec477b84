"""Library demo data, added by generator.py after the community projects.

The documents the article names — the research report on party building, the guideline on
street chambers' joint party committees, the two books, the 2018 “创新中国” case and the
city-governance study — as small .docx files generated in memory with short texts (each
mentions 商会, so a search finds them); the stored text is the text the file holds.

Files: each goes to a fixed name under library/demo/ and is written only when missing, so
generating again (or in tests) reuses the same few files instead of piling up copies.
"""

import datetime as dt

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from shanghui.library.files import DOCX, make_docx
from shanghui.library.models import Document, DocumentKind

ISSUER = "东城区工商联"
DOCUMENTS = [
    ("report-party-building", DocumentKind.REPORT, "东城区工商联加强新时代非公企业党建工作的实践与思考", ISSUER,
     dt.date(2018, 11, 20), "党建,调研", True,
     ["本报告总结东城区17个街道商会联合党委实现全覆盖的做法。",
      "区工商联坚持党建引领，推动商会组织和党的工作“两个覆盖”，非公企业党组织覆盖率稳步提高。",
      "下一步将加强党建指导员队伍建设，提升商会党建工作质量。"]),
    ("guideline-joint-committees", DocumentKind.GUIDELINE, "关于街道商会联合党委工作的指导意见（试行）",
     "中共东城区工商联党组", dt.date(2018, 6, 1), "联合党委,指导意见", False,
     ["为规范街道商会联合党委工作，提出如下意见。",
      "一、联合党委由街道商会牵头组建，覆盖辖区内尚未建立党组织的会员企业。",
      "二、联合党委每年开展理想信念教育，组织会员企业参加“四信”教育活动。"]),
    ("book-secretaries", DocumentKind.BOOK, "书记谈党建", ISSUER, dt.date(2018, 12, 1), "书籍,党建", True,
     ["汇编街道商会联合党委书记和非公企业党组织书记谈党建工作的文章。"]),
    ("book-models", DocumentKind.BOOK, "典型展风采 红色促发展", ISSUER, dt.date(2018, 12, 1), "书籍,典型", True,
     ["收录东城区商会和非公企业党建工作的先进典型。"]),
    ("case-six", DocumentKind.CASE, "“六抓六新”创新非公党建模式", ISSUER, dt.date(2018, 12, 15), "案例,创新中国", True,
     ["被中华工商时报评为“创新中国”2018年度最佳案例。", "以商会为依托，抓组织、抓队伍、抓活动、抓阵地、抓制度、抓服务。"]),
    ("report-governance", DocumentKind.REPORT, "东城区工商联引领商会参与新时期城市治理的实践与探索", ISSUER,
     dt.date(2018, 9, 1), "城市治理,南锣经验,簋街模式", False,
     ["总结南锣经验和簋街模式：商会参与非首都功能疏解和街区治理，实现政府治理和商会自我管理的良性互动。",
      "荣获北京市统战理论与调研成果一等奖。"]),
]


def generate(gen, batch_size: int) -> None:
    rows = []
    for slug, kind, title, issuer, date, tags, public, paragraphs in DOCUMENTS:
        name = f"library/demo/{slug}.docx"
        data = make_docx(title, paragraphs)
        if not default_storage.exists(name):
            name = default_storage.save(name, ContentFile(data))
        rows.append(Document(kind=kind, title=title, issuer=issuer, date=min(date, gen.horizon), tags=tags,
                             is_public=public, file=name, filename=f"{title[:60]}.docx", content_type=DOCX.content_type,
                             size=len(data), text="\n".join([title, *paragraphs])))
    Document.objects.bulk_create(rows)
    gen.count("documents", len(rows))


def fingerprint_rows():
    return [Document.objects.order_by("title").values_list("kind", "title", "issuer", "date", "tags", "is_public",
                                                           "region__code", "text")]
