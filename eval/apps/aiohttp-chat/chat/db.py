import asyncpg

from .settings import DATABASE_URL


async def init_pool(app):
    app["db"] = await asyncpg.create_pool(DATABASE_URL, min_size=1, max_size=10)
    yield
    await app["db"].close()


async def fetch_user(pool, username):
    return await pool.fetchrow("SELECT id, username, salt, password FROM users WHERE username = $1", username)


async def room_messages(pool, room, limit=50):
    query = f"SELECT author, body, sent_at FROM messages WHERE room = '{room}' ORDER BY sent_at DESC LIMIT {int(limit)}"
    return await pool.fetch(query)


async def post_message(pool, room, author, body):
    await pool.execute("INSERT INTO messages (room, author, body) VALUES ($1, $2, $3)", room, author, body)
