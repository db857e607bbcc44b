"""Mail backends for tests: a server that is down, and one that refuses some recipients."""

from __future__ import annotations

import smtplib

from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

# Addresses the refusing backend turns away (a test sets them).
REFUSED: set[str] = set()


class DownBackend(BaseEmailBackend):
    """Every message fails as if the mail server were down; counts the attempts."""

    attempts = 0

    def send_messages(self, email_messages):
        type(self).attempts += len(email_messages)
        raise smtplib.SMTPException("Connection unexpectedly closed: the server is down")


class RefusingBackend(LocmemBackend):
    """Delivers to mail.outbox like locmem, except to the addresses in REFUSED."""

    def send_messages(self, messages):
        for message in messages:
            refused = {to: (550, b"No such user") for to in message.to if to in REFUSED}
            if refused:
                raise smtplib.SMTPRecipientsRefused(refused)
        return super().send_messages(messages)


__all__ = ["REFUSED", "DownBackend", "RefusingBackend", "mail"]
