"""``flask --app wsgi keys list|rotate|revoke``: the certificate signing keys, for operators."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

keys_cli = AppGroup("keys", help="See, rotate and revoke the certificate signing keys.")


@keys_cli.command("list")
def list_keys() -> None:
    """Every key that signed certificates or credentials: id, registered, retired, revoked.
    The key in service is registered first, so it is published from now on."""
    from training.certs import keys
    from training.extensions import db
    from training.ob3 import signing_keys
    from training.ob3.models import SigningKey

    signing_keys.register_in_service()  # a key out of service: it says why, on stderr
    rows = list(db.session.scalars(select(SigningKey).order_by(SigningKey.created_at)))
    try:
        current: str | None = signing_keys.current_key_id()
    except keys.NoSigningKey:
        current = None
        click.echo("No signing key is configured: nothing can be signed until one is.")
    click.echo("Key id            Registered        Retired")
    for row in rows:
        retired = row.retired_at.strftime("%Y-%m-%d %H:%M") if row.retired_at else "-"
        note = ""
        if row.key_id == current:
            note = "  (signs now)" if row.retired_at is None else "  (configured, refused)"
        if row.revoked_at is not None:
            note = f"  revoked {row.revoked_at:%Y-%m-%d %H:%M}: what it signed fails verification"
        click.echo(
            f"{row.key_id:<17} {row.created_at:%Y-%m-%d %H:%M}  {retired:<16}{note}".rstrip()
        )
    click.echo(
        "Every key listed stays published (/issuer), so what it signed keeps verifying, "
        "unless it was revoked."
    )


@keys_cli.command("revoke")
@click.argument("key_id")
def revoke_key(key_id: str) -> None:
    """Revoke a retired key that leaked: no credential it signed verifies any more."""
    from training.ob3 import signing_keys

    try:
        signing_keys.revoke(key_id)
    except signing_keys.CannotRevoke as error:
        raise click.ClickException(str(error)) from None
    click.echo(
        f"Revoked key {key_id}. Every Open Badges credential it signed now fails verification, "
        "here and with any standard verifier. Re-issue the certificates whose credentials must "
        "stay valid."
    )


@keys_cli.command("rotate")
def rotate_key() -> None:
    """Sign with a new key from now on; the old one stays published for what it signed."""
    from training.ob3 import signing_keys

    try:
        done = signing_keys.rotate()
    except signing_keys.CannotRotate as error:
        raise click.ClickException(str(error)) from None
    if done.out_of_service is not None:
        click.echo(
            f"The key file held key {done.old_key_id}, which was {done.out_of_service} already "
            "(restored from a backup?): it signed nothing since. It is gone from the key file."
        )
    else:
        click.echo(
            f"Retired key {done.old_key_id}. It stays published at "
            f"{signing_keys.method_url(done.old_key_id)}, so certificates and credentials "
            "signed with it keep verifying. Its private key is gone from the key file: nothing "
            "can sign with it again."
        )
    click.echo(f"New key {done.new_key_id} written to {done.path}; it signs from now on here.")
    click.echo(
        "Restart every other app server now: each reads the key file again when it starts. "
        "Until then one still holding the old key reads this key file again before it signs, "
        "or, with a key file of its own, refuses to sign with a retired key and says why."
    )
