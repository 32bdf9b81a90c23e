"""The database's own full-text structure over search_searchdocument's tokens.

SQLite: an external-content FTS5 table kept in step by triggers. PostgreSQL: a generated tsvector column built
with array_to_tsvector from the pre-tokenised bigrams (no text-search parser, so Han characters survive whatever
the database locale is), title tokens weighted A, and a GIN index on it.
"""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE search_fts USING fts5(title_tokens, body_tokens, content='search_searchdocument',"
    " content_rowid='id', tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER search_doc_ai AFTER INSERT ON search_searchdocument BEGIN"
    " INSERT INTO search_fts(rowid, title_tokens, body_tokens)"
    " VALUES (new.id, new.title_tokens, new.body_tokens); END",
    "CREATE TRIGGER search_doc_ad AFTER DELETE ON search_searchdocument BEGIN"
    " INSERT INTO search_fts(search_fts, rowid, title_tokens, body_tokens)"
    " VALUES ('delete', old.id, old.title_tokens, old.body_tokens); END",
    "CREATE TRIGGER search_doc_au AFTER UPDATE ON search_searchdocument BEGIN"
    " INSERT INTO search_fts(search_fts, rowid, title_tokens, body_tokens)"
    " VALUES ('delete', old.id, old.title_tokens, old.body_tokens);"
    " INSERT INTO search_fts(rowid, title_tokens, body_tokens)"
    " VALUES (new.id, new.title_tokens, new.body_tokens); END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_doc_au",
    "DROP TRIGGER IF EXISTS search_doc_ad",
    "DROP TRIGGER IF EXISTS search_doc_ai",
    "DROP TABLE IF EXISTS search_fts",
]
POSTGRES_FORWARD = [
    "ALTER TABLE search_searchdocument ADD COLUMN tsv tsvector GENERATED ALWAYS AS ("
    "setweight(array_to_tsvector(array_remove(string_to_array(title_tokens, ' '), '')), 'A')"
    " || array_to_tsvector(array_remove(string_to_array(body_tokens, ' '), ''))) STORED",
    # Keep the tsvector inline (the texts move to TOAST first): checking a match row by row then reads no
    # TOAST pages, which is what a newest-first scan with a LIMIT does.
    "ALTER TABLE search_searchdocument ALTER COLUMN tsv SET STORAGE MAIN",
    "CREATE INDEX search_doc_tsv ON search_searchdocument USING gin (tsv)",
]
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS search_doc_tsv",
    "ALTER TABLE search_searchdocument DROP COLUMN IF EXISTS tsv",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
