"""A real SMTP server for tests/observer_targets.rs (aiosmtpd): it accepts every message, or
refuses the first N with a given reply (or, with the reply `sleep S`, answers them 250 only
after S seconds), and appends one JSON line per DATA command to a file:
{"reply", "mail_from", "rcpt_tos", "subject", "from", "to", "body", "attachments"}.

    sink.py PORT OUT_FILE [REPLY COUNT]   e.g. sink.py 2525 /tmp/mail.jsonl "451 4.3.0 later" 1
"""

import asyncio
import email
import email.policy
import json
import sys

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, out, reply, count):
        self.out = out
        self.reply = reply
        self.remaining = count

    async def handle_DATA(self, server, session, envelope):
        refuse = self.reply is not None and self.remaining > 0
        if refuse:
            self.remaining -= 1
        reply = self.reply if refuse else "250 OK"
        sleep = float(reply.split()[1]) if reply.startswith("sleep ") else None
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        attachments = {
            part.get_filename(): part.get_content()
            for part in message.iter_attachments()
        }
        attachments = {
            name: content.decode() if isinstance(content, bytes) else content
            for name, content in attachments.items()
        }
        record = {
            "reply": reply,
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "subject": message["Subject"],
            "from": message["From"],
            "to": message["To"],
            "body": body.get_content() if body is not None else "",
            "attachments": attachments,
        }
        with open(self.out, "a", encoding="utf-8") as out:
            out.write(json.dumps(record) + "\n")
        if sleep is not None:
            await asyncio.sleep(sleep)
            return "250 OK"
        return reply


async def main():
    port, out = int(sys.argv[1]), sys.argv[2]
    reply = sys.argv[3] if len(sys.argv) > 3 else None
    count = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    controller = Controller(Sink(out, reply, count), hostname="127.0.0.1", port=port)
    controller.start()
    print("ready", flush=True)
    await asyncio.Event().wait()


asyncio.run(main())
