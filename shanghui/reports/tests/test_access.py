"""Access tests for reports.

`URL_NAMES` lists the URL names tested here; the site-wide enumeration test
(core/tests/test_url_access.py) fails on any URL without an access case.
"""

from .test_access_annual import ANNUAL_URL_NAMES
from .test_access_dashboard import DASHBOARD_URL_NAMES
from .test_notice import URL_NAMES as NOTICE_URL_NAMES
from .test_search import SEARCH_URL_NAMES

URL_NAMES: set[str] = set() | DASHBOARD_URL_NAMES | ANNUAL_URL_NAMES | NOTICE_URL_NAMES | SEARCH_URL_NAMES
