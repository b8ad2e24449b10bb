"""A real SMTP server on loopback (aiosmtpd) whose answers a test can steer."""

import asyncio
import socket
import threading
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SteerableHandler:
    """Accepts mail and records it, unless told to refuse or to hold on to it."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.received: list[EmailMessage] = []
        self.raw: list[bytes] = []  # each accepted message as it came over the wire
        self.refusals = 0
        self.refuse_rcpt: str | None = None  # e.g. "550 5.1.1 No such mailbox here"
        self.refuse_data_left = 0  # answer the next N messages with refuse_data_reply
        self.refuse_data_reply = "421 4.3.2 Too busy, try again later"
        self.hold_after: int | None = None  # after this many, keep every message waiting
        self.holding = 0
        self.dropped = 0  # held messages whose client went away before the final reply
        self.release = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse_rcpt:
            with self.lock:
                self.refusals += 1
            return self.refuse_rcpt
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.refuse_data_left > 0:
                self.refuse_data_left -= 1
                self.refusals += 1
                return self.refuse_data_reply
            hold = self.hold_after is not None and len(self.received) >= self.hold_after
            if hold:
                self.holding += 1
        if hold:
            # If the client dies meanwhile, aiosmtpd cancels this coroutine: the message was
            # never accepted, as with a real server that never sent its final reply.
            try:
                while not self.release.is_set():
                    await asyncio.sleep(0.02)
            except asyncio.CancelledError:
                with self.lock:
                    self.holding -= 1
                    self.dropped += 1
                raise
            with self.lock:
                self.holding -= 1
        with self.lock:
            self.received.append(message_from_bytes(envelope.content, policy=policy.default))
            self.raw.append(envelope.original_content or envelope.content)
        return "250 2.0.0 Accepted"

    def correlation_ids(self) -> list[str]:
        with self.lock:
            return [m["X-Club-Correlation-ID"] for m in self.received]


class SMTPServer:
    def __init__(self) -> None:
        self.handler = SteerableHandler()
        self.port = free_port()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def mailers(self) -> dict:
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": self.port, "timeout": 10},
            }
        }

    def start(self) -> "SMTPServer":
        self.controller.start()
        return self

    def stop(self) -> None:
        self.handler.release.set()
        self.controller.stop()
