"""DET301: a database driver or the project's db layer imported into the core."""

from __future__ import annotations

from typing import Optional

import libcst as cst

from orch_lint.analysis.names import resolve_relative
from orch_lint.analysis.project import under_any
from orch_lint.model import Invalid, Options, Valid
from orch_lint.rule import FileContext
from orch_lint.rules._imports import ImportedModules

DATABASE_MODULES = (
    # the standard library's
    "sqlite3", "_sqlite3", "dbm", "shelve",
    # SQL drivers
    "psycopg", "psycopg2", "psycopg2cffi", "psycopg_pool", "pg8000", "asyncpg", "aiopg",
    "pysqlite3", "apsw", "aiosqlite", "sqlcipher3", "pymysql", "MySQLdb", "mysql.connector",
    "mariadb", "aiomysql", "asyncmy", "oracledb", "cx_Oracle", "pyodbc", "pymssql", "ibm_db",
    "duckdb", "clickhouse_driver", "clickhouse_connect", "snowflake.connector", "databricks.sql",
    "trino", "prestodb", "pyhive", "google.cloud.bigquery", "google.cloud.spanner",
    # ORMs, query builders and migrations
    "sqlalchemy", "sqlmodel", "alembic", "peewee", "pony", "tortoise", "django.db", "databases",
    "ormar", "piccolo", "gino", "sqlite_utils",
    # document, key-value, graph and wide-column stores
    "pymongo", "motor", "mongoengine", "beanie", "odmantic", "redis", "aioredis", "valkey",
    "cassandra", "couchbase", "couchdb", "elasticsearch", "opensearchpy", "neo4j", "arango",
    "rethinkdb", "pynamodb", "google.cloud.firestore", "tinydb", "ZODB", "lmdb", "plyvel",
    "edgedb", "influxdb", "influxdb_client",
)
DYNAMIC_IMPORTERS = frozenset({"importlib.import_module", "builtins.__import__"})


class DatabaseImport(ImportedModules):
    """The core is db-free: a row becomes a core event at one boundary outside it."""

    code = "DET301"
    name = "database-import"
    summary = "database driver, ORM or the project's db layer imported into the core"
    message = "database import `{name}` in the core: convert db rows to core events at the boundary, outside the core"

    valid = [
        Valid("import json\nimport sqlite3x\n"),
        Valid("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import sqlite3\n"),
        Valid("import typing\nif typing.TYPE_CHECKING:\n    from sqlalchemy.orm import Session\n"),
        Valid("from .events import Event\n", module="app.core.state"),
        Valid("import importlib\nm = importlib.import_module(name)\n"),
    ]
    invalid = [
        Invalid("import sqlite3\n", at=(1, 8)),
        Invalid("import os, sqlite3.dbapi2 as dbapi\n", at=(1, 12)),
        Invalid("from sqlalchemy.orm import Session\n", at=(1, 6)),
        Invalid("from mysql import connector\n", at=(1, 19)),
        Invalid("def load():\n    import psycopg2\n", at=(2, 12)),
        Invalid(
            "from ..server import db\n", at=(1, 8), module="examples.orchestrate_core.state",
            options=Options(forbidden_imports=("examples.server",)),
        ),
        Invalid("from . import connection\n", at=(1, 15), module="redis.client"),
        Invalid("import importlib\ndb = importlib.import_module('sqlite3')\n", at=(2, 6)),
        Invalid("mod = __import__('redis')\n", at=(1, 7)),
        Invalid("from django import db\n", at=(1, 20)),
    ]

    def __init__(self, context: FileContext) -> None:
        super().__init__(context)
        self._forbidden = DATABASE_MODULES + tuple(self.options.forbidden_imports)

    def judge(self, node: cst.CSTNode, name: Optional[str]) -> bool:
        if name is None or self.names.in_type_checking():
            return False
        if under_any(name, self._forbidden) is None:
            return False
        self.report(node, self.message.format(name=name))
        return True

    def visit_Call(self, node: cst.Call) -> None:
        if self.names.qualified(node.func) not in DYNAMIC_IMPORTERS or not node.args:
            return
        first = node.args[0].value
        if not isinstance(first, cst.SimpleString):
            return
        target = first.evaluated_value
        if not isinstance(target, str):
            return
        if target.startswith("."):
            package = next(
                (a.value for a in node.args if a.keyword is not None and a.keyword.value == "package"), None
            )
            if not isinstance(package, cst.SimpleString) or not isinstance(package.evaluated_value, str):
                return
            level = len(target) - len(target.lstrip("."))
            target = resolve_relative(package.evaluated_value, True, level, target.lstrip(".")) or ""
        self.judge(node, target or None)
