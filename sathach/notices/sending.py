"""Sending one message, in the background worker: by e-mail (Django's mail framework) or
SMS/Zalo (`gateway.send_sms`). A failure is recorded with the provider's answer and tried
again later, up to `MAX_TRIES` tries in all, each wait longer than the last."""

from __future__ import annotations

import datetime
import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from sathach.notices.gateway import ANSWER_LIMIT, GatewayError, send_sms
from sathach.notices.models import Message

logger = logging.getLogger(__name__)

# The first try and three more.
MAX_TRIES = 4
# Seconds to wait after the n-th failure (n = 1, 2, 3).
BACKOFF_SECONDS = (60, 300, 1800)


def message_enqueue(message: Message, *, run_after: datetime.datetime | None = None) -> None:
    """Queue the sending of `message`. The task's row lives in the same database and the same
    transaction as the message's: both are kept, or neither."""
    runner = message_send_run.using(run_after=run_after) if run_after else message_send_run
    runner.enqueue(message.pk)


def _deliver(message: Message) -> None:
    if message.channel == Message.Channel.EMAIL:
        try:
            EmailMessage(message.subject, message.body, to=[message.recipient]).send()
        except (smtplib.SMTPException, OSError) as error:
            raise GatewayError(str(error)) from error
    else:
        send_sms(message.recipient, f"{message.subject}\n{message.body}")


def _unconfigured(message: Message) -> bool:
    """No gateway: trying again cannot help, the message fails at once with the reason."""
    return message.channel == Message.Channel.SMS and not settings.SMS_GATEWAY_URL


def message_send(message: Message) -> Message:
    """Send one queued message now and record the outcome: sent, queued again with the
    next try's time, or failed after the last try (its `last_error` the provider's answer)."""
    with transaction.atomic():
        message = Message.objects.select_for_update().get(pk=message.pk)
        if message.status != Message.Status.QUEUED:
            return message
        message.tries += 1
        try:
            _deliver(message)
        except GatewayError as error:
            message.last_error = error.answer[:ANSWER_LIMIT]
            if message.tries < MAX_TRIES and not _unconfigured(message):
                wait = BACKOFF_SECONDS[min(message.tries, len(BACKOFF_SECONDS)) - 1]
                message.next_try_at = timezone.now() + datetime.timedelta(seconds=wait)
                message_enqueue(message, run_after=message.next_try_at)
            else:
                message.status = Message.Status.FAILED
                message.next_try_at = None
            logger.warning("notice %s not sent: %s", message.pk, message.last_error)
        else:
            message.status = Message.Status.SENT
            message.sent_at = timezone.now()
            message.next_try_at = None
        message.save(update_fields=["status", "tries", "last_error", "next_try_at", "sent_at"])
    return message


@task()
def message_send_run(message_id: int) -> str:
    """The worker's side: send the message if it is still queued; returns its status."""
    message = Message.objects.filter(pk=message_id).first()
    if message is None:
        return ""
    return message_send(message).status
