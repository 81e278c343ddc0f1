"""Request verification, correct to the letter: every forged request is a 400."""

from __future__ import annotations

import datetime
import http.client
import json
import re
import threading
from urllib.parse import urlsplit

import pytest

from skill.app import create_app
from skill.settings import Settings
from skill.simulator.envelopes import intent_request, launch_request, timestamp
from skill.verify import build_verification
from skill.verify.cert_url import check_cert_url
from skill.verify.chain import ChainValidator, load_roots
from skill.verify.chain_cache import ChainCache
from skill.verify.errors import VerificationError
from skill.verify.verifiers import TimestampVerifier

from .helpers import FIXTURE_ROUTINES, FIXTURES, make_app, serving, stop
from .pki import NOW, SKILL_ID, body_for, post, signed, verified_settings

REAL_CHAIN = FIXTURES / "alexa" / "echo-api-cert-2026.pem"  # its source and dates: README.md there


def assert_rejected(response, check: str) -> None:
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error.startswith(f"request verification failed: {check}"), error
    assert "response" not in response.get_json()


# The SignatureCertChainUrl rules.

@pytest.mark.parametrize("url", [
    "https://s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com:443/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/./echo-api-cert-12.pem",
    "HTTPS://s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "https://S3.AmazonAWS.COM/echo.api/echo-api-cert.pem",
])
def test_valid_cert_urls(url):
    assert check_cert_url(url).startswith("/echo.api/")


@pytest.mark.parametrize("url", [
    "http://s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "https://notamazon.com/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem",
    "https://s3.amazonaws.com/invalid.path/echo-api-cert.pem",
    "https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api/../invalid.path/echo-api-cert.pem",
    "https://s3.amazonaws.com/echo.api",
    "https://s3.amazonaws.com//echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com.evil.com/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com@evil.com/echo.api/echo-api-cert.pem",
    "https://user@s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "https://s3.amazonaws.com:notaport/echo.api/echo-api-cert.pem",
    "ftp://s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "//s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "s3.amazonaws.com/echo.api/echo-api-cert.pem",
    "",
])
def test_invalid_cert_urls(url):
    with pytest.raises(VerificationError) as raised:
        check_cert_url(url)
    assert raised.value.check == "SignatureCertChainUrl"


# Alexa's real chain.

def test_the_real_alexa_chain_passes_every_chain_check_inside_its_window():
    validator = ChainValidator(load_roots())
    moment = datetime.datetime(2026, 11, 22, 12, tzinfo=datetime.UTC)
    key = validator.validate(REAL_CHAIN.read_bytes(), moment)
    assert key.not_after == datetime.datetime(2027, 2, 10, 23, 59, 59, tzinfo=datetime.UTC)
    assert key.public_key.size == 256  # bytes: RSA-2048


@pytest.mark.parametrize("moment", [
    datetime.datetime(2027, 2, 11, tzinfo=datetime.UTC),
    datetime.datetime(2026, 7, 27, tzinfo=datetime.UTC),
])
def test_the_real_alexa_chain_fails_outside_its_window(moment):
    with pytest.raises(VerificationError, match="'CN=echo-api.amazon.com' is not valid at"):
        ChainValidator(load_roots()).validate(REAL_CHAIN.read_bytes(), moment)


def test_the_real_chain_is_untrusted_without_amazons_root(pki):
    moment = datetime.datetime(2026, 11, 22, 12, tzinfo=datetime.UTC)
    with pytest.raises(VerificationError, match="does not chain to a trusted root"):
        ChainValidator(load_roots(pki.roots_file)).validate(REAL_CHAIN.read_bytes(), moment)


# Whole requests through the app.

def test_a_signed_request_is_answered(verified_app, pki):
    body = body_for()
    response = post(verified_app, body, signed(pki, body))
    assert response.status_code == 200
    assert response.get_json()["response"]["outputSpeech"]["ssml"].startswith("<speak>Welcome")


def test_a_body_changed_after_signing_is_rejected(verified_app, pki):
    body = body_for(intent_request("AMAZON.HelpIntent"))
    headers = signed(pki, body)
    tampered = body.replace(b"AMAZON.HelpIntent", b"AMAZON.StopIntent")
    assert_rejected(post(verified_app, tampered, headers), "Signature-256: does not match")


def test_a_signature_by_another_key_is_rejected(verified_app, pki):
    body = body_for()
    headers = {**signed(pki, body), "Signature-256": pki.signer("untrusted").sign(body)}
    assert_rejected(post(verified_app, body, headers), "Signature-256: does not match")


