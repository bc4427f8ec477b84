"""Full-text search with the database's own index, the same on SQLite and PostgreSQL (docs/search.md).

Chinese has no spaces between words, and the databases' tokenizers do not split it into words. So the
index holds a derived "search text" (the Lucene CJK approach): every run of Chinese characters is
written as its overlapping character bigrams followed by its last character ("红色教育" → 红色 色教 教育 育),
every run of Latin letters or digits as one lower-case word. A query term becomes, per run, a phrase of
its bigrams (a word of two characters is one bigram, 党建 → "党建"), or a prefix match for a single
character or a Latin/digit word (党 → 党*, every bigram starting with 党 and the runs' last characters).
Terms separated by blanks are ANDed. Any character of a run starts one of its tokens, so a
one-character term finds every text that holds it.

SQLite: an FTS5 table per kind (unicode61 tokenizer: it only has to split on the blanks we wrote),
rowid = the row's primary key. PostgreSQL: a table per kind with a tsvector built from the same tokens
(written as a tsvector literal, so no text-search parser or dictionary touches them) and a GIN index;
the query is a tsquery literal with <-> phrases and :* prefixes. The index is kept by the models'
save/delete signals (register()), by refresh() after bulk writes (imports), and can be rebuilt.
"""

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection, migrations
from django.db.models import signals
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Han ideographs (basic, extension A, compatibility, extensions B+) and 〇.
_CJK = "\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_RUN = re.compile(f"([{_CJK}]+)|((?:(?![{_CJK}])[^\\W_])+)")
# The longest text indexed per row: a long document's body beyond it is not searched. PostgreSQL caps
# positions at 16,383 anyway, and a tsvector at 1 MB.
MAX_CHARS = 16_000
# More query segments than this are dropped: each costs one index look-up.
MAX_SEGMENTS = 10
# A USCC is also indexed by its suffixes of at least this length, so a fragment from its middle is found.
MIN_SUFFIX = 4
PG_MAX_POS = 16_383


def normalize(text: str) -> str:
    # Full-width letters and digits (Ａ１) become ASCII; case is folded.
    return unicodedata.normalize("NFKC", text or "").lower()


def runs(text: str) -> list[tuple[bool, str]]:
    """(is_cjk, run) for each run of Chinese characters or of other letters/digits, in order."""
    return [(bool(m.group(1)), m.group(0)) for m in _RUN.finditer(normalize(text))]


def tokens(text: str) -> list[str]:
    """The index tokens of `text`, in order: bigrams plus the last character of each Chinese run,
    one word per Latin/digit run."""
    out: list[str] = []
    for cjk, run in runs(text):
        if cjk:
            out.extend(run[i:i + 2] for i in range(len(run) - 1))
            out.append(run[-1])
        else:
            out.append(run)
    return out


def suffix_tokens(code: str) -> list[str]:
    """A code's own word and its suffixes of MIN_SUFFIX characters or more (fragment search)."""
    words = [run for cjk, run in runs(code) if not cjk]
    return [w[i:] for w in words for i in range(1, len(w) - MIN_SUFFIX + 1)]


@dataclass(frozen=True)
class Segment:
    tokens: tuple[str, ...]
    prefix: bool  # a single token matched as a prefix


def parse(q: str) -> list[Segment]:
    """The segments of a query, each of which a hit must contain (AND)."""
    segments: list[Segment] = []
    for cjk, run in runs(q):
        if cjk and len(run) > 1:
            seg = Segment(tuple(run[i:i + 2] for i in range(len(run) - 1)), False)
        else:
            seg = Segment((run,), True)
        if seg not in segments:
            segments.append(seg)
    return segments[:MAX_SEGMENTS]


def needles(q: str) -> list[str]:
    """The strings a snippet highlights: each run of the query."""
    return sorted({run for _, run in runs(q)}, key=len, reverse=True)[:MAX_SEGMENTS]


def fts5_query(segments: list[Segment]) -> str:
    # Tokens hold only letters and digits (runs()), so quoting them is enough.
    return " AND ".join(f'"{" ".join(s.tokens)}"' + ("*" if s.prefix else "") for s in segments)


def tsquery(segments: list[Segment]) -> str:
    def lexeme(t: str) -> str:
        return "'" + t.replace("'", "''") + "'"

    parts = []
    for s in segments:
        if s.prefix:
            parts.append(lexeme(s.tokens[0]) + ":*")
        else:
            parts.append("(" + " <-> ".join(lexeme(t) for t in s.tokens) + ")")
    return " & ".join(parts)


