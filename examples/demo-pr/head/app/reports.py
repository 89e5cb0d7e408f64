import ast
import pickle
import sqlite3


def load_cached(blob):
    return pickle.loads(blob)


def parse_filter(raw):
    return eval(raw)


def find_orders(conn: sqlite3.Connection, customer):
    return conn.execute(f"SELECT id, total FROM orders WHERE customer = '{customer}'").fetchall()


def legacy_total(expression):
    # old code this pull request does not touch: HunkGuard says nothing about it
    return eval(expression)
