# SQL across drivers and ORMs: constants (module UPPER_CASE, names bound once), quoted identifiers,
# constant table names with parameters — and values formatted into queries.
import sqlite3

import asyncpg
import pandas as pd
import pymysql
import sqlalchemy
from django.db import connection
from django.db.models.expressions import RawSQL
from flask import request
from sqlalchemy import text

from .models import Order

TABLE = "orders"
SELECT_ORDERS = "SELECT id, total FROM orders WHERE customer_id = %s"
SCHEMA = """
CREATE TABLE IF NOT EXISTS orders (id INTEGER PRIMARY KEY, total REAL);
"""


def constant_query(cur, cid):
    # ok: sql
    cur.execute(SELECT_ORDERS, (cid,))


def local_constant(cur, cid):
    query = "SELECT * FROM orders WHERE id = %s"
    # ok: sql
    cur.execute(query, (cid,))


def constant_table_name(cur, cid):
    # ok: sql
    cur.execute("SELECT * FROM %s WHERE id = %%s" % TABLE, (cid,))


def constant_table_fstring(cur, cid):
    # ok: sql
    cur.execute(f"DELETE FROM {TABLE} WHERE id = %s", [cid])


def quoted_identifier(cur, table, pk):
    qn = connection.ops.quote_name
    # ok: sql
    cur.execute("SELECT * FROM %s WHERE id = %%s" % qn(table), [pk])


def quoted_identifier_direct(cur, column):
    # ok: sql
    cur.execute("SELECT MAX(%s) FROM orders" % connection.ops.quote_name(column))


def schema_script(conn: sqlite3.Connection):
    # ok: sql
    conn.executescript(SCHEMA)


def script_from_param(conn: sqlite3.Connection, table):
    # ruleid: sql
    conn.executescript(f"DROP TABLE {table}; VACUUM;")


def pymysql_format(cid):
    conn = pymysql.connect(host="db", user="app")
    with conn.cursor() as cur:
        # ruleid: sql
        cur.execute("SELECT * FROM orders WHERE customer = '%s'" % cid)


def request_value(cur):
    name = request.args["name"]
    # ruleid: sql
    cur.execute("SELECT * FROM customers WHERE name = '" + name + "'")


async def asyncpg_fetchrow(conn: asyncpg.Connection, oid):
    # ruleid: sql
    return await conn.fetchrow(f"SELECT * FROM orders WHERE id = {oid}")


async def asyncpg_params(conn: asyncpg.Connection, oid):
    # ok: sql
    return await conn.fetchrow("SELECT * FROM orders WHERE id = $1", oid)


def alchemy_text_format(session, status):
    # ruleid: sql
    return session.execute(text("SELECT * FROM orders WHERE status = '{}'".format(status)))


def alchemy_text_bound(session, status):
    # ok: sql
    return session.execute(text("SELECT * FROM orders WHERE status = :s"), {"s": status})


def alchemy_sqlalchemy_text(engine, col):
    with engine.connect() as conn:
        # ruleid: sql
        return conn.execute(sqlalchemy.text("SELECT %s FROM orders" % col))


def django_raw_format(status):
    # ruleid: sql
    return Order.objects.raw("SELECT * FROM shop_order WHERE status = '%s'" % status)


def django_raw_params(status):
    # ok: sql
    return Order.objects.raw("SELECT * FROM shop_order WHERE status = %s", [status])


def django_extra_select(field):
    # ruleid: sql
    return Order.objects.extra(select={"v": "SELECT " + field + " FROM shop_order"})


def django_rawsql_params(status):
    # ok: sql
    return Order.objects.annotate(v=RawSQL("SELECT count(*) FROM shop_order WHERE status = %s", (status,)))


def pandas_format(conn, region):
    # ruleid: sql
    return pd.read_sql_query("SELECT * FROM sales WHERE region = '%s'" % region, conn)


def pandas_params(conn, region):
    # ok: sql
    return pd.read_sql("SELECT * FROM sales WHERE region = %(r)s", conn, params={"r": region})


def with_cursor_fstring(uid):
    with connection.cursor() as cursor:
        # ruleid: sql
        cursor.execute(f"SELECT * FROM auth_user WHERE id = {uid}")
