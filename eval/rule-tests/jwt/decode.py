import jwt
from jose import jwt as jose_jwt

PUBLIC_KEY = open("/etc/app/jwt.pub").read()
NO_VERIFY = {"verify_signature": False}
LENIENT = {"verify_exp": False, "verify_aud": False}


def claims_v1(token):
    # ruleid: jwt
    return jwt.decode(token, verify=False)


def claims_options(token):
    # ruleid: jwt
    return jwt.decode(token, options={"verify_signature": False})


def claims_options_var(token):
    # ruleid: jwt
    return jwt.decode(token, PUBLIC_KEY, algorithms=["RS256"], options=NO_VERIFY)


def claims_local_options(token):
    opts = {"verify_signature": False, "verify_exp": False}
    # ruleid: jwt
    return jwt.decode(token, options=opts)


def claims_no_expiry(token):
    # ruleid: jwt
    return jwt.decode(token, PUBLIC_KEY, algorithms=["RS256"], options={"verify_exp": False})


def claims_lenient(token):
    # ruleid: jwt
    return jwt.decode(token, PUBLIC_KEY, algorithms=["RS256"], options=LENIENT)


def claims_none_alg(token):
    # ruleid: jwt
    return jwt.decode(token, PUBLIC_KEY, algorithms=["RS256", "none"])


def unsigned_token(payload):
    # ruleid: jwt
    return jwt.encode(payload, None, algorithm="none")


def jose_unverified(token):
    # ruleid: jwt
    claims = jose_jwt.get_unverified_claims(token)
    return claims["sub"]


def jose_no_verify(token):
    # ruleid: jwt
    return jose_jwt.decode(token, PUBLIC_KEY, options={"verify_signature": False})


def claims_verified(token):
    # ok: jwt
    return jwt.decode(token, PUBLIC_KEY, algorithms=["RS256"], audience="api")


def key_id(token):
    # ok: jwt
    return jwt.get_unverified_header(token)["kid"]


def claims_require(token):
    # ok: jwt
    return jwt.decode(token, PUBLIC_KEY, algorithms=["RS256"], options={"require": ["exp", "sub"]})


def jose_verified(token):
    # ok: jwt
    return jose_jwt.decode(token, PUBLIC_KEY, algorithms=["RS256"])
