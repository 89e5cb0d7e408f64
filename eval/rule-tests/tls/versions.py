import socket
import ssl

from OpenSSL import SSL


def legacy_server_context(certfile):
    # ruleid: tls
    ctx = ssl.SSLContext(ssl.PROTOCOL_SSLv2)
    ctx.load_cert_chain(certfile)
    return ctx


def sslv3_context():
    # ruleid: tls
    return ssl.SSLContext(ssl.PROTOCOL_SSLv3)


def tls10_context():
    # ruleid: tls
    return ssl.SSLContext(protocol=ssl.PROTOCOL_TLSv1)


def tls11_context():
    # ruleid: tls
    return ssl.SSLContext(ssl.PROTOCOL_TLSv1_1)


def wrap_old(sock):
    # ruleid: tls
    return ssl.wrap_socket(sock, ssl_version=ssl.PROTOCOL_TLSv1)


def wrap_default(sock):
    # ruleid: tls
    return ssl.wrap_socket(sock)


def wrap_with_certs(sock, keyfile, certfile):
    # ruleid: tls
    return ssl.wrap_socket(sock, keyfile=keyfile, certfile=certfile, server_side=True)


def protocol_from_table():
    # ruleid: tls
    version = ssl.PROTOCOL_SSLv23 if False else ssl.PROTOCOL_TLSv1
    return ssl.SSLContext(version)


def get_server_certificate_old(host):
    # ruleid: tls
    return ssl.get_server_certificate((host, 443), ssl_version=ssl.PROTOCOL_SSLv3)


def pyopenssl_sslv2():
    # ruleid: tls
    return SSL.Context(SSL.SSLv2_METHOD)


def pyopenssl_sslv3():
    # ruleid: tls
    return SSL.Context(SSL.SSLv3_METHOD)


def pyopenssl_tls1():
    # ruleid: tls
    return SSL.Context(SSL.TLSv1_METHOD)


def pyopenssl_tls11():
    # ruleid: tls
    return SSL.Context(SSL.TLSv1_1_METHOD)


def pyopenssl_default_method_arg(method=SSL.SSLv3_METHOD):
    # ok: tls
    return SSL.Context(SSL.TLS_METHOD)


def maximum_version_too_low():
    ctx = ssl.create_default_context()
    # ruleid: tls
    ctx.maximum_version = ssl.TLSVersion.TLSv1
    return ctx


def minimum_version_too_low():
    ctx = ssl.create_default_context()
    # ruleid: tls
    ctx.minimum_version = ssl.TLSVersion.TLSv1_1
    return ctx


def modern_client():
    # ok: tls
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    # ok: tls
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    return ctx


def modern_server():
    # ok: tls
    return ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)


def default_context():
    # ok: tls
    return ssl.create_default_context(ssl.Purpose.SERVER_AUTH)


def pyopenssl_tls12():
    # ok: tls
    return SSL.Context(SSL.TLSv1_2_METHOD)


def wrap_with_context(host):
    ctx = ssl.create_default_context()
    sock = socket.create_connection((host, 443))
    # ok: tls
    return ctx.wrap_socket(sock, server_hostname=host)


def disable_old_protocols():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    # ok: tls
    ctx.options |= ssl.OP_NO_TLSv1 | ssl.OP_NO_TLSv1_1
    return ctx
