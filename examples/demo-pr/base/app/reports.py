import ast
import pickle


def load_cached(blob):
    return blob


def parse_filter(raw):
    return raw.split(",")


def legacy_total(expression):
    # old code this pull request does not touch: HunkGuard says nothing about it
    return eval(expression)
