import ast
import pickle


def load_cached(blob):
    return pickle.loads(blob)


def parse_filter(raw):
    return eval(raw)


def parse_ids(raw):
    # an old line that the pull request does not touch stays quiet
    return [int(x) for x in raw.split(",")]
