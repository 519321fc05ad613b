# Cases for DET301. `# expect: CODE:COL` marks each finding on its line.
import importlib
import typing
from typing import TYPE_CHECKING

import sqlite3  # expect: DET301:8
import sqlite3.dbapi2  # expect: DET301:8
import json, psycopg2 as pg  # expect: DET301:14
from sqlalchemy.orm import Session  # expect: DET301:6
from mysql import connector  # expect: DET301:19
from django import db  # expect: DET301:20
from django.db import models  # expect: DET301:6
import redis.asyncio  # expect: DET301:8

if TYPE_CHECKING:
    import asyncpg
    from pymongo import MongoClient
else:
    import duckdb  # expect: DET301:12

if typing.TYPE_CHECKING:
    import aiosqlite


def lazy():
    import peewee  # expect: DET301:12
    mod = importlib.import_module("shelve")  # expect: DET301:11
    other = __import__("dbm.gnu")  # expect: DET301:13
    return mod, other


# Look-alikes and non-literal dynamic imports: never reported.
import sqlite3x
import redistools
from django.utils import timezone
import mysql


def dynamic(name):
    return importlib.import_module(name), __import__(name)
