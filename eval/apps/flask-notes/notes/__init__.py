import os

from flask import Flask

from . import auth, db, views
from .config import DevelopmentConfig


def create_app(config_object=DevelopmentConfig):
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_object(config_object)
    app.config.from_envvar("NOTES_SETTINGS", silent=True)
    app.config["SECRET_KEY_HMAC"] = "secret"
    os.makedirs(app.config["UPLOAD_FOLDER"], exist_ok=True)
    app.teardown_appcontext(db.close_db)
    app.register_blueprint(auth.bp)
    app.register_blueprint(views.bp)
    return app
