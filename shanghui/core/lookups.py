"""`__in` on integer columns (and on foreign keys to them) ignores values no such column can hold.

Django already answers `id=<too big>` with no rows; `id__in=[<too big>]` (what a multiple-choice
form field or a list of ids runs) instead fails in the database driver: OverflowError on SQLite,
a numeric comparison on PostgreSQL. Such an id cannot exist, so it simply matches nothing, the
same on both databases, and the form reports it as an invalid choice.
"""

from django.db.models import ForeignObject, IntegerField
from django.db.models.fields.related_lookups import RelatedIn
from django.db.models.lookups import In


class InRangeOnly:
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            field = self.lhs.output_field
            internal = getattr(field, "target_field", field).get_internal_type()
            if internal in connection.ops.integer_field_ranges:
                low, high = connection.ops.integer_field_range(internal)
                self.rhs = [v for v in self.rhs if not (isinstance(v, int) and not low <= v <= high)]
        return super().process_rhs(compiler, connection)


class IntegerIn(InRangeOnly, In):
    pass


class RelatedIntegerIn(InRangeOnly, RelatedIn):
    pass


def register() -> None:
    IntegerField.register_lookup(IntegerIn)
    ForeignObject.register_lookup(RelatedIntegerIn)
