"""Saves racing on one attempt from several connections at once."""

from __future__ import annotations

import random
import threading

import pytest
from django.db import connection, connections
from django.test import TransactionTestCase

from sathach.exams.models import Attempt
from sathach.exams.services.attempts import attempt_save_answers, attempt_start
from sathach.exams.tests.factories import make_exam
from sathach.organization.testing import World


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="concurrent writers need a server database"
)
class ConcurrentSavesTestCase(TransactionTestCase):
    def test_the_newest_answer_wins_whatever_order_saves_arrive_in(self) -> None:
        world = World()
        session = make_exam(world)
        attempt = Attempt.objects.get(session=session, person=world.leader_person)
        attempt = attempt_start(user=world.leader, attempt=attempt, access_code=session.access_code)
        # Every position gets saves 1..20 (answer = seq % 4), sent by 8 threads in random order.
        saves = [(p, s) for p in range(1, 13) for s in range(1, 21)]
        random.Random(3).shuffle(saves)
        chunks = [saves[i::8] for i in range(8)]
        errors: list[BaseException] = []

        def worker(chunk: list[tuple[int, int]]) -> None:
            try:
                for position, seq in chunk:
                    outcome = attempt_save_answers(
                        attempt_id=attempt.pk,
                        token=attempt.token,
                        answers=[{"p": position, "s": seq, "r": {"choice": seq % 4}}],
                    )
                    assert outcome.state == "open"
            except BaseException as error:
                errors.append(error)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=worker, args=(chunk,)) for chunk in chunks]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(errors, [])
        for item in attempt.items.all():
            self.assertEqual((item.seq, item.response), (20, {"choice": 0}))
