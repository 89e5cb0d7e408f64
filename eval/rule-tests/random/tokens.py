import random
import secrets
import string
import uuid


def otp():
    # ruleid: random
    return str(random.randint(100000, 999999))


def otp_padded():
    # ruleid: random
    return "%06d" % random.randrange(1000000)


def reset_token():
    # ruleid: random
    return "".join(random.choice(string.ascii_letters + string.digits) for _ in range(32))


def api_key():
    # ruleid: random
    return "".join(random.choices(string.hexdigits, k=40))


def session_id():
    # ruleid: random
    return "%032x" % random.getrandbits(128)


def temp_password():
    chars = string.ascii_letters + string.digits + "!@#$"
    # ruleid: random
    return "".join(random.sample(chars, 12))


def nonce():
    # ruleid: random
    return str(random.random())[2:]


def otp_secure():
    # ok: random
    return str(secrets.randbelow(900000) + 100000)


def token_secure():
    # ok: random
    return secrets.token_urlsafe(32)


def system_random_password():
    rng = random.SystemRandom()
    # ok: random
    return "".join(rng.choice(string.ascii_letters) for _ in range(16))


def shuffle_questions(questions):
    # ok: random
    random.shuffle(questions)
    return questions


def backoff(attempt):
    # ok: random
    return 2 ** attempt + random.uniform(0, 1)


def request_id():
    # ok: random
    return uuid.uuid4().hex


def sample_rows(rows):
    # ok: random
    return random.sample(rows, k=min(10, len(rows)))
