# Key sizes, constant keys and IVs, weak algorithms and modes, in the shapes Bandit's and
# Semgrep's examples use (keyword and positional sizes, curves passed as classes, aliases).
import os

from cryptography.hazmat import backends
from cryptography.hazmat.primitives.asymmetric import dsa, ec, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from Crypto.Cipher import AES, ARC2, ARC4, Blowfish, DES, DES3, XOR
from Crypto.PublicKey import DSA as pycrypto_dsa
from Crypto.PublicKey import RSA as pycrypto_rsa
from Cryptodome.PublicKey import RSA as pycryptodomex_rsa
from Crypto.Random import get_random_bytes

# ok: ciphers
dsa.generate_private_key(key_size=2048, backend=backends.default_backend())
# ok: ciphers
ec.generate_private_key(curve=ec.SECP384R1, backend=backends.default_backend())
# ok: ciphers
rsa.generate_private_key(public_exponent=65537, key_size=2048, backend=backends.default_backend())
# ok: ciphers
pycrypto_dsa.generate(bits=2048)
# ok: ciphers
rsa.generate_private_key(3, 4096, backends.default_backend())
# ok: ciphers
ec.generate_private_key(ec.SECP256K1, backends.default_backend())

# ruleid: ciphers
dsa.generate_private_key(key_size=1024, backend=backends.default_backend())
# ruleid: ciphers
ec.generate_private_key(curve=ec.SECT163R2, backend=backends.default_backend())
# ruleid: ciphers
rsa.generate_private_key(public_exponent=65537, key_size=1024, backend=backends.default_backend())
# ruleid: ciphers
pycrypto_dsa.generate(bits=1024)
# ruleid: ciphers
pycrypto_rsa.generate(bits=1024)
# ruleid: ciphers
pycryptodomex_rsa.generate(bits=1024)
# ruleid: ciphers
dsa.generate_private_key(512, backends.default_backend())
# ruleid: ciphers
ec.generate_private_key(ec.SECT163R2, backends.default_backend())
# ruleid: ciphers
rsa.generate_private_key(3, 512, backends.default_backend())
# ruleid: ciphers
pycrypto_rsa.generate(512)
# ruleid: ciphers
ec.generate_private_key(ec.SECP192R1(), backends.default_backend())


def empty_key(data):
    # ruleid: ciphers
    cipher = AES.new(b"", AES.MODE_CBC)
    return cipher.encrypt(data)


def empty_str_key(data):
    # ruleid: ciphers
    cipher = AES.new("", AES.MODE_CFB, get_random_bytes(16))
    return cipher.encrypt(data)


def constant_key_kw(data):
    # ruleid: ciphers
    cipher = AES.new(key=b"sixteen byte key", mode=AES.MODE_EAX)
    return cipher.encrypt_and_digest(data)


def constant_iv(key, data):
    # ruleid: ciphers
    cipher = AES.new(key, AES.MODE_CBC, b"\0" * 16)
    return cipher.encrypt(data)


def constant_iv_kw(key, data):
    # ruleid: ciphers
    cipher = AES.new(key, AES.MODE_CBC, iv=b"0000000000000000")
    return cipher.encrypt(data)


def constant_iv_cryptography(key, data):
    # ruleid: ciphers
    cipher = Cipher(algorithms.AES(key), modes.CBC(b"\x00" * 16))
    return cipher.encryptor().update(data)


def constant_key_cryptography(data):
    # ruleid: ciphers
    cipher = Cipher(algorithms.AES(b"0123456789abcdef0123456789abcdef"), modes.GCM(os.urandom(12)))
    return cipher.encryptor().update(data)


def random_key_iv(data):
    key = get_random_bytes(32)
    iv = os.urandom(16)
    # ok: ciphers
    cipher = AES.new(key, AES.MODE_CBC, iv)
    return cipher.encrypt(data)


def gcm_with_nonce(key, nonce, data):
    # ok: ciphers
    cipher = AES.new(key, AES.MODE_GCM, nonce=nonce)
    return cipher.encrypt_and_digest(data)


def des(key, data):
    # ruleid: ciphers
    return DES.new(key, DES.MODE_CBC, os.urandom(8)).encrypt(data)


def des3(key, data):
    # ruleid: ciphers
    return DES3.new(key, DES3.MODE_CBC, os.urandom(8)).encrypt(data)


def rc2(key, data):
    # ruleid: ciphers
    return ARC2.new(key, ARC2.MODE_CBC, os.urandom(8)).encrypt(data)


def rc4(key, data):
    # ruleid: ciphers
    return ARC4.new(key).encrypt(data)


def blowfish(key, data):
    # ruleid: ciphers
    return Blowfish.new(key, Blowfish.MODE_CBC, os.urandom(8)).encrypt(data)


def xor(key, data):
    # ruleid: ciphers
    return XOR.new(key).encrypt(data)


def crypto_arc4(key):
    # ruleid: ciphers
    return Cipher(algorithms.ARC4(key), mode=None, backend=backends.default_backend())


def crypto_blowfish(key, iv):
    # ruleid: ciphers
    return Cipher(algorithms.Blowfish(key), modes.CBC(iv))


def crypto_idea(key, iv):
    # ruleid: ciphers
    return Cipher(algorithms.IDEA(key), modes.CBC(iv))


def crypto_ecb(key):
    # ruleid: ciphers
    return Cipher(algorithms.AES(key), modes.ECB())


def pycryptodome_ecb(key):
    # ruleid: ciphers
    return AES.new(key, AES.MODE_ECB)


def crypto_aes_gcm(key, nonce):
    # ok: ciphers
    return Cipher(algorithms.AES(key), modes.GCM(nonce))