def tsvector(toks: list[str]) -> str:
    positions: dict[str, list[int]] = defaultdict(list)
    for i, t in enumerate(toks, start=1):
        positions[t].append(min(i, PG_MAX_POS))
    return " ".join("'" + t.replace("'", "''") + "':" + ",".join(map(str, sorted(set(p))[:255]))
                    for t, p in positions.items())


# --- registry ------------------------------------------------------------------------------------


@dataclass
class Kind:
    """One searchable model: the values (values_list paths) its search text is made of."""

    name: str
    model: type
    fields: tuple[str, ...]
    code_fields: tuple[str, ...] = ()  # also indexed by their suffixes (USCC)
    # Other models whose saves change this kind's text: model → function(their pks) → this kind's pks.
    depends: dict = field(default_factory=dict)

    @property
    def table(self) -> str:
        return f"search_{self.name}"

    def text_tokens(self, values: dict) -> list[str]:
        toks: list[str] = []
        budget = MAX_CHARS
        for f in self.fields:
            value = str(values.get(f) or "")[:budget]
            budget -= len(value)
            toks.extend(tokens(value))
        for f in self.code_fields:
            toks.extend(suffix_tokens(str(values.get(f) or "")))
        return toks


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Index `kind.model`, and keep the index current on every save and delete through the ORM."""
    KINDS[kind.name] = kind
    uid = f"search:{kind.name}"
    signals.post_save.connect(lambda sender, instance, **kw: refresh(kind.name, [instance.pk]),
                              sender=kind.model, weak=False, dispatch_uid=uid + ":save")
    signals.post_delete.connect(lambda sender, instance, **kw: remove(kind.name, [instance.pk]),
                                sender=kind.model, weak=False, dispatch_uid=uid + ":delete")
    for model, affected in kind.depends.items():
        # A deleted row's dependants are found before the delete (SET_NULL clears the link without signals).
        def stash(sender, instance, _affected=affected, **kw):
            instance._search_dependants = list(_affected([instance.pk]))

        def after(sender, instance, _affected=affected, **kw):
            pks = getattr(instance, "_search_dependants", None)
            refresh(kind.name, pks if pks is not None else list(_affected([instance.pk])))

        signals.post_save.connect(after, sender=model, weak=False, dispatch_uid=f"{uid}:{model.__name__}:save")
        signals.pre_delete.connect(stash, sender=model, weak=False, dispatch_uid=f"{uid}:{model.__name__}:pre")
        signals.post_delete.connect(after, sender=model, weak=False, dispatch_uid=f"{uid}:{model.__name__}:del")
    return kind


def filter_queryset(qs, name: str, q: str):
    """`qs` narrowed to the rows of kind `name` that match every term of `q`; none for a query with no
    letters or digits."""
    segments = parse(q)
    if not segments:
        return qs.none()
    table = connection.ops.quote_name(KINDS[name].table)
    if connection.vendor == "postgresql":
        sql, param = f"SELECT id FROM {table} WHERE doc @@ %s::tsquery", tsquery(segments)
    else:
        sql, param = f"SELECT rowid FROM {table} WHERE {table} MATCH %s", fts5_query(segments)
    return qs.filter(pk__in=RawSQL(sql, (param,)))


# A result group counts its hits up to this many and then says "more than": an exact count of a
# common word (科技 in 15 % of a million names) costs a look-up per hit, the cap bounds it. Beyond the
# cap, the hits shown are the newest of those counted, not of all.
COUNT_CAP = 1000


def count_and_first(rows, q: str, limit: int) -> tuple[int, list]:
    """How many rows of `rows.search(q)` there are (at most COUNT_CAP + 1), and the newest `limit` of
    those counted, read from `rows` (the caller's visible_to() queryset, with its select_related).

    Two queries whatever the number of hits. The keys come first, in whatever order the index gives
    them; the newest are then read by key. Asking the database for "ORDER BY pk DESC LIMIT 10" directly
    lets a planner walk the whole table backwards hoping to meet the few hits early (PostgreSQL did:
    0.2 s for a USCC fragment at a million rows, see docs/performance.md)."""
    pks = list(rows.search(q).order_by().values_list("pk", flat=True)[:COUNT_CAP + 1])
    if not pks:
        return 0, []
    return len(pks), list(rows.filter(pk__in=sorted(pks)[-limit:]).order_by("-pk"))


def refresh(name: str, pks) -> int:
    """(Re)write the index rows of these primary keys; rows that no longer exist are removed."""
    kind = KINDS[name]
    pks = [pk for pk in pks if pk is not None]
    if not pks:
        return 0
    done = 0
    for i in range(0, len(pks), 5000):
        chunk = pks[i:i + 5000]
        rows = kind.model._base_manager.filter(pk__in=chunk).values("pk", *kind.fields, *kind.code_fields)
        remove(name, chunk)
        done += _write(kind, ((r["pk"], kind.text_tokens(r)) for r in rows))
    return done


def remove(name: str, pks) -> None:
    table = connection.ops.quote_name(KINDS[name].table)
    key = "id" if connection.vendor == "postgresql" else "rowid"
    pks = list(pks)
    with connection.cursor() as cursor:
        for i in range(0, len(pks), 500):
            chunk = pks[i:i + 500]
            cursor.execute(f"DELETE FROM {table} WHERE {key} IN ({', '.join(['%s'] * len(chunk))})", chunk)


def _write(kind: Kind, rows) -> int:
    table = connection.ops.quote_name(kind.table)
    if connection.vendor == "postgresql":
        sql = f"INSERT INTO {table} (id, doc) VALUES (%s, %s::tsvector)"
        data = [(pk, tsvector(toks)) for pk, toks in rows]
    else:
        sql = f"INSERT INTO {table} (rowid, body) VALUES (%s, %s)"
        data = [(pk, " ".join(toks)) for pk, toks in rows]
    if data:
        with connection.cursor() as cursor:
            cursor.executemany(sql, data)
    return len(data)


def rebuild(name: str, batch: int = 20_000) -> int:
    """Empty and refill the index of one kind (after a restore, or when the tokenizer changes)."""
    kind = KINDS[name]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(kind.table)}")
    done, last = 0, None
    values = ("pk", *kind.fields, *kind.code_fields)
    while True:
        qs = kind.model._base_manager.order_by("pk")
        if last is not None:
            qs = qs.filter(pk__gt=last)
        rows = list(qs.values(*values)[:batch])
        if not rows:
            return done
        done += _write(kind, ((r["pk"], kind.text_tokens(r)) for r in rows))
        last = rows[-1]["pk"]


def max_indexed(name: str) -> int:
    table = connection.ops.quote_name(KINDS[name].table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX({'id' if connection.vendor == 'postgresql' else 'rowid'}) FROM {table}")
        return cursor.fetchone()[0] or 0


# --- migrations ----------------------------------------------------------------------------------


def create_index(name: str) -> migrations.RunPython:
    """The migration operation that creates kind `name`'s index table for the database in use and
    fills it from the rows already there (the kind must be registered by then: its app is loaded)."""
    table = f"search_{name}"

    def forward(apps, schema_editor):
        with schema_editor.connection.cursor() as cursor:
            if schema_editor.connection.vendor == "postgresql":
                cursor.execute(f'CREATE TABLE "{table}" (id bigint PRIMARY KEY, doc tsvector NOT NULL)')
                cursor.execute(f'CREATE INDEX "{table}_doc" ON "{table}" USING gin (doc)')
            else:
                # unicode61 only splits on the blanks we wrote (tokens are letters and digits already).
                cursor.execute(f'CREATE VIRTUAL TABLE "{table}" USING fts5(body, '
                               "tokenize = 'unicode61 remove_diacritics 0')")
        if name in KINDS:
            rebuild(name)

    def backward(apps, schema_editor):
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(f'DROP TABLE IF EXISTS "{table}"')

    return migrations.RunPython(forward, backward)


# --- snippets ------------------------------------------------------------------------------------


def snippet(text: str, q: str, width: int = 80) -> SafeString:
    """About `width` characters of `text` around the first hit of `q`, HTML-escaped, every occurrence
    of a query run marked with <mark>; the start of the text when no run occurs literally."""
    text = " ".join((text or "").split())
    words = needles(q)
    if not text:
        return mark_safe("")
    folded = unicodedata.normalize("NFKC", text).lower()
    if len(folded) != len(text):  # a rare expanding character: mark on the normalised text instead
        text = unicodedata.normalize("NFKC", text)
        folded = text.lower()
    pattern = re.compile("|".join(re.escape(w) for w in words)) if words else None
    first = pattern.search(folded) if pattern else None
    start = max(0, first.start() - width // 4) if first else 0
    end = min(len(text), start + width)
    out, pos = [], start
    if pattern:
        for m in pattern.finditer(folded, start, end):
            out.append(escape(text[pos:m.start()]))
            out.append("<mark>" + escape(text[m.start():m.end()]) + "</mark>")
            pos = m.end()
    out.append(escape(text[pos:end]))
    return mark_safe(("…" if start else "") + "".join(out) + ("…" if end < len(text) else ""))
