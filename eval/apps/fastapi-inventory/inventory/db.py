import sqlite3
from contextlib import contextmanager

DB_PATH = "inventory.sqlite3"

ITEM_COLUMNS = "id, sku, name, quantity, location"
COUNT_LOW_STOCK = "SELECT count(*) FROM items WHERE quantity < 5"


@contextmanager
def connect():
    conn = sqlite3.connect(DB_PATH)
    conn.row_factory = sqlite3.Row
    try:
        yield conn
        conn.commit()
    finally:
        conn.close()


def get_item(item_id: int):
    with connect() as conn:
        return conn.execute(f"SELECT {ITEM_COLUMNS} FROM items WHERE id = ?", (item_id,)).fetchone()


def find_items(location: str, sku_prefix: str):
    with connect() as conn:
        sql = f"SELECT {ITEM_COLUMNS} FROM items WHERE location = '{location}' AND sku LIKE '{sku_prefix}%'"
        return conn.execute(sql).fetchall()


def low_stock_count() -> int:
    with connect() as conn:
        return conn.execute(COUNT_LOW_STOCK).fetchone()[0]


def insert_item(sku: str, name: str, quantity: int, location: str) -> int:
    with connect() as conn:
        cur = conn.execute(
            "INSERT INTO items (sku, name, quantity, location) VALUES (?, ?, ?, ?)",
            (sku, name, quantity, location),
        )
        return cur.lastrowid


def find_user(username: str):
    with connect() as conn:
        return conn.execute("SELECT username, password FROM users WHERE username = ?", (username,)).fetchone()
