"""deploy/nginx.conf on Debian's real nginx: TLS from a certificate folder,
80 -> 443, HSTS once, brotli/gzip and a year of caching for static files."""

import http.client
import ssl
import subprocess

import pytest

from bench._nginx import Nginx


@pytest.fixture(scope="module")
def nginx(tmp_path_factory):
    work = tmp_path_factory.mktemp("nginx")
    certs = work / "certs"
    certs.mkdir()
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=localhost", "-keyout", certs / "privkey.pem", "-out", certs / "fullchain.pem"],
        check=True, capture_output=True,
    )  # fmt: skip
    server = Nginx(work, web_port=9, certs=certs)  # no app behind: static and redirects only
    (work / "srv/static/site.css").write_text("body { color: #123456; }\n" * 200)
    yield server.start()
    server.stop()


def _https(nginx, path, **headers):
    context = ssl.create_default_context(cafile=str(nginx.work / "certs/fullchain.pem"))
    context.check_hostname = False
    conn = http.client.HTTPSConnection("127.0.0.1", nginx.port, context=context, timeout=10)
    conn.request("GET", path, headers={"Host": "localhost", **headers})
    response = conn.getresponse()
    return response, response.read()


def test_plain_http_only_redirects_to_https(nginx):
    conn = http.client.HTTPConnection("127.0.0.1", nginx.http_port, timeout=10)
    conn.request("GET", "/admin/?next=/x", headers={"Host": "khlang.example"})
    response = conn.getresponse()
    assert response.status == 301
    assert response.getheader("Location") == "https://khlang.example/admin/?next=/x"


def test_static_files_over_tls_are_compressed_cached_and_carry_hsts(nginx):
    response, body = _https(nginx, "/static/site.css", **{"Accept-Encoding": "br, gzip"})
    assert response.status == 200
    assert response.getheader("Content-Encoding") == "br"
    assert len(body) < 200  # 5 KB of CSS
    assert "immutable" in response.getheader("Cache-Control")
    assert response.getheader("Strict-Transport-Security") == "max-age=31536000"
    response, _ = _https(nginx, "/static/site.css", **{"Accept-Encoding": "gzip"})
    assert response.getheader("Content-Encoding") == "gzip"


def test_protected_files_are_internal_only(nginx):
    response, _ = _https(nginx, "/protected-files/renditions/1/master.m3u8")
    assert response.status == 404


def test_object_store_location_is_internal_only(nginx):
    response, _ = _https(nginx, "/_store/khlang/protected/renditions/1/v1/144p/seg_00000.ts")
    assert response.status == 404  # only Django's X-Accel-Redirect reaches it
