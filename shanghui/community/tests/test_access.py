"""Access tests for community.

`URL_NAMES` lists the URL names tested here; the site-wide enumeration test
(core/tests/test_url_access.py) fails on any URL without an access case.
"""

URL_NAMES: set[str] = set()
