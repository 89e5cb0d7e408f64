import os

from Crypto.Cipher import AES, ARC2, ARC4, DES, DES3, Blowfish, ChaCha20_Poly1305
from Crypto.PublicKey import DSA, ECC, RSA
from Crypto.Random import get_random_bytes


def des(key, data):
    # ruleid: ciphers
    return DES.new(key, DES.MODE_CBC, iv=os.urandom(8)).encrypt(data)


def triple_des(key, data):
    # ruleid: ciphers
    return DES3.new(key, DES3.MODE_EAX).encrypt(data)


def rc4(key, data):
    # ruleid: ciphers
    return ARC4.new(key).encrypt(data)


def rc2(key, data):
    # ruleid: ciphers
    return ARC2.new(key, ARC2.MODE_CBC, iv=os.urandom(8)).encrypt(data)


def blowfish(key, data):
    # ruleid: ciphers
    return Blowfish.new(key, Blowfish.MODE_CBC, iv=os.urandom(8)).encrypt(data)


def aes_ecb(key, data):
    # ruleid: ciphers
    return AES.new(key, AES.MODE_ECB).encrypt(data)


def aes_empty_key(data):
    # ruleid: ciphers
    cipher = AES.new(b"", AES.MODE_GCM)
    return cipher.encrypt_and_digest(data)


def aes_constant_key(data):
    # ruleid: ciphers
    cipher = AES.new(b"0123456789abcdef", AES.MODE_GCM)
    return cipher.encrypt_and_digest(data)


def rsa_small():
    # ruleid: ciphers
    return RSA.generate(1024)


def dsa_small():
    # ruleid: ciphers
    return DSA.generate(1024)


def ecc_small():
    # ruleid: ciphers
    return ECC.generate(curve="P-192")


def aes_gcm(data):
    key = get_random_bytes(32)
    # ok: ciphers
    cipher = AES.new(key, AES.MODE_GCM)
    return cipher.encrypt_and_digest(data)


def chacha(key, data):
    # ok: ciphers
    return ChaCha20_Poly1305.new(key=key).encrypt_and_digest(data)


def rsa_ok():
    # ok: ciphers
    return RSA.generate(3072)


def ecc_ok():
    # ok: ciphers
    return ECC.generate(curve="P-256")
