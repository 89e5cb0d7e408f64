import yaml


def read_settings(path):
    with open(path) as fh:
        return yaml.safe_load(fh)


def read_plugin_manifest(stream):
    return yaml.load(stream, Loader=yaml.FullLoader)
