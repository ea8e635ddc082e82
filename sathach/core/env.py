"""Typed readers for environment variables that fail loudly on bad values."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r}: use true or false")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r}: expected a whole number") from None


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def local_secret_key(path: Path) -> str:
    """Return the key stored at `path`, creating it (mode 600) on first use."""
    if path.exists():
        key = path.read_text().strip()
        if key:
            return key
    key = secrets.token_urlsafe(50)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    return key


def database_config(url: str, conn_max_age: int) -> dict[str, Any]:
    """Django's DATABASES entry for DATABASE_URL, as dj_database_url reads it, and also with
    several PostgreSQL hosts, `postgres://user@primary:5432,standby:5432/sathach
    ?target_session_attrs=read-write` (which dj_database_url refuses): libpq tries them in
    turn and keeps the one that accepts writes, so that after the standby is promoted the
    servers reconnect to it with no change of setting (docs/DEPLOYMENT.md)."""
    parts = urlsplit(url)
    credentials, at, hosts = parts.netloc.rpartition("@")
    if "," not in hosts:
        return dict(dj_database_url.parse(url, conn_max_age=conn_max_age))
    names, ports = [], []
    for host in hosts.split(","):
        one = urlsplit(f"//{host}")
        if not one.hostname:
            raise ImproperlyConfigured(f"DATABASE_URL: no host name in {host!r}")
        names.append(one.hostname)
        ports.append(str(one.port or 5432))
    single = urlunsplit(parts._replace(netloc=f"{credentials}{at}{names[0]}"))
    config = dict(dj_database_url.parse(single, conn_max_age=conn_max_age))
    config["HOST"] = ",".join(names)
    config["PORT"] = ",".join(ports)
    return config
