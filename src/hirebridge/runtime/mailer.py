"""Email over real SMTP (smtplib in a thread, so the event loop never blocks on a slow server)."""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid

from hirebridge.config.justworks import SmtpSettings
from hirebridge.connectors.errors import PermanentError, ServiceUnavailable

TIMEOUT_SECONDS = 20.0


class Mailer:
    def __init__(self, settings: SmtpSettings) -> None:
        self.settings = settings

    def _send(self, message: EmailMessage) -> None:
        s = self.settings
        with smtplib.SMTP(s.host, s.port, timeout=TIMEOUT_SECONDS) as smtp:
            if s.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if s.username:
                smtp.login(s.username, s.password.get_secret_value() if s.password else "")
            smtp.send_message(message)

    async def send(self, to: str, subject: str, text: str) -> None:
        """Send one plain-text email; a refused recipient or login is permanent, the rest transient."""
        message = EmailMessage()
        message["From"] = self.settings.sender
        message["To"] = to
        message["Subject"] = subject
        message["Message-ID"] = make_msgid(domain="hirebridge")
        message.set_content(text)
        try:
            await asyncio.to_thread(self._send, message)
        except (smtplib.SMTPRecipientsRefused, smtplib.SMTPAuthenticationError) as exc:
            refused = "the SMTP server refused the email"
            raise PermanentError(f"{refused}: {exc}", service="smtp", summary=refused) from exc
        except (OSError, smtplib.SMTPException) as exc:
            server = f"SMTP {self.settings.host}:{self.settings.port}"
            raise ServiceUnavailable(f"{server}: {exc}", service="smtp", summary=f"{server} failed") from exc
