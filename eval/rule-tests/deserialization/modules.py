# Deserialisers by module, the way rule tests name them (aliases, Unpickler, C modules, ML loaders).
import _pickle
import cPickle
import pickle as pkl
from multiprocessing.connection import Listener

import joblib
import jsonpickle
import keras
import numpy
import pandas
import torch
import yaml
from sklearn.externals import joblib as sk_joblib


def unpickler(fh):
    # ruleid: deserialization
    return pkl.Unpickler(fh).load()


def c_pickle(blob):
    # ruleid: deserialization
    return cPickle.loads(blob)


def underscore_pickle(blob):
    # ruleid: deserialization
    return _pickle.loads(blob)


def jsonpickle_loads(text):
    # ruleid: deserialization
    return jsonpickle.loads(text)


def joblib_load(path):
    # ruleid: deserialization
    return joblib.load(path)


def sklearn_joblib(path):
    # ruleid: deserialization
    return sk_joblib.load(path)


def pandas_pickle(url):
    # ruleid: deserialization
    return pandas.read_pickle(url)


def numpy_pickle(fh):
    # ruleid: deserialization
    return numpy.load(fh, allow_pickle=True)


def torch_map(path):
    # ruleid: deserialization
    return torch.load(path, map_location="cpu")


def torch_safe(path):
    # ok: deserialization
    return torch.load(path, map_location="cpu", weights_only=True)


def keras_lambda(path):
    # ruleid: deserialization
    return keras.models.load_model(path, safe_mode=False)


def keras_default(path):
    # ok: deserialization
    return keras.models.load_model(path)


def listener_recv(address, key):
    with Listener(address, authkey=key) as listener:
        with listener.accept() as conn:
            # ok: deserialization
            return conn.recv_bytes()


def dump_only(obj):
    # ok: deserialization
    return pkl.dumps(obj, protocol=pkl.HIGHEST_PROTOCOL)


def numpy_default(fh):
    # ok: deserialization
    return numpy.load(fh, allow_pickle=False)


def pandas_csv(path):
    # ok: deserialization
    return pandas.read_csv(path)
