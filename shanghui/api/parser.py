"""The API's JSON parser: text that no database can store is refused before any schema sees it.

Python's json module accepts a lone surrogate ("\\ud800") and a NUL ("\\u0000") in a string.
Neither can be written as UTF-8 (the surrogate) or into PostgreSQL (the NUL; SQLite would
store it), so both are the client's mistake, reported on the field that holds them.
"""

import json

from ninja.parser import Parser

from shanghui.core.middleware import NUL

SURROGATE = "文本含有无效的字符（单独的 UTF-16 代理码位），请检查编码后重试。"


class UnstorableText(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def _check(value, path: tuple) -> None:
    if isinstance(value, dict):
        for key, item in value.items():
            _check(key, path)
            _check(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check(item, (*path, index))
    elif isinstance(value, str):
        field = ".".join(map(str, path)) or "__all__"
        if "\x00" in value:
            raise UnstorableText(field, NUL)
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise UnstorableText(field, SURROGATE) from None


class StrictJSONParser(Parser):
    def parse_body(self, request):
        data = json.loads(request.body)
        _check(data, ())
        return data
