# Protocol versions the way Bandit's own examples write them (note the `pyOpenSSL` module name,
# calls of any function, keyword and positional uses, parameter defaults, wrap_socket).
import ssl
from pyOpenSSL import SSL

# ruleid: tls
ssl.wrap_socket(ssl_version=ssl.PROTOCOL_SSLv2)
# ruleid: tls
SSL.Context(method=SSL.SSLv2_METHOD)

# ruleid: tls
herp_derp(ssl_version=ssl.PROTOCOL_SSLv2)
# ruleid: tls
herp_derp(method=SSL.SSLv2_METHOD)

# ruleid: tls
ssl.wrap_socket(ssl_version=ssl.PROTOCOL_SSLv3)
# ruleid: tls
ssl.wrap_socket(ssl_version=ssl.PROTOCOL_TLSv1)
# ruleid: tls
SSL.Context(method=SSL.SSLv3_METHOD)
# ruleid: tls
SSL.Context(method=SSL.TLSv1_METHOD)
# ruleid: tls
SSL.Context(method=SSL.TLSv1_1_METHOD)

# ruleid: tls
herp_derp(ssl_version=ssl.PROTOCOL_SSLv3)
# ruleid: tls
herp_derp(ssl_version=ssl.PROTOCOL_TLSv1_1)
# ruleid: tls
herp_derp(method=SSL.TLSv1_METHOD)

# ok: tls
herp_derp(ssl_version=ssl.PROTOCOL_TLSv1_2)
# ok: tls
SSL.Context(method=SSL.TLSv1_2_METHOD)
# ok: tls
herp_derp(method=SSL.TLSv1_2_METHOD)


# ruleid: tls
def open_ssl_socket(version=ssl.PROTOCOL_SSLv2):
    pass


# ruleid: tls
def open_ssl_socket_v3(version=SSL.SSLv3_METHOD):
    pass


# ruleid: tls
def open_ssl_socket_tls1(version=SSL.TLSv1_METHOD):
    pass


# ok: tls
def open_ssl_socket_modern(version=SSL.TLSv1_2_METHOD):
    pass


# ruleid: tls
ssl.wrap_socket()

import socket

sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
# ruleid: tls
ssock = ssl.wrap_socket(sock, ssl_version=ssl.PROTOCOL_TLSv1_2)

context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
# ok: tls
tls_sock = context.wrap_socket(sock, server_hostname="example.com")

# ruleid: tls
context.minimum_version = ssl.TLSVersion.SSLv3
