"""Where an OpenAI-compatible server is and how to talk to it: its address, key, timeouts and the
CA file to trust for it."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from workbench.errors import BadInputError

CONNECT_TIMEOUT_S = 10.0
IDLE_TIMEOUT_S = 120.0  # between two chunks of a streamed reply (a big model's prompt can take this long)
MAX_RETRIES = 3


def normalise_url(url: str) -> str:
    """The server's API base: ``http://host:port/v1``, whether or not the user wrote ``/v1``."""
    text = url.strip()
    if "://" not in text:
        text = "http://" + text
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https"):
        raise BadInputError(f"{url!r} is not an http:// or https:// address.")
    if not parts.hostname:
        raise BadInputError(f"{url!r} names no host.")
    try:
        parts.port
    except ValueError:
        raise BadInputError(f"{url!r} has an invalid port.") from None
    path = parts.path.rstrip("/")
    if not path.endswith("/v1"):
        path += "/v1"
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def is_loopback(host: str) -> bool:
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class Endpoint:
    """A configured server. ``api_key`` is never printed, saved in the history or the endpoint
    file (the endpoint store keeps it in the keyring or a private file)."""

    name: str
    url: str  # the API base, normalised (ends in /v1)
    api_key: str | None = field(default=None, repr=False)
    connect_timeout_s: float = CONNECT_TIMEOUT_S
    idle_timeout_s: float = IDLE_TIMEOUT_S
    ca_file: str | None = None  # trust this CA for this endpoint only
    max_retries: int = MAX_RETRIES

    def __post_init__(self) -> None:
        object.__setattr__(self, "url", normalise_url(self.url))
        for label, value in (("connect timeout", self.connect_timeout_s), ("idle timeout", self.idle_timeout_s)):
            if not 0 < value <= 3600:
                raise BadInputError(f"The {label} must be between 0 and 3600 seconds, not {value}.")
        if not 0 <= self.max_retries <= 10:
            raise BadInputError(f"Retries must be between 0 and 10, not {self.max_retries}.")

    @property
    def root(self) -> str:
        """The server's address without ``/v1`` (tokenize endpoints live there)."""
        return self.url[: -len("/v1")]

    @property
    def host(self) -> str:
        return urlsplit(self.url).hostname or ""

    @property
    def unencrypted_remote(self) -> bool:
        """Plain HTTP to another machine: prompts travel in the clear."""
        return urlsplit(self.url).scheme == "http" and not is_loopback(self.host)

    def settings(self) -> dict[str, Any]:
        """What the endpoint file keeps (no key)."""
        return {
            "url": self.url,
            "connect_timeout_s": self.connect_timeout_s,
            "idle_timeout_s": self.idle_timeout_s,
            "ca_file": self.ca_file,
            "max_retries": self.max_retries,
        }

