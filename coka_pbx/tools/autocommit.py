"""Statements in a transaction of their own, on the connection of an Odoo cursor."""

from contextlib import contextmanager

from psycopg2 import extensions


@contextmanager
def alone(cr):
    """Run the block's statements on ``cr`` in autocommit when its connection has no
    transaction started: each statement is its own transaction, one round trip instead of
    three (``BEGIN``, the statement, ``COMMIT``). The session characteristics Odoo sets on
    its cursors (repeatable read, read/write) go to the server's defaults meanwhile, so
    that psycopg2 sends no ``SET`` on each switch, and are put back after the block.

    :param cr: an Odoo cursor
    :return: a context manager that gives ``True`` in autocommit, ``False`` when the
        statements run in the started transaction (the tests' cursor, a form's request)
    """
    connection = getattr(cr, "_cnx", None)  # None for the tests' cursor
    if connection is None or connection.status != extensions.STATUS_READY:
        yield False
        return
    level, readonly = connection.isolation_level, connection.readonly
    connection.isolation_level = None
    connection.readonly = None
    connection.autocommit = True
    try:
        yield True
    finally:
        connection.autocommit = False
        connection.isolation_level = level
        connection.readonly = readonly
