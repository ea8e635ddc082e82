"""The autosave on PostgreSQL for the ASGI server: the saves that arrive while a write is
running go together into the next one.

Each server process keeps one asynchronous connection for the autosave. When a save
arrives and no write is running, it is written at once; the saves that arrive meanwhile
wait and are then written by one statement (SAVE_POSTGRESQL, the same as for a single
save) and one commit. A save is answered only after the commit that holds it, so an
acknowledged answer is as durable as before; under load the commits, round trips and
statements are shared by many examinees instead of paid by each (docs/PERFORMANCE.md).

One statement never holds two saves of the same attempt (the second waits for the next
write), so that the saves of one browser are applied in the order they arrived. When a
write fails, its saves are tried again one by one, so that one bad save fails alone; a
save that still fails gets the exception, and the browser sends it again.

When the connection is lost (PostgreSQL restarted, the connection cut), the write is tried
again once on a new connection, which waits up to CONNECT_WAIT_SECONDS for the server to
accept it: the browsers then get their answer a moment late instead of an error and a
pause before they send again (issue 15, point 5). Trying again is safe: a save is applied
only over an older sequence number, so a save that the lost write had committed changes
nothing the second time and is acknowledged all the same.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from sathach.core.postgresql.base import CONNECT_WAIT_SECONDS, is_restarting
from sathach.exams.services.answers import Answer
from sathach.exams.services.attempts import (
    SAVE_POSTGRESQL,
    SaveOutcome,
    save_outcome,
    save_postgresql_params,
)

logger = logging.getLogger(__name__)

MAX_BATCH = 500  # saves per statement


class _ConnectionLost(Exception):
    """The write's connection broke (the server restarted): try it on a new one."""


@dataclass
class _Save:
    attempt_id: int
    token: str
    answers: dict[int, Answer]
    done: asyncio.Future[tuple[Any, datetime]] = field(repr=False)


class SaveBatcher:
    """Writes the saves of one process, batched, over its own connection."""

    def __init__(self) -> None:
        self._waiting: list[_Save] = []
        self._writer: asyncio.Task[None] | None = None
        self._connection: Any = None

    async def save(self, attempt_id: int, token: str, answers: dict[int, Answer]) -> SaveOutcome:
        """Store the answers (checked by parse_answers) once the attempt and its token allow
        it, as attempt_save_answers does; an "overdue" outcome is left to the caller."""
        done: asyncio.Future[tuple[Any, datetime]] = asyncio.get_running_loop().create_future()
        self._waiting.append(_Save(attempt_id, token, answers, done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_waiting())
        row, now = await done
        return save_outcome(row, token, now, answers)

    async def close(self) -> None:
        if self._writer is not None:
            await asyncio.gather(self._writer, return_exceptions=True)
        if self._connection is not None:
            await self._connection.close()
            self._connection = None

    async def _write_waiting(self) -> None:
        while self._waiting:
            batch = self._next_batch()
            if not batch:  # their browsers went away
                continue
            try:
                await self._write(batch)
            except _ConnectionLost:
                logger.warning("The autosave's connection was lost; writing on a new one")
                try:
                    await self._write(batch)
                except Exception as again:
                    _fail(batch, again)
            except Exception as error:
                if len(batch) == 1 or self._connection is None:  # or no connection to be had
                    _fail(batch, error)
                    continue
                logger.warning("A write of %d saves failed; writing them one by one", len(batch))
                for save in batch:
                    try:
                        await self._write([save])
                    except Exception as single_error:
                        _fail([save], single_error)

    def _next_batch(self) -> list[_Save]:
        """The waiting saves in their order of arrival, one per attempt, up to MAX_BATCH."""
        batch: list[_Save] = []
        later: list[_Save] = []
        attempts: set[int] = set()
        for save in self._waiting:
            if save.done.done():  # its browser went away
                continue
            if save.attempt_id in attempts or len(batch) >= MAX_BATCH:
                later.append(save)
                continue
            attempts.add(save.attempt_id)
            batch.append(save)
        self._waiting = later
        return batch

    async def _write(self, batch: list[_Save]) -> None:
        connection = await self._connect()
        now = timezone.now()
        params = save_postgresql_params(
            [(save.attempt_id, save.token, list(save.answers.values())) for save in batch], now
        )
        try:
            cursor = await connection.execute(SAVE_POSTGRESQL, params, prepare=True)
            rows = {row[0]: row[1:] for row in await cursor.fetchall()}
        except Exception as error:
            if connection.broken or connection.closed:
                self._connection = None
                raise _ConnectionLost from error
            raise
        for save in batch:
            if not save.done.done():  # the browser may have gone meanwhile
                save.done.set_result((rows.get(save.attempt_id), now))

    async def _connect(self) -> Any:
        if self._connection is None:
            import psycopg

            params = connections[DEFAULT_DB_ALIAS].get_connection_params()
            for django_only in ("cursor_factory", "prepare_threshold"):
                params.pop(django_only, None)
            deadline = time.monotonic() + CONNECT_WAIT_SECONDS
            while self._connection is None:
                try:
                    self._connection = await psycopg.AsyncConnection.connect(
                        **params, autocommit=True
                    )
                except psycopg.OperationalError as error:
                    if not is_restarting(error) or time.monotonic() >= deadline:
                        raise
                    await asyncio.sleep(0.2)
        return self._connection


def _fail(batch: list[_Save], error: Exception) -> None:
    for save in batch:
        if not save.done.done():
            save.done.set_exception(error)
