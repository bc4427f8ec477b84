import pytest
from django.test import Client

from shanghui.accounts.models import ApiToken


class ApiClient(Client):
    """A test client that sends JSON bodies, as API clients do."""

    def post(self, path, data=None, content_type="application/json", **extra):
        return super().post(path, data, content_type=content_type, **extra)

    def patch(self, path, data=None, content_type="application/json", **extra):
        return super().patch(path, data, content_type=content_type, **extra)


@pytest.fixture
def as_user(cast):
    """as_user(user) → a client authenticated with a fresh bearer token of that user."""

    def make(user) -> ApiClient:
        _, key = ApiToken.issue(user=user)
        return ApiClient(headers={"Authorization": f"Bearer {key}"})

    return make
