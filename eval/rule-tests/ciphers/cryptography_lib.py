import os

from cryptography.hazmat.primitives.asymmetric import dsa, ec, rsa
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM


def tdes(key, iv):
    # ruleid: ciphers
    return Cipher(algorithms.TripleDES(key), modes.CBC(iv))


def arc4(key):
    # ruleid: ciphers
    return Cipher(algorithms.ARC4(key), mode=None)


def blowfish(key, iv):
    # ruleid: ciphers
    return Cipher(algorithms.Blowfish(key), modes.CBC(iv))


def ecb(key):
    # ruleid: ciphers
    return Cipher(algorithms.AES(key), modes.ECB())


def rsa_1024():
    # ruleid: ciphers
    return rsa.generate_private_key(public_exponent=65537, key_size=1024)


def rsa_positional():
    # ruleid: ciphers
    return rsa.generate_private_key(65537, 512)


def dsa_1024():
    # ruleid: ciphers
    return dsa.generate_private_key(key_size=1024)


def ec_small():
    # ruleid: ciphers
    return ec.generate_private_key(ec.SECP192R1())


def aes_cbc(key):
    # ok: ciphers
    return Cipher(algorithms.AES(key), modes.CBC(os.urandom(16)))


def aes_gcm():
    # ok: ciphers
    return AESGCM(AESGCM.generate_key(bit_length=256))


def rsa_2048():
    # ok: ciphers
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def dsa_2048():
    # ok: ciphers
    return dsa.generate_private_key(key_size=2048)


def ec_256():
    # ok: ciphers
    return ec.generate_private_key(ec.SECP256R1())
