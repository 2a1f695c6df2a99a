"""``flask --app wsgi keys list|rotate``: the certificate signing keys, for operators."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

keys_cli = AppGroup("keys", help="See and rotate the certificate signing key.")


@keys_cli.command("list")
def list_keys() -> None:
    """Every key that signed certificates or credentials: id, registered, retired."""
    from training.extensions import db
    from training.ob3 import signing_keys
    from training.ob3.models import SigningKey

    rows = list(db.session.scalars(select(SigningKey).order_by(SigningKey.created_at)))
    current = signing_keys.current_key_id()
    if not rows:
        click.echo(f"No key has signed anything yet. The key in service is {current}.")
        return
    click.echo("Key id            Registered        Retired")
    for row in rows:
        retired = row.retired_at.strftime("%Y-%m-%d %H:%M") if row.retired_at else "-"
        note = "  (signs now)" if row.key_id == current else ""
        click.echo(
            f"{row.key_id:<17} {row.created_at:%Y-%m-%d %H:%M}  {retired:<16}{note}".rstrip()
        )
    if all(row.key_id != current for row in rows):
        click.echo(f"{current:<17} (not registered yet: it registers when it first signs)")
    click.echo("Every key listed stays published (/issuer), so what it signed keeps verifying.")


@keys_cli.command("rotate")
def rotate_key() -> None:
    """Sign with a new key from now on; the old one stays published for what it signed."""
    from training.ob3 import signing_keys

    try:
        done = signing_keys.rotate()
    except signing_keys.CannotRotate as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"Retired key {done.old_key_id}. It stays published at "
        f"{signing_keys.method_url(done.old_key_id)}, so certificates and credentials signed "
        "with it keep verifying. Its private key is gone from the key file: nothing can sign "
        "with it again."
    )
    click.echo(f"New key {done.new_key_id} written to {done.path}; it signs from now on here.")
    click.echo(
        "Restart every other app server now: each reads the key file again when it starts, "
        "and until then keeps signing with the old key (which still verifies)."
    )
