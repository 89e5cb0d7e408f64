import yaml


def read_settings(path):
    with open(path) as fh:
        return yaml.safe_load(fh)
