"""`__in` on integer columns ignores values no 64-bit column can hold.

Django already answers `id=<too big>` with no rows; `id__in=[<too big>]` (what a multiple-choice
form field or a list of ids runs) instead fails in the database driver: OverflowError on SQLite,
a numeric comparison on PostgreSQL. Such an id cannot exist, so it simply matches nothing, the
same on both databases, and the form reports it as an invalid choice.
"""

from django.db.models import IntegerField
from django.db.models.lookups import In


class IntegerIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(self.lhs.output_field.get_internal_type())
            self.rhs = [v for v in self.rhs if not (isinstance(v, int) and (
                (low is not None and v < low) or (high is not None and v > high)))]
        return super().process_rhs(compiler, connection)


def register() -> None:
    IntegerField.register_lookup(IntegerIn)
