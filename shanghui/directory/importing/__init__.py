"""The directory's importable kinds: enterprises, persons, memberships. ImportsConfig.ready() imports
every app's `importing` module, which registers the app's kinds."""

from shanghui.imports.kinds import register

from .enterprises import EnterpriseKind
from .memberships import MembershipKind
from .persons import PersonKind

for kind in (EnterpriseKind(), PersonKind(), MembershipKind()):
    register(kind)
