"""DATABASE_URL with several hosts: the primary and its standby, the server that accepts
writes chosen when connecting (libpq's target_session_attrs; docs/DEPLOYMENT.md)."""

from __future__ import annotations

import socket

import psycopg
import pytest

from sathach.core.env import database_config

MULTI = (
    "postgres://postgres@127.0.0.1:55432,127.0.0.1:55433/sathach?target_session_attrs=read-write"
)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_several_hosts_become_libpq_lists() -> None:
    config = database_config(MULTI, conn_max_age=60)
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["HOST"] == "127.0.0.1,127.0.0.1"
    assert config["PORT"] == "55432,55433"
    assert config["NAME"] == "sathach"
    assert config["USER"] == "postgres"
    assert config["OPTIONS"] == {"target_session_attrs": "read-write"}
    assert config["CONN_MAX_AGE"] == 60


def test_a_host_without_a_port_gets_the_default_one() -> None:
    config = database_config("postgres://u:p%40ss@db1,db2:6432/x", conn_max_age=0)
    assert config["HOST"] == "db1,db2"
    assert config["PORT"] == "5432,6432"
    assert config["PASSWORD"] == "p@ss"


def test_one_host_is_parsed_as_before() -> None:
    config = database_config("postgres://u@127.0.0.1:5432/x", conn_max_age=0)
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("127.0.0.1", 5432, "x")
    sqlite = database_config("sqlite:////tmp/x.sqlite3", conn_max_age=0)
    assert sqlite["ENGINE"] == "django.db.backends.sqlite3"


def test_psycopg_skips_a_host_that_is_down() -> None:
    """The first host refuses connections (a stopped primary): psycopg goes on to the next,
    the machine's PostgreSQL on 5432."""
    url = f"postgres://postgres@127.0.0.1:{_closed_port()},127.0.0.1:5432/postgres"
    config = database_config(url + "?target_session_attrs=read-write", conn_max_age=0)
    try:
        connection = psycopg.connect(
            host=config["HOST"],
            port=config["PORT"],
            dbname=config["NAME"],
            user=config["USER"],
            connect_timeout=5,
            **config["OPTIONS"],
        )
    except psycopg.OperationalError as error:
        pytest.skip(f"no PostgreSQL on 127.0.0.1:5432: {error}")
    with connection:
        port = connection.execute("SHOW port").fetchone()
    assert port == ("5432",)
