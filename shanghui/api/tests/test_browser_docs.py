"""The API's documentation page opens in a real browser: Swagger UI (served from local static
files) loads openapi.json and lists the operations without a schema error."""

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_api_docs_render_every_operation(page, live_server):
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.goto(live_server.url + "/api/v1/docs")
    page.wait_for_selector(".opblock", timeout=15000)
    assert page.locator(".swagger-ui .errors-wrapper").count() == 0
    operations = page.locator(".opblock").count()
    from shanghui.api.urls import api

    expected = sum(len(ops) for ops in api.get_openapi_schema()["paths"].values())
    assert operations == expected
    assert page.locator(".opblock-summary-description", has_text="商会列表").count() == 1
    # Everything came from this server: the intranet has no CDN.
    assert all(url.startswith(live_server.url) for url in asked)
