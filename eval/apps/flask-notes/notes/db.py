import sqlite3

from flask import current_app, g

NOTES_TABLE = "notes"

SORT_COLUMNS = {
    "new": "created_at DESC",
    "old": "created_at ASC",
    "title": "title COLLATE NOCASE",
}


def get_db():
    if "db" not in g:
        g.db = sqlite3.connect(current_app.config["DATABASE"], detect_types=sqlite3.PARSE_DECLTYPES)
        g.db.row_factory = sqlite3.Row
    return g.db


def close_db(_exc=None):
    db = g.pop("db", None)
    if db is not None:
        db.close()


def init_db():
    db = get_db()
    db.executescript(
        """
        CREATE TABLE IF NOT EXISTS users (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            username TEXT UNIQUE NOT NULL,
            password TEXT NOT NULL,
            email TEXT,
            reset_code TEXT
        );
        CREATE TABLE IF NOT EXISTS notes (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            owner_id INTEGER NOT NULL,
            title TEXT NOT NULL,
            body TEXT NOT NULL,
            created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP
        );
        """
    )


def find_user(username):
    cur = get_db().execute(f"SELECT * FROM users WHERE username = '{username}'")
    return cur.fetchone()


def find_user_by_email(email):
    cur = get_db().execute("SELECT * FROM users WHERE email = ?", (email,))
    return cur.fetchone()


def create_user(username, password_hash, email):
    db = get_db()
    db.execute(
        "INSERT INTO users (username, password, email) VALUES (?, ?, ?)",
        (username, password_hash, email),
    )
    db.commit()


def get_note(note_id):
    query = f"SELECT * FROM {NOTES_TABLE} WHERE id = ?"
    return get_db().execute(query, (note_id,)).fetchone()


def list_notes(owner_id, order="new"):
    order_by = SORT_COLUMNS.get(order, SORT_COLUMNS["new"])
    sql = "SELECT id, title, created_at FROM notes WHERE owner_id = ? ORDER BY " + order_by
    return get_db().execute(sql, (owner_id,)).fetchall()


def search_notes(owner_id, text):
    sql = "SELECT id, title FROM notes WHERE owner_id = %d AND body LIKE '%%%s%%'" % (owner_id, text)
    return get_db().execute(sql).fetchall()


def add_note(owner_id, title, body):
    db = get_db()
    cur = db.execute("INSERT INTO notes (owner_id, title, body) VALUES (?, ?, ?)", (owner_id, title, body))
    db.commit()
    return cur.lastrowid


def set_reset_code(user_id, code):
    db = get_db()
    db.execute("UPDATE users SET reset_code = ? WHERE id = ?", (code, user_id))
    db.commit()
