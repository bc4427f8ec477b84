"""The registry of importable kinds.

The directory kinds live here. A later app adds its own (party organisations,
attendance…) in an `importing.py` module of that app that calls `register()`;
ImportsConfig.ready() imports those modules.
"""

from .base import Column, Kind, Row

KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    KINDS[kind.name] = kind
    return kind


def get(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise KeyError(f"未知的导入类型“{name}”，可选：{'、'.join(KINDS)}") from None


def _register_builtin() -> None:
    from .enterprises import EnterpriseKind
    from .memberships import MembershipKind
    from .persons import PersonKind

    for kind in (EnterpriseKind(), PersonKind(), MembershipKind()):
        register(kind)


__all__ = ["KINDS", "Column", "Kind", "Row", "get", "register"]
