"""The two floors every page is measured against, served with the same gunicorn settings:

- ``hello``: plain Flask answering "Hello, world!" (the cost of gunicorn, WSGI and routing);
- ``one_query()``: one template rendered with the result of one query on the bench database
  (add a session, a connection pool and Jinja: the least any real page does).
"""

from __future__ import annotations

import os
import random

from flask import Flask, render_template
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import text

from training.config import normalise_database_url

hello = Flask("hello")


@hello.route("/")
def hello_world() -> str:
    return "Hello, world!"


def one_query() -> Flask:
    app = Flask("one_query", template_folder=os.path.join(os.path.dirname(__file__), "templates"))
    app.config["SQLALCHEMY_DATABASE_URI"] = normalise_database_url(os.environ["DATABASE_URL"])
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True}  # as the app's
    db = SQLAlchemy(app)
    with app.app_context():
        highest = db.session.scalar(text('SELECT max(id) FROM "user"')) or 1

    @app.route("/")
    def person() -> str:
        row = db.session.execute(
            text('SELECT name, email FROM "user" WHERE id = :id'),
            {"id": random.randint(1, highest)},
        ).first()
        return render_template("floor.html", person=row)

    return app
