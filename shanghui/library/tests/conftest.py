import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shanghui.library import services
from shanghui.library.files import make_docx


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def docx_upload(name="report.docx", title="调研报告", body=("东城区各街道商会建设情况良好。",)) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, make_docx(title, list(body)))


@pytest.fixture
def docs(cast):
    """A street-A document, a street-B document, a district-wide one and a public one."""
    admin = cast.admin

    def make(title, region=None, body="正文", public=False):
        return services.document_create(by=admin, kind="report", title=title, issuer="东城区工商联",
                                        date="2018-06-01", region=region, is_public=public,
                                        file=docx_upload(body=(body,)))

    return {
        "a": make("东华门调研", cast.street_a, "东华门街道商会联合党委工作情况"),
        "b": make("景山调研", cast.street_b, "景山街道企业服务情况"),
        "district": make("全区指导意见", None, "关于加强非公企业党建工作的指导意见"),
        "public": make("政策汇编", None, "惠企政策", public=True),
    }
