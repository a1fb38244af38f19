#!/usr/bin/python3
"""Reads and writes a database exactly as LangChain's SQLStore
(langchain_community.storage.sql) does: its table as SQLAlchemy creates it
(create_schema), mset as a DELETE of the batch's keys then an INSERT, mget
as one SELECT ... IN, yield_keys as every key of the namespace filtered by
prefix in Python. DB is a SQLite file (Python's sqlite3 module) or a
postgresql:// URL (Debian's psycopg2).

  langchain_sql_store.py DB NAMESPACE create
  langchain_sql_store.py DB NAMESPACE write    < "key<TAB>hex" lines
  langchain_sql_store.py DB NAMESPACE read     < keys, one per line
  langchain_sql_store.py DB NAMESPACE delete   < keys, one per line
  langchain_sql_store.py DB NAMESPACE list [PREFIX]
  langchain_sql_store.py DB NAMESPACE schema

read prints "key<TAB>hex" or "key<TAB>-" (missing); list prints keys;
schema prints the table's columns and its indexes.
"""
import sqlite3
import sys

TABLE = "langchain_key_value_stores"


class Postgres:
    """psycopg2 behind the few calls sqlite3's connection offers here."""

    def __init__(self, url):
        import psycopg2
        self.conn = psycopg2.connect(url)

    def execute(self, sql, params=()):
        cur = self.conn.cursor()
        cur.execute(sql.replace("?", "%s"), params)
        return cur.fetchall() if cur.description else []

    def executemany(self, sql, rows):
        self.conn.cursor().executemany(sql.replace("?", "%s"), rows)

    def commit(self):
        self.conn.commit()

    def close(self):
        self.conn.close()


def create(db, blob):
    db.execute(f"CREATE TABLE IF NOT EXISTS {TABLE} (namespace VARCHAR NOT NULL, "
               f"key VARCHAR NOT NULL, value {blob} NOT NULL, PRIMARY KEY (namespace, key))")
    db.execute(f"CREATE INDEX IF NOT EXISTS ix_{TABLE}_namespace ON {TABLE} (namespace)")
    db.execute(f"CREATE INDEX IF NOT EXISTS ix_{TABLE}_key ON {TABLE} (key)")


def marks(n):
    return ", ".join("?" * n)


def main():
    path, namespace, command = sys.argv[1], sys.argv[2], sys.argv[3]
    postgres = path.startswith("postgresql://")
    db = Postgres(path) if postgres else sqlite3.connect(path)
    lines = sys.stdin.read().splitlines() if command in ("write", "read", "delete") else []
    if command == "create":
        create(db, "BYTEA" if postgres else "BLOB")
    elif command == "write":
        pairs = [(k, bytes.fromhex(v)) for k, v in (line.split("\t") for line in lines)]
        keys = [k for k, _ in pairs]
        db.execute(f"DELETE FROM {TABLE} WHERE namespace = ? AND key IN ({marks(len(keys))})",
                   [namespace, *keys])
        db.executemany(f"INSERT INTO {TABLE} (namespace, key, value) VALUES (?, ?, ?)",
                       [(namespace, k, v) for k, v in pairs])
    elif command == "read":
        rows = dict(db.execute(f"SELECT key, value FROM {TABLE} WHERE namespace = ? AND key IN "
                               f"({marks(len(lines))})", [namespace, *lines]))
        for key in lines:
            value = rows.get(key)
            print(f"{key}\t{'-' if value is None else bytes(value).hex()}")
    elif command == "delete":
        db.execute(f"DELETE FROM {TABLE} WHERE namespace = ? AND key IN ({marks(len(lines))})",
                   [namespace, *lines])
    elif command == "list":
        prefix = sys.argv[4] if len(sys.argv) > 4 else ""
        for (key,) in db.execute(f"SELECT key FROM {TABLE} WHERE namespace = ?", [namespace]):
            if key.startswith(prefix):
                print(key)
    elif command == "schema" and postgres:
        for name, kind, nullable in db.execute(
                "SELECT column_name, data_type, is_nullable FROM information_schema.columns "
                f"WHERE table_name = '{TABLE}' ORDER BY ordinal_position"):
            print(f"column {name} {kind} nullable={nullable}")
        for (name,) in db.execute(f"SELECT indexname FROM pg_indexes WHERE tablename = '{TABLE}' "
                                  "ORDER BY indexname"):
            print(f"index {name}")
    elif command == "schema":
        for _, name, kind, notnull, _, pk in db.execute(f"PRAGMA table_info({TABLE})"):
            print(f"column {name} {kind} notnull={notnull} pk={pk}")
        for (name, sql) in db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                                      f"AND tbl_name = '{TABLE}' ORDER BY name"):
            print(f"index {name}")
    db.commit()
    db.close()


if __name__ == "__main__":
    main()
