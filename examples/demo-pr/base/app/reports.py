import ast
import pickle


def load_cached(blob):
    return blob


def parse_filter(raw):
    return raw.split(",")
