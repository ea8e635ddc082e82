"""A request whose database connection a PostgreSQL restart cut in the middle gets a 503
page that loads again by itself, not the 500 page (issue 15, point 5)."""

from __future__ import annotations

import psycopg
import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import OperationalError, connection
from django.test import RequestFactory

from sathach.core.views import server_error

pytestmark = pytest.mark.django_db(transaction=True)


def _cut_this_connection() -> None:
    """What a fast shutdown of PostgreSQL does to a connection: another one ends it."""
    pid = connection.connection.info.backend_pid
    with psycopg.connect(**connection.get_connection_params(), autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


def test_a_request_that_lost_the_database_is_asked_to_load_again() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("a connection ended by the server needs a server database")
    connection.ensure_connection()
    _cut_this_connection()
    request = RequestFactory().get("/thi/1/")
    try:
        connection.cursor().execute("SELECT 1")
    except OperationalError:
        response = server_error(request)
    else:
        pytest.fail("the cut connection answered")
    finally:
        connection.close()
    assert response.status_code == 503
    assert response["Retry-After"] == "3"
    html = response.content.decode()
    assert '<meta http-equiv="refresh" content="3">' in html
    assert "Máy chủ đang kết nối lại với cơ sở dữ liệu" in html
    assert "Trang này sẽ tự tải lại sau 3 giây." in html


def test_any_other_error_keeps_the_500_page() -> None:
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(request)
    assert response.status_code == 500
