"""Local first run: ``python -m training.firstrun``.

Creates the instance folder's secret key if there is none, brings the database to the current
schema, loads the demo data and prints the demo logins. Safe to run again. The site's public
address is ``FLASK_PUBLIC_BASE_URL`` if set, else the development server's, http://127.0.0.1:5000.
"""

from __future__ import annotations

import os

from flask_migrate import upgrade

from training import create_app, write_secret_key
from training.urls import DEV_SERVER_URL


def main() -> None:
    # The demo certificates and links point at the local development server unless told otherwise
    # (``scripts/demo`` passes the port it serves on).
    os.environ.setdefault("FLASK_PUBLIC_BASE_URL", DEV_SERVER_URL)
    probe = create_app({"TESTING": True})  # only to learn the instance path; never served
    if not os.environ.get("SECRET_KEY") and write_secret_key(probe.instance_path):
        print(f"Created a secret key in {probe.instance_path}/secret_key (keep it private).")
    app = create_app()
    from training.certs.keys import key_path, write_key_file

    if not app.config.get("CERTIFICATE_SIGNING_KEY") and write_key_file(app):
        print(f"Created the certificate signing key in {key_path(app)} (keep it private).")
    with app.app_context():
        upgrade()
        from training.ob3.signing_keys import register_in_service

        register_in_service()  # published from now on, before it signs anything
        from training.demo import load_demo

        for line in load_demo():
            print(line)


if __name__ == "__main__":
    main()
