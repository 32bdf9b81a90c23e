"""The ledger's text filter `q` narrowed by an index on PostgreSQL (clues/filters.py, text_q; docs/clues.md).

Two GIN indexes over arrays of the 1-, 2- and 3-character grams of the upper-cased texts the filter reads:
the clue's number, summary and source reference, and each reported subject's name. A query's grams
(taizhang_query_grams: the term itself up to 3 characters, else its 3-character grams) are all in the array of
every text that contains the term, so `grams @> query grams` finds every match and a few more; the exact
`icontains` rule then decides. pg_trgm is not used: it extracts no trigram from a 1- or 2-character LIKE
pattern (the index is read whole), and it keeps only the characters the database's LC_CTYPE calls
alphanumeric (none of the Han characters under LC_CTYPE=C). These grams take every character, whatever the
locale. SQLite keeps the plain substring scan (nothing is created there).
"""

from django.db import migrations

POSTGRES_FORWARD = [
    # The 1-, 2- and 3-character substrings of the upper-cased texts (UPPER: what Django's icontains
    # compares on PostgreSQL, one character for one character).
    """CREATE FUNCTION taizhang_grams(VARIADIC texts text[]) RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
    DECLARE
        grams text[] := '{}';
        x text;
        u text;
        l int;
    BEGIN
        FOREACH x IN ARRAY texts LOOP
            CONTINUE WHEN x IS NULL;
            u := upper(x);
            l := length(u);
            FOR i IN 1..l LOOP
                grams := grams || substr(u, i, 1);
                IF i < l THEN grams := grams || substr(u, i, 2); END IF;
                IF i < l - 1 THEN grams := grams || substr(u, i, 3); END IF;
            END LOOP;
        END LOOP;
        RETURN grams;  -- repeats and all: GIN keeps each key once
    END
    $$""",
    # The grams a text must hold to contain `term`: the term itself when it is 1-3 characters, else its
    # 3-character grams.
    """CREATE FUNCTION taizhang_query_grams(term text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
        SELECT CASE WHEN length(term) <= 3 THEN ARRAY[upper(term)]
            ELSE (SELECT array_agg(DISTINCT substr(upper(term), i, 3))
                  FROM generate_series(1, length(term) - 2) AS i) END
    $$""",
    "CREATE INDEX clue_text_grams ON clues_clue USING gin (taizhang_grams(number, summary, source_ref))",
    "CREATE INDEX subject_name_grams ON clues_reportedsubject USING gin (taizhang_grams(name))",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS subject_name_grams",
    "DROP INDEX IF EXISTS clue_text_grams",
    "DROP FUNCTION IF EXISTS taizhang_query_grams(text)",
    "DROP FUNCTION IF EXISTS taizhang_grams(text[])",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("clues", "0006_assignment_ended_reason")]

    operations = [migrations.RunPython(_run(POSTGRES_FORWARD), _run(POSTGRES_BACKWARD))]
