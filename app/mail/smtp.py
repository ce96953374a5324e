"""Talking to the mail relay: one connection for a run's messages, each message within its deadline."""

from __future__ import annotations

import smtplib
import socket
import threading
import time
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from flask import current_app

if TYPE_CHECKING:
    from app.mail.mime import Outgoing

#: How long a goodbye (QUIT) may take at the end of a run.
QUIT_SECONDS = 2


class TemporaryFailure(Exception):
    """The server may accept the message later (4xx, refused connection)."""


class PermanentFailure(Exception):
    """The server will never accept the message (5xx)."""


class _Dropped(TemporaryFailure):
    """The connection broke: closed by the relay, reset, or never made."""


class Relay:
    """One SMTP connection kept open for a run's messages: opened when first needed, and
    again after it breaks. A connection the relay closed between two messages is opened
    again at once and the message tried once more on it."""

    def __init__(self, stop: threading.Event | None = None):
        self.config = current_app.config
        self.stop = stop or threading.Event()
        self.smtp: smtplib.SMTP | None = None
        self.watchdog = _Watchdog(self.stop)

    def send(self, email: Outgoing, deadline: float) -> None:
        """Send within `deadline` seconds, connecting included, or until `stop` is set. Once
        the server has said 250 to the message it is sent."""
        started, reused = time.monotonic(), self.smtp is not None
        try:
            self._send(email, deadline)
        except _Dropped:
            left = deadline - (time.monotonic() - started)
            if not reused or left <= 0:
                raise
            self._send(email, left)

    def close(self) -> None:
        """Say goodbye, briefly, and hang up. Whatever the relay answers, what it took is sent."""
        if self.smtp is not None:
            self.watchdog.arm(self.smtp, QUIT_SECONDS)
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
            finally:
                self.watchdog.disarm()
                self._hang_up()
        self.watchdog.finished.set()

    def _send(self, email: Outgoing, deadline: float) -> None:
        fresh = self.smtp is None
        if fresh:
            # We greet the relay as our public host name; the default asks DNS, which can take seconds.
            self.smtp = smtplib.SMTP(local_hostname=urlsplit(self.config["BASE_URL"]).hostname,
                                     timeout=self.config["MAIL_TIMEOUT"])
        # A relay that answers one line every few seconds never trips the socket's timeout:
        # the watchdog cuts the connection at the deadline, which ends any read at once.
        self.watchdog.arm(self.smtp, deadline)
        try:
            if fresh:
                self._open()
            self.smtp.sendmail(email.sender, [email.recipient], email.data)
            return
        except smtplib.SMTPRecipientsRefused as error:
            code, reply = next(iter(error.recipients.values()))
            failure = _classify(code, reply)
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as error:
            # smtplib has reset the transaction, so the connection serves the next message,
            # unless the relay said 421: it is closing.
            failure = _classify(error.smtp_code, error.smtp_error)
            if error.smtp_code == 421:
                self._hang_up()
        except smtplib.SMTPResponseException as error:  # a refused greeting, HELO or login
            self._hang_up()
            failure = _classify(error.smtp_code, error.smtp_error)
        except (OSError, smtplib.SMTPException) as error:
            cut = self.watchdog.disarm()
            self._hang_up()
            # Cut at the deadline or by the stop: no second try.
            failure = TemporaryFailure(cut) if cut else _Dropped(str(error) or type(error).__name__)
        finally:
            self.watchdog.disarm()
        raise failure

    def _open(self) -> None:
        config = self.config
        self.smtp.connect(config["MAIL_SERVER"], config["MAIL_PORT"])
        if config["MAIL_USE_TLS"]:
            self.smtp.starttls()
        if config["MAIL_USERNAME"]:
            self.smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])

    def _hang_up(self) -> None:
        if self.smtp is not None:
            self.smtp.close()
            self.smtp = None


class _Watchdog(threading.Thread):
    """Cuts the connection when the message being sent passes its deadline, or when the run
    is stopped: one thread for the run, armed for each message."""

    def __init__(self, stop: threading.Event):
        super().__init__(daemon=True)
        self.stop = stop
        self.finished = threading.Event()
        self.lock = threading.Lock()
        self.smtp: smtplib.SMTP | None = None
        self.end = 0.0
        self.deadline = 0.0
        self.reason: str | None = None

    def arm(self, smtp: smtplib.SMTP, deadline: float) -> None:
        with self.lock:
            self.smtp, self.deadline, self.end, self.reason = smtp, deadline, time.monotonic() + deadline, None
        if not self.is_alive():
            self.start()

    def disarm(self) -> str | None:
        """Stand down; why the connection was cut, if it was."""
        with self.lock:
            self.smtp = None
            return self.reason

    def run(self) -> None:
        while not self.finished.wait(0.1):
            with self.lock:
                if self.smtp is None:
                    continue
                if self.stop.is_set():
                    self.reason = "stopped: the scheduler was shutting down"
                elif time.monotonic() >= self.end:
                    self.reason = f"no answer within {self.deadline:g} seconds"
                else:
                    continue
                sock, self.smtp = self.smtp.sock, None
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)  # ends any read at once
                except OSError:
                    pass


def _classify(code: int, reply) -> Exception:
    text = reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)
    failure = PermanentFailure if code >= 500 else TemporaryFailure
    return failure(f"{code} {text}")