@pytest.mark.parametrize("chain", [
    "expired", "not-yet-valid", "wrong-san", "wildcard-san", "no-san", "untrusted",
    "stale-intermediate",
])
def test_bad_chains_are_rejected(verified_app, pki, chain):
    body = body_for()
    assert_rejected(post(verified_app, body, signed(pki, body, chain)), "certificate chain")


@pytest.mark.parametrize(("drop", "add", "check"), [
    ("SignatureCertChainUrl", {}, "SignatureCertChainUrl: header is missing"),
    ("Signature-256", {}, "Signature-256: header is missing"),
    ("Signature-256", {"Signature": "c2hhMQ=="}, "Signature-256: header is missing"),
    ("Signature-256", {"Signature-256": "not base64!"}, "Signature-256: header is not base64"),
    ("Signature-256", {"Signature-256": ""}, "Signature-256: header is missing"),
    ("SignatureCertChainUrl", {"SignatureCertChainUrl": "https://evil.com/echo.api/good.pem"},
     "SignatureCertChainUrl: host must be"),
    ("SignatureCertChainUrl", {"SignatureCertChainUrl":
                               "https://s3.amazonaws.com/echo.api/" + "n" * 300 + ".pem"},
     "certificate download: cannot look up '/echo.api/nnnn"),
])
def test_missing_and_malformed_headers_are_rejected(verified_app, pki, drop, add, check):
    body = body_for()
    headers = {k: v for k, v in signed(pki, body).items() if k != drop} | add
    assert_rejected(post(verified_app, body, headers), check)


@pytest.mark.parametrize("header", ["SignatureCertChainUrl", "Signature-256"])
def test_a_verification_header_sent_twice_is_rejected(verified_app, pki, header):
    body = body_for()
    headers = list(signed(pki, body).items()) + [(header, signed(pki, body)[header])]
    assert_rejected(post(verified_app, body, headers),
                    f"{header}: header holds more than one value")


def test_a_header_sent_twice_to_the_real_server_is_rejected(pki):
    env = {"ALEXA_TRUSTED_ROOTS": str(pki.roots_file), "ALEXA_CERT_CACHE_DIR": str(pki.cache_dir)}
    body = body_for()
    with serving(env, FIXTURE_ROUTINES) as (url, process):
        connection = http.client.HTTPConnection(urlsplit(url).netloc, timeout=10)
        connection.putrequest("POST", "/")
        for name, value in [*signed(pki, body).items(), ("SignatureCertChainUrl", pki.url())]:
            connection.putheader(name, value)
        connection.putheader("Content-Type", "application/json")
        connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        error = json.load(response)["error"]
        connection.close()  # a kept-alive connection would hold the server's stop for 2 s
        stop(process)
    assert response.status == 400
    assert error == ("request verification failed: SignatureCertChainUrl: header holds more "
                     "than one value (sent twice?)")


def test_a_wrong_skill_id_is_rejected(verified_app, pki):
    body = body_for(skill_id="amzn1.ask.skill.someone-else")
    assert_rejected(post(verified_app, body, signed(pki, body)), "skill id")


def test_several_skill_ids_may_be_configured(pki):
    other = "amzn1.ask.skill.other"
    app = create_app(verified_settings(pki, skill_ids=frozenset({SKILL_ID, other})))
    for skill_id in (SKILL_ID, other):
        body = body_for(skill_id=skill_id)
        assert post(app, body, signed(pki, body)).status_code == 200


def test_a_replayed_request_is_rejected(verified_app, pki):
    request = launch_request()
    request["timestamp"] = timestamp(NOW - datetime.timedelta(minutes=10))
    body = body_for(request)
    assert_rejected(post(verified_app, body, signed(pki, body)), "timestamp")


def test_a_rejection_is_one_log_line_without_a_traceback(verified_app, pki, caplog):
    body = body_for()
    post(verified_app, body + b" ", signed(pki, body))
    (record,) = [r for r in caplog.records if r.name == "skill.app"]
    assert record.getMessage().startswith("POST / 400 ")
    assert record.getMessage().endswith(
        "error='request rejected: Signature-256: does not match the request body'")
    assert record.exc_info is None


def forged_skill_id(skill_id: str) -> bytes:
    envelope = json.loads(body_for())
    envelope["context"]["System"]["application"]["applicationId"] = skill_id
    return json.dumps(envelope).encode()


