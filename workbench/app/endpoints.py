"""The endpoints a user configured: remote servers by name, kept outside the history.

``endpoints.json`` in the data folder holds names, addresses, timeouts and CA files; API keys go
to the system keyring when one is available, else to ``endpoint-keys.json``, readable only by
the user (0600). Neither ever reaches the database, the history or a printout.

A model on an endpoint is named ``ENDPOINT/MODEL`` wherever a model file can be (``--model``, the
model manager, an experiment's models).
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workbench.engine.remote.endpoint import Endpoint
from workbench.errors import BadInputError, StoreError
from workbench.paths import data_dir

FILE = "endpoints.json"
KEYS = "endpoint-keys.json"
KEYRING_SERVICE = "prompt-workbench"
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def check_name(name: str) -> str:
    if not _NAME.match(name or ""):
        raise BadInputError(f"{name!r} is not a usable endpoint name: use letters, digits, '.', '_' or '-' (up to 64), no '/'.")
    return name


def _keyring() -> Any | None:
    """The system keyring, if the keyring package is installed and has a real backend."""
    try:
        import keyring  # optional: not a dependency
        from keyring.backends import fail
    except Exception:
        return None
    try:
        backend = keyring.get_keyring()
    except Exception:
        return None
    if isinstance(backend, fail.Keyring) or "chainer" in type(backend).__name__.lower() and not getattr(backend, "backends", None):
        return None
    return keyring


@dataclass(frozen=True)
class ModelRef:
    """``ENDPOINT/MODEL``: a server model; ``path`` is how it is named where a local model has its file."""

    endpoint: str
    model: str

    @property
    def path(self) -> str:
        return f"{self.endpoint}/{self.model}"


class EndpointStore:
    """Endpoints by name, in ``folder`` (default: the data folder)."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or data_dir()

    @property
    def path(self) -> Path:
        return self.folder / FILE

    # -- files ------------------------------------------------------------------------------

    def _read(self, path: Path) -> dict[str, Any]:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as e:
            raise StoreError(f"Cannot read {path}: {e}. Fix or remove the file.") from None
        if not isinstance(data, dict):
            raise StoreError(f"{path} is not an endpoint file (it holds no object). Fix or remove it.")
        return data

    def _write(self, path: Path, data: dict[str, Any], private: bool = False) -> None:
        """Replace ``path`` whole (a temporary file renamed over it): a full disk loses nothing."""
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.name, dir=self.folder)
        try:
            if private:
                os.chmod(tmp, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                json.dump(data, f, indent=2, ensure_ascii=False)
            os.replace(tmp, path)
        except OSError as e:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise StoreError(f"Cannot save {path}: {e.strerror or e}.") from None

    def _entries(self) -> dict[str, dict[str, Any]]:
        entries = self._read(self.path).get("endpoints", {})
        return entries if isinstance(entries, dict) else {}

    # -- keys -------------------------------------------------------------------------------

    def _set_key(self, name: str, key: str | None) -> str:
        """Keep (or forget, with None) ``name``'s key; where it went: keyring | file | none."""
        ring = _keyring()
        keys_path = self.folder / KEYS
        keys = self._read(keys_path)
        if ring is not None:
            try:
                if key is None:
                    try:
                        ring.delete_password(KEYRING_SERVICE, name)
                    except Exception:
                        pass
                else:
                    ring.set_password(KEYRING_SERVICE, name, key)
                    if name in keys:
                        keys.pop(name)
                        self._write(keys_path, keys, private=True)
                    return "keyring"
            except Exception:
                pass  # a locked or broken keyring: the private file instead
        if key is None:
            if name in keys:
                keys.pop(name)
                self._write(keys_path, keys, private=True)
            return "none"
        keys[name] = key
        self._write(keys_path, keys, private=True)
        return "file"

    def _key(self, name: str, where: str | None) -> str | None:
        if where == "keyring":
            ring = _keyring()
            if ring is not None:
                try:
                    return ring.get_password(KEYRING_SERVICE, name)
                except Exception:
                    return None
        if where == "file":
            value = self._read(self.folder / KEYS).get(name)
            return value if isinstance(value, str) else None
        return None

    # -- the API ----------------------------------------------------------------------------

    def add(self, endpoint: Endpoint) -> Endpoint:
        """Add or replace ``endpoint`` (its key, if it has one, goes to the keyring or the private file)."""
        check_name(endpoint.name)
        data = self._read(self.path)
        entries = data.setdefault("endpoints", {})
        before = entries.get(endpoint.name, {})
        where = before.get("key", "none")
        if endpoint.api_key is not None:
            where = self._set_key(endpoint.name, endpoint.api_key or None)
        entries[endpoint.name] = {**endpoint.settings(), "key": where}
        self._write(self.path, data)
        return endpoint

    def get(self, name: str) -> Endpoint:
        entry = self._entries().get(name)
        if entry is None:
            known = ", ".join(sorted(self._entries())) or "none yet (add one: workbench endpoints add NAME URL)"
            raise BadInputError(f"No endpoint named {name!r}. Known: {known}.")
        try:
            return Endpoint(
                name=name, url=str(entry["url"]), api_key=self._key(name, entry.get("key")),
                connect_timeout_s=float(entry.get("connect_timeout_s", 10.0)), idle_timeout_s=float(entry.get("idle_timeout_s", 120.0)),
                ca_file=entry.get("ca_file"), max_retries=int(entry.get("max_retries", 3)),
            )
        except (KeyError, TypeError, ValueError) as e:
            raise StoreError(f"The endpoint {name!r} in {self.path} is damaged ({e}). Remove it and add it again.") from None

    def has_key(self, name: str) -> str:
        """Where ``name``'s key is kept: keyring | file | none."""
        return str(self._entries().get(name, {}).get("key", "none"))

    def names(self) -> list[str]:
        return sorted(self._entries())

    def list(self) -> list[Endpoint]:
        return [self.get(name) for name in self.names()]

    def remove(self, name: str) -> None:
        data = self._read(self.path)
        entries = data.get("endpoints", {})
        if name not in entries:
            self.get(name)  # says which ones there are
        entries.pop(name)
        self._set_key(name, None)
        self._write(self.path, data)

    def model_ref(self, spec: str) -> ModelRef | None:
        """``spec`` as ``ENDPOINT/MODEL`` when its first part names an endpoint (and it is not a file)."""
        head, sep, model = str(spec).partition("/")
        if not sep or not model or head not in self._entries() or Path(spec).exists():
            return None
        return ModelRef(head, model)


def read_key_file(path: str) -> str:
    """An API key from a file (its first line): keys never go on the command line."""
    if Path(path).exists() and not Path(path).is_file():
        raise BadInputError(f"The API key file {path} is not a regular file.")
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise BadInputError(f"Cannot read the API key file {path}: {getattr(e, 'strerror', None) or e}.") from None
    key = text.strip().splitlines()[0].strip() if text.strip() else ""
    if not key:
        raise BadInputError(f"The API key file {path} is empty.")
    return key
