# Loader classes built on the safe machinery, aliases, and the unsafe spellings.
import yaml
from yaml import CLoader, FullLoader, SafeLoader, load
from yaml.constructor import SafeConstructor
from yaml.reader import Reader
from yaml.scanner import Scanner
from yaml.parser import Parser
from yaml.composer import Composer
from yaml.resolver import Resolver


class ConfigLoader(SafeLoader):
    """SafeLoader with an !include tag."""


ConfigLoader.add_constructor("!include", lambda loader, node: None)


class TaggedLoader(Reader, Scanner, Parser, Composer, SafeConstructor, Resolver):
    def __init__(self, stream):
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)


class DerivedLoader(ConfigLoader):
    pass


class PlainLoader(yaml.Loader):
    pass


def load_config(stream):
    # ok: yaml
    return yaml.load(stream, Loader=ConfigLoader)


def load_tagged(stream):
    # ok: yaml
    return yaml.load(stream, TaggedLoader)


def load_derived(stream):
    # ok: yaml
    return yaml.load_all(stream, Loader=DerivedLoader)


def load_plain_subclass(stream):
    # ruleid: yaml
    return yaml.load(stream, Loader=PlainLoader)


def load_cloader(stream):
    # ruleid: yaml
    return load(stream, Loader=CLoader)


def load_full(stream):
    # ruleid: yaml
    return yaml.load(stream, Loader=FullLoader)


def full_load(stream):
    # ruleid: yaml
    return yaml.full_load(stream)


def load_safe_alias(stream):
    # ok: yaml
    return load(stream, Loader=SafeLoader)
