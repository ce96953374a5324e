"""A real SMTP server for tests, on a free local port, that can be told to refuse."""

from __future__ import annotations

import socket
import threading
import time
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpSink:
    """Collects every message it accepts; `replies` queues refusals such as '451 Try later'."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        #: When each message arrived (time.monotonic()), to measure the pace.
        self.arrivals: list[float] = []
        self.replies: list[str] = []
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port, server_hostname="smtp.test")

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        if self.replies:
            return self.replies.pop(0)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        self.arrivals.append(time.monotonic())
        return "250 Message accepted for delivery"

    def start(self):
        self.controller.start()

    def stop(self):
        self.controller.stop()

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if m["To"] == address]

    @staticmethod
    def text(message: EmailMessage) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()


class HostileRelay:
    """A raw SMTP server that misbehaves on purpose: it may answer every line slowly (a
    tarpit, one line of a long reply each `delay` seconds), refuse the QUIT after it
    has accepted the message, or hang up after `close_after` messages on a connection.
    `accepted` counts the messages it said 250 to, `connections` the connections made."""

    def __init__(self, *, delay: float = 0.0, reply_lines: int = 1, quit_reply: str = "221 Bye",
                 close_after: int | None = None):
        import socketserver

        self.delay, self.reply_lines, self.quit_reply = delay, reply_lines, quit_reply
        self.close_after = close_after
        self.accepted = self.connections = 0
        self.port = free_port()
        relay = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, text: str) -> None:
                code, rest = text[:3], text[4:]
                for _ in range(relay.reply_lines - 1):
                    self.wfile.write(f"{code}-{rest}\r\n".encode())
                    self.wfile.flush()
                    time.sleep(relay.delay)
                self.wfile.write(f"{code} {rest}\r\n".encode())
                self.wfile.flush()

            def handle(self):
                relay.connections += 1
                taken = 0
                try:
                    self.reply("220 hostile.test ESMTP")
                    while line := self.rfile.readline():
                        command = line.decode(errors="replace").strip().upper()
                        if command.startswith("DATA"):
                            self.reply("354 Go ahead")
                            while self.rfile.readline() not in (b".\r\n", b""):
                                pass
                            relay.accepted += 1
                            taken += 1
                            self.reply("250 Accepted")
                            if taken == relay.close_after:
                                return
                        elif command.startswith("QUIT"):
                            self.reply(relay.quit_reply)
                            return
                        else:
                            self.reply("250 OK")
                except OSError:
                    pass  # the client hung up: that is what a deadline does

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.server = Server(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *_):
        self.server.shutdown()
        self.server.server_close()
