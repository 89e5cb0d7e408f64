import yaml
from ruamel.yaml import YAML


class StrictLoader(yaml.SafeLoader):
    pass


class AppConstructor(yaml.constructor.SafeConstructor):
    pass


def load_plain(text):
    # ruleid: yaml
    return yaml.load(text)


def load_loader(text):
    # ruleid: yaml
    return yaml.load(text, Loader=yaml.Loader)


def load_unsafe(text):
    # ruleid: yaml
    return yaml.unsafe_load(text)


def load_unsafe_loader(text):
    # ruleid: yaml
    return yaml.load(text, Loader=yaml.UnsafeLoader)


def load_all(text):
    # ruleid: yaml
    return list(yaml.load_all(text, Loader=yaml.Loader))


def load_positional(text):
    # ruleid: yaml
    return yaml.load(text, yaml.Loader)


def load_ruamel_unsafe(text):
    # ruleid: yaml
    return YAML(typ="unsafe").load(text)


def load_safe(text):
    # ok: yaml
    return yaml.safe_load(text)


def load_safeloader(text):
    # ok: yaml
    return yaml.load(text, Loader=yaml.SafeLoader)


def load_csafe(text):
    # ok: yaml
    return yaml.load(text, Loader=yaml.CSafeLoader)


def load_custom_safe(text):
    # ok: yaml
    return yaml.load(text, Loader=StrictLoader)


def load_all_safe(text):
    # ok: yaml
    return list(yaml.safe_load_all(text))


def load_ruamel_safe(text):
    # ok: yaml
    return YAML(typ="safe").load(text)


def dump(data):
    # ok: yaml
    return yaml.dump(data, Dumper=yaml.Dumper)
