"""Wrong PINs sent in parallel all count: no more than five are checked before the lock,
whatever the number of requests racing (issue 15: 8 parallel requests had 9 checked)."""

from __future__ import annotations

import threading
from unittest import mock

import pytest
from django.db import connection, connections
from django.test import TransactionTestCase

from sathach.core.errors import DomainError
from sathach.organization.testing import World
from sathach.signatures import pki
from sathach.signatures.models import LeaderCertificate
from sathach.signatures.services import (
    PIN_TRIES,
    certificate_issue,
    pki_init,
    token_open,
    token_set_pin,
)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent writers need a server database"
)
class ParallelPinTestCase(TransactionTestCase):
    def test_eight_parallel_wrong_pins_check_at_most_five(self) -> None:
        world = World()
        pki_init(actor=None, organization="UBND huyện Cù Lao Dung")
        token = certificate_issue(actor=None, person=world.leader_person)
        token_set_pin(actor=world.leader, token=token, new_pin="250720")
        real_open = pki.key_open
        checked: list[str] = []
        start = threading.Barrier(8)
        guard = threading.Lock()

        def counting_open(sealed: bytes, pin: str | None = None) -> pki.PrivateKey:
            with guard:
                checked.append(pin or "")
            return real_open(sealed, pin)

        def worker() -> None:
            try:
                start.wait()
                mine = LeaderCertificate.objects.get(pk=token.pk)
                token_open(mine, "000001")
            except DomainError:
                pass
            finally:
                connections.close_all()

        with mock.patch.object(pki, "key_open", counting_open):
            threads = [threading.Thread(target=worker) for _ in range(8)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        self.assertLessEqual(len(checked), PIN_TRIES)
        token.refresh_from_db()
        self.assertIsNotNone(token.locked_until)
        with self.assertRaisesMessage(DomainError, "quá nhiều lần"):
            token_open(token, "250720")  # the right PIN waits for the lock too
