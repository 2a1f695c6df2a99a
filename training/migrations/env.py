import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

# this is the Alembic Config object, which provides
# access to the values within the .ini file in use.
config = context.config

# Interpret the config file for Python logging. Loggers that already exist keep working: an
# upgrade run inside the app (the tests, a deployment script) must not silence the app's own
# logs, such as training.limit_store's outage warnings.
# This line sets up loggers basically.
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")


def get_engine():
    return current_app.extensions["migrate"].db.engine


def get_engine_url():
    try:
        return get_engine().url.render_as_string(hide_password=False).replace("%", "%%")
    except AttributeError:
        return str(get_engine().url).replace("%", "%%")


# add your model's MetaData object here
# for 'autogenerate' support
# from myapp import mymodel
# target_metadata = mymodel.Base.metadata
config.set_main_option("sqlalchemy.url", get_engine_url())
target_db = current_app.extensions["migrate"].db

# other values from the config, defined by the needs of env.py,
# can be acquired:
# my_important_option = config.get_main_option("my_important_option")
# ... etc.


def get_metadata():
    if hasattr(target_db, "metadatas"):
        return target_db.metadatas[None]
    return target_db.metadata


def run_migrations_offline():
    """Run migrations in 'offline' mode.

    This configures the context with just a URL
    and not an Engine, though an Engine is acceptable
    here as well.  By skipping the Engine creation
    we don't even need a DBAPI to be available.

    Calls to context.execute() here emit the given string to the
    script output.

    """
    url = config.get_main_option("sqlalchemy.url")
    context.configure(url=url, target_metadata=get_metadata(), literal_binds=True)

    with context.begin_transaction():
        context.run_migrations()


def render_item(type_, obj, autogen_context):
    """Write the app's UTC datetime column type as a plain timezone-aware DateTime, so
    migration files never import application code."""
    if type_ == "type" and type(obj).__name__ == "UTCDateTime":
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations_online():
    """Run migrations in 'online' mode.

    In this scenario we need to create an Engine
    and associate a connection with the context.

    """

    # this callback is used to prevent an auto-migration from being generated
    # when there are no changes to the schema
    # reference: http://alembic.zzzcomputing.com/en/latest/cookbook.html
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info("No changes in schema detected.")

    conf_args = current_app.extensions["migrate"].configure_args
    conf_args.setdefault("render_item", render_item)
    conf_args.setdefault("compare_type", True)
    if conf_args.get("process_revision_directives") is None:
        conf_args["process_revision_directives"] = process_revision_directives

    connectable = get_engine()

    with connectable.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _sqlite_foreign_keys(connection, on=False)
        try:
            context.configure(connection=connection, target_metadata=get_metadata(), **conf_args)

            with context.begin_transaction():
                context.run_migrations()
            if sqlite:
                _check_foreign_keys(connection)
        finally:
            if sqlite:
                _sqlite_foreign_keys(connection, on=True)


def _sqlite_foreign_keys(connection, on):
    """Turn SQLite's foreign keys off for a migration, and on again after (the app's
    connections have them on: ``extensions._sqlite_settings``). A migration that changes a
    table copies it to a new one and drops the old: with them on, dropping a table every other
    table points at would delete or empty those rows (or fail on a RESTRICT). The setting only
    changes outside a transaction, so it is set before the migration's and read back."""
    state = "ON" if on else "OFF"
    connection.exec_driver_sql(f"PRAGMA foreign_keys={state}")
    connection.commit()
    if connection.exec_driver_sql("PRAGMA foreign_keys").scalar() != int(on):
        raise RuntimeError(f"Could not turn SQLite's foreign keys {state} for the migration.")
    connection.commit()


def _check_foreign_keys(connection):
    """After migrating SQLite with foreign keys off: fail loudly if any row points at one
    that does not exist (PostgreSQL checks every key as it goes)."""
    violations = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if violations:
        listed = "; ".join(
            f"{table} row {rowid} points at a missing {parent}"
            for table, rowid, parent, _key in violations[:20]
        )
        raise RuntimeError(
            f"The database was migrated, but {len(violations)} row(s) break a foreign key: "
            f"{listed}. Delete or correct them (PRAGMA foreign_key_check lists them all), "
            "then run the upgrade again to check."
        )


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