# Each body is made when its test runs: one made at collection would be stale (its timestamp
# over 150 s old) by the time a long run reached it, and refused for that instead.
@pytest.mark.parametrize(("body", "headers"), [
    (lambda: forged_skill_id("amzn1.ask.skill." + "x" * 100_000), {}),
    (lambda: forged_skill_id("amzn1.ask.skill.\n" + "\x1b[31m" * 10_000), {}),
    (body_for, {"Signature-256": "c2ln", "SignatureCertChainUrl": "https://" + "h" * 100_000}),
    (body_for, {"Signature-256": "c2ln",
                "SignatureCertChainUrl": "https://s3.amazonaws.com/x" + "/p" * 50_000}),
    (body_for, {"Signature-256": "c2ln",
                "SignatureCertChainUrl": "https://s3.amazonaws.com:" + "9" * 100_000}),
])
def test_a_huge_client_value_makes_a_short_400_and_a_short_log_line(
        verified_app, caplog, body, headers):
    response = post(verified_app, body(), headers)
    assert response.status_code == 400 and len(response.data) < 1000, response.data[:200]
    (record,) = [r for r in caplog.records if r.name == "skill.app"]
    # Bounded whatever the client sent; the request's duration ("0.2 ms", "18.0 ms" on a busy
    # machine) is left out of the count.
    assert len(re.sub(r" [0-9.]+ ms ", " ", record.getMessage(), count=1)) < 400
    assert "characters)" in record.getMessage()  # says how long the value was


@pytest.mark.parametrize(("offset", "passes"), [
    (0, True), (150, True), (-150, True), (151, False), (-151, False), (149.5, True),
])
def test_timestamps_at_the_edges(offset, passes):
    verifier = TimestampVerifier(clock=lambda: NOW + datetime.timedelta(seconds=offset))
    envelope = {"request": {"timestamp": timestamp(NOW)}}
    if passes:
        verifier.verify({}, b"", envelope)
    else:
        with pytest.raises(VerificationError, match="timestamp"):
            verifier.verify({}, b"", envelope)


def test_development_mode_checks_only_the_skill_id(pki):
    app = make_app(pki.folder, skill_ids=frozenset({SKILL_ID}))
    assert post(app, body_for(), {}).status_code == 200
    assert_rejected(post(app, body_for(skill_id="amzn1.ask.skill.x"), {}), "skill id")


# The chain cache.

def test_a_cache_hit_does_no_validation_work(verified_app, pki):
    chains = verified_app.extensions["stretch_coach"]["verification"].chains
    body = body_for()
    post(verified_app, body, signed(pki, body))
    before = chains.validations
    for _ in range(20):
        body = body_for()
        assert post(verified_app, body, signed(pki, body)).status_code == 200
    assert chains.validations == before


def test_the_cache_is_bounded(pki):
    fetched = []

    def fetch(path):
        fetched.append(path)
        return pki.chain("good")

    cache = ChainCache(fetch, ChainValidator(load_roots(pki.roots_file)), max_entries=3)
    for number in range(10):
        cache.key_for(f"/echo.api/chain-{number}.pem", NOW)
    assert len(cache) == 3 and len(fetched) == 10
    cache.key_for("/echo.api/chain-9.pem", NOW)
    assert len(fetched) == 10  # the newest are still there


def test_an_expired_cache_entry_is_validated_again_and_fails(pki):
    cache = ChainCache(lambda path: pki.chain("good"), ChainValidator(load_roots(pki.roots_file)))
    cache.key_for("/echo.api/good.pem", NOW)
    with pytest.raises(VerificationError, match="is not valid at"):
        cache.key_for("/echo.api/good.pem", NOW + datetime.timedelta(days=60))
    assert cache.validations == 1


def test_concurrent_requests_on_a_cold_cache_all_verify(pki):
    app = create_app(verified_settings(pki))
    results = []

    def one():
        body = body_for()
        results.append(post(app, body, signed(pki, body)).status_code)

    threads = [threading.Thread(target=one) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert results == [200] * 16


def test_build_verification_follows_the_settings(pki):
    assert build_verification(Settings(verify=False)).verifiers == []
    checks = build_verification(verified_settings(pki)).verifiers
    assert [type(v).__name__ for v in checks] == [
        "SkillIdVerifier", "TimestampVerifier", "SignatureVerifier"]
