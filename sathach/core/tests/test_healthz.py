"""/healthz, the load balancer's health check (scripts/cluster.sh, docs/DEPLOYMENT.md): a
server that cannot reach its database is taken out of the rotation."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.test import Client

pytestmark = pytest.mark.django_db


def test_a_server_with_its_database_is_healthy() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert "no-store" in response["Cache-Control"]


def test_a_server_without_its_database_is_not() -> None:
    with mock.patch.object(
        connection, "ensure_connection", side_effect=OperationalError("connection refused")
    ):
        response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.content == b"database unavailable"
