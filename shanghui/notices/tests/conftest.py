import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shanghui.library.files import make_docx
from shanghui.notices import services
from shanghui.notices.models import Audience


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def docx_upload(name="议程.docx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, make_docx("会议议程", ["一、政策解读。"]))


@pytest.fixture
def notices(cast):
    """One notice per audience kind: the district's, street A's, chamber B's members', and one to
    chosen enterprises in each street (these two with an attachment)."""
    def make(by, title, region, audience, **targets):
        return services.notice_create(by=by, title=title, body=f"{title}正文", region=region, audience=audience,
                                      **targets)

    return {
        "district": make(cast.admin, "全区理想信念教育通知", cast.district, Audience.DISTRICT),
        "street_a": make(cast.worker_a, "东华门座谈会通知", cast.street_a, Audience.STREET, street=cast.street_a),
        "chamber_b": make(cast.worker_b, "景山商会会员大会通知", cast.street_b, Audience.CHAMBER, chamber=cast.chamber_b,
                          issuer_chamber=cast.chamber_b),
        "chosen_a": make(cast.worker_a, "东华门政策宣讲邀请", cast.street_a, Audience.ENTERPRISES,
                         enterprises=[cast.enterprise_a], attachment=docx_upload()),
        "chosen_b": make(cast.worker_b, "景山政策宣讲邀请", cast.street_b, Audience.ENTERPRISES,
                         enterprises=[cast.enterprise_b], attachment=docx_upload()),
    }
