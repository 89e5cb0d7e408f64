import sqlite3

import pandas as pd
from django.db import connection
from django.db.models.expressions import RawSQL
from sqlalchemy import text

from .models import User

USERS_TABLE = "users"
ACTIVE_USERS = "SELECT id, name FROM users WHERE active = 1"
BY_EMAIL = "SELECT id FROM users WHERE email = ?"
COUNT_SQL = f"SELECT count(*) FROM {USERS_TABLE}"


def by_name(conn: sqlite3.Connection, name):
    # ruleid: sql
    return conn.execute(f"SELECT * FROM users WHERE name = '{name}'").fetchall()


def by_name_format(cur, name):
    # ruleid: sql
    cur.execute("SELECT * FROM users WHERE name = '{}'".format(name))


def by_name_percent(cur, name):
    # ruleid: sql
    cur.execute("SELECT * FROM users WHERE name = '%s'" % name)


def by_name_concat(cur, name):
    # ruleid: sql
    cur.execute("SELECT * FROM users WHERE name = '" + name + "'")


def held_in_variable(cur, name):
    query = "DELETE FROM sessions WHERE user = '%s'" % name
    # ruleid: sql
    cur.execute(query)


def order_by(cur, column):
    # ruleid: sql
    cur.execute(f"SELECT * FROM users ORDER BY {column}")


def alchemy(session, name):
    # ruleid: sql
    return session.execute(text(f"SELECT * FROM users WHERE name = '{name}'"))


def alchemy_engine(engine, uid):
    # ruleid: sql
    return engine.execute("SELECT * FROM users WHERE id = " + uid)


def django_raw(name):
    # ruleid: sql
    return User.objects.raw(f"SELECT * FROM auth_user WHERE username = '{name}'")


def django_cursor(name):
    with connection.cursor() as cursor:
        # ruleid: sql
        cursor.execute("UPDATE auth_user SET is_active = 0 WHERE username = '%s'" % name)


def django_extra(q):
    # ruleid: sql
    return User.objects.extra(where=[f"username LIKE '%{q}%'"])


def django_rawsql(field):
    # ruleid: sql
    return User.objects.annotate(v=RawSQL(f"SELECT {field} FROM auth_user", []))


def pandas_query(conn, region):
    # ruleid: sql
    return pd.read_sql(f"SELECT * FROM sales WHERE region = '{region}'", conn)


async def asyncpg_fetch(pool, room):
    # ruleid: sql
    return await pool.fetch("SELECT * FROM messages WHERE room = '" + room + "'")


def many(cur, rows, table):
    # ruleid: sql
    cur.executemany("INSERT INTO " + table + " VALUES (?, ?)", rows)


def params(conn, name):
    # ok: sql
    return conn.execute("SELECT * FROM users WHERE name = ?", (name,)).fetchall()


def constant(cur):
    # ok: sql
    cur.execute(ACTIVE_USERS)


def constant_with_params(cur, email):
    # ok: sql
    cur.execute(BY_EMAIL, (email,))


def constant_table(cur, uid):
    # ok: sql
    cur.execute(f"SELECT * FROM {USERS_TABLE} WHERE id = ?", (uid,))


def constant_fstring(cur):
    # ok: sql
    cur.execute(COUNT_SQL)


def alchemy_bound(session, name):
    # ok: sql
    return session.execute(text("SELECT * FROM users WHERE name = :name"), {"name": name})


def django_params(name):
    # ok: sql
    return User.objects.raw("SELECT * FROM auth_user WHERE username = %s", [name])


def django_orm(q):
    # ok: sql
    return User.objects.filter(username__icontains=q)


def pandas_params(conn, region):
    # ok: sql
    return pd.read_sql("SELECT * FROM sales WHERE region = %(region)s", conn, params={"region": region})


def literal_query(cur):
    # ok: sql
    cur.execute("SELECT id FROM users WHERE created < date('now', '-30 days')")
