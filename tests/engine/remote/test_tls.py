"""HTTPS endpoints: a certificate the system does not trust is refused with what to do about it,
and the CA file given for one endpoint is trusted for that endpoint only."""

from __future__ import annotations

import ssl
import subprocess
from pathlib import Path

import pytest

from tests.helpers.fault_server import FaultServer
from workbench.engine.remote.backend import RemoteEngine
from workbench.engine.remote.capabilities import Capabilities
from workbench.engine.remote.endpoint import Endpoint
from workbench.errors import RemoteError
from workbench.values.params import GenerateParams, SamplerParams


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
                   check=True, capture_output=True)
    return cert, key


def _server_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context


def _engine(url: str, ca_file: str | None = None) -> RemoteEngine:
    caps = Capabilities(reachable=True, models=["fault-model"], logprobs=True, top_logprobs_max=5)
    return RemoteEngine(Endpoint("secure", url, ca_file=ca_file, max_retries=0), "fault-model", caps)


def test_an_untrusted_certificate_says_which_ca_file_to_give(certificate: tuple[Path, Path]) -> None:
    with FaultServer("ok", tls=_server_context(*certificate)) as server:
        assert server.url.startswith("https://")
        with pytest.raises(RemoteError, match=r"certificate is not trusted.*--ca-file"):
            _engine(server.url).open()


def test_the_endpoints_own_ca_file_is_trusted(certificate: tuple[Path, Path]) -> None:
    cert, _ = certificate
    with FaultServer("ok", tls=_server_context(*certificate)) as server:
        engine = _engine(server.url, ca_file=str(cert))
        engine.open()
        result = engine.generate(GenerateParams("x", SamplerParams(temperature=0), max_tokens=5, top_logprobs=2)).result()
        assert result.text == " one two three four five" and not Endpoint("secure", server.url).unencrypted_remote


def test_plain_http_to_a_server_that_speaks_tls_is_a_clear_error(certificate: tuple[Path, Path]) -> None:
    with FaultServer("ok", tls=_server_context(*certificate)) as server:
        with pytest.raises(RemoteError):
            _engine(server.url.replace("https://", "http://")).open()


def test_a_missing_ca_file_is_named() -> None:
    with pytest.raises(RemoteError, match="Cannot use /nonexistent/ca.pem as the CA file"):
        _engine("https://127.0.0.1:9", ca_file="/nonexistent/ca.pem").open()
