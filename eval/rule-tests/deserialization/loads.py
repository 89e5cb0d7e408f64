import base64
import json
import marshal
import pickle
import shelve

import dill
import joblib
import jsonpickle
import numpy as np
import pandas as pd
import torch
from celery import Celery
from flask import request


def from_cookie():
    # ruleid: deserialization
    return pickle.loads(base64.b64decode(request.cookies["state"]))


def from_upload():
    # ruleid: deserialization
    return pickle.load(request.files["model"])


def from_body():
    # ruleid: deserialization
    return marshal.loads(request.data)


def with_dill(blob):
    # ruleid: deserialization
    return dill.loads(blob)


def with_jsonpickle():
    # ruleid: deserialization
    return jsonpickle.decode(request.get_data(as_text=True))


def model_weights(path):
    # ruleid: deserialization
    return torch.load(path)


def model_weights_explicit(path):
    # ruleid: deserialization
    return torch.load(path, weights_only=False)


def arrays(path):
    # ruleid: deserialization
    return np.load(path, allow_pickle=True)


def frame(path):
    # ruleid: deserialization
    return pd.read_pickle(path)


def sklearn_model(path):
    # ruleid: deserialization
    return joblib.load(path)


def open_shelf(name):
    # ruleid: deserialization
    return shelve.open(request.args.get("db", name))


# ruleid: deserialization
app = Celery("tasks", broker="redis://localhost", accept_content=["pickle", "json"])

# ruleid: deserialization
app.conf.update(task_serializer="pickle", accept_content=["pickle"])


def from_json():
    # ok: deserialization
    return json.loads(request.data)


def save_state(state, fh):
    # ok: deserialization
    pickle.dump(state, fh)


def weights_safe(path):
    # ok: deserialization
    return torch.load(path, weights_only=True)


def arrays_safe(path):
    # ok: deserialization
    return np.load(path)


# ok: deserialization
json_app = Celery("tasks", broker="redis://localhost", accept_content=["json"])
