import paramiko


def connect_auto_add(host, user, key_file):
    client = paramiko.SSHClient()
    # ruleid: tls
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    client.connect(host, username=user, key_filename=key_file)
    return client


def connect_warning_policy(host, user, key_file):
    client = paramiko.SSHClient()
    # ruleid: tls
    client.set_missing_host_key_policy(paramiko.WarningPolicy)
    client.connect(host, username=user, key_filename=key_file)
    return client


def connect_imported_policy(host):
    from paramiko.client import AutoAddPolicy

    client = paramiko.SSHClient()
    # ruleid: tls
    client.set_missing_host_key_policy(AutoAddPolicy())
    client.connect(host)
    return client


def connect_known_hosts(host, user, key_file):
    client = paramiko.SSHClient()
    client.load_system_host_keys()
    # ok: tls
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
    client.connect(host, username=user, key_filename=key_file)
    return client
