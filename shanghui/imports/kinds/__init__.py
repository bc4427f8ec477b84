"""The registry of importable kinds.

Each app declares its own kinds (enterprises, party organisations, attendance…) in an
`importing` module that calls `register()`; ImportsConfig.ready() imports those modules,
in the order of INSTALLED_APPS.
"""

from .base import Column, Kind, Row

KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    from shanghui.audit import labels

    KINDS[kind.name] = kind
    # Import events name the kind as their object ("imports.enterprises"): the log says 导入：企业.
    labels.register(objects={f"imports.{kind.name}": f"导入：{kind.label}"})
    return kind


def get(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise KeyError(f"未知的导入类型“{name}”，可选：{'、'.join(KINDS)}") from None


__all__ = ["KINDS", "Column", "Kind", "Row", "get", "register"]
