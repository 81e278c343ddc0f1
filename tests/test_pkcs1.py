"""The signature check gives OpenSSL's verdict on every signature, good, tampered or forged."""

from __future__ import annotations

import hashlib
import os

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from hypothesis import given, settings
from hypothesis import strategies as st

from skill.verify.pkcs1 import SHA256_DIGEST_INFO, Pkcs1Sha256Key

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
BODY = b'{"version":"1.0","request":{"type":"IntentRequest"}}' * 60  # > 2 KB: hashed in pieces


def openssl_accepts(signature: bytes, body: bytes, key=KEY) -> bool:
    try:
        key.public_key().verify(signature, body, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True


def ours_accepts(signature: bytes, body: bytes, key=KEY) -> bool:
    return Pkcs1Sha256Key(key.public_key()).verifies(signature, body)


def raw_sign(encoded: bytes, key=KEY) -> bytes:
    """The RSA private operation on a block of our choosing: how a forger shapes a signature."""
    numbers = key.private_numbers()
    value = pow(int.from_bytes(encoded, "big"), numbers.d, numbers.public_numbers.n)
    return value.to_bytes(256, "big")


def sign(body: bytes, key=KEY, scheme=None, digest=None) -> bytes:
    return key.sign(body, scheme or padding.PKCS1v15(), digest or hashes.SHA256())


def block(*, kind=b"\x01", fill=b"\xff", separator=b"\x00", info=SHA256_DIGEST_INFO,
          digest=None, tail=b"") -> bytes:
    """An encoded message of 256 bytes with each part replaceable."""
    t = info + (digest if digest is not None else hashlib.sha256(BODY).digest()) + tail
    return b"\x00" + kind + fill * (256 - len(t) - 3) + separator + t


def test_the_proper_block_signed_raw_is_a_good_signature_to_both():
    assert raw_sign(block()) == sign(BODY)
    assert ours_accepts(raw_sign(block()), BODY) and openssl_accepts(raw_sign(block()), BODY)


GOOD = sign(BODY)
CASES = {
    "good": (GOOD, BODY),
    "empty body": (sign(b""), b""),
    "a byte of the body changed": (GOOD, BODY[:-1] + b"!"),
    "body one byte longer": (GOOD, BODY + b" "),
    "body one byte shorter": (GOOD, BODY[:-1]),
    "another key's signature": (sign(BODY, OTHER_KEY), BODY),
    "SHA-1 signature": (sign(BODY, digest=hashes.SHA1()), BODY),
    "SHA-512 signature": (sign(BODY, digest=hashes.SHA512()), BODY),
    "PSS signature": (sign(BODY, scheme=padding.PSS(padding.MGF1(hashes.SHA256()), 32)), BODY),
    "empty signature": (b"", BODY),
    "one byte short": (GOOD[1:], BODY),
    "one byte long": (b"\x00" + GOOD, BODY),
    "all zeros": (bytes(256), BODY),
    "one": ((1).to_bytes(256, "big"), BODY),
    "the modulus": (KEY.public_key().public_numbers().n.to_bytes(256, "big"), BODY),
    "the modulus plus one": ((KEY.public_key().public_numbers().n + 1).to_bytes(256, "big"), BODY),
    "all ones": (b"\xff" * 256, BODY),
    "block type 2": (raw_sign(block(kind=b"\x02")), BODY),
    "padding not all 0xff": (raw_sign(block(fill=b"\xfe")), BODY),
    "no zero separator": (raw_sign(block(separator=b"\x01")), BODY),
    "DigestInfo without NULL parameters": (
        raw_sign(block(info=bytes.fromhex("302f300b0609608648016503040201") + b"\x04\x20")), BODY),
    "SHA-1 DigestInfo around a SHA-256 digest": (
        raw_sign(block(info=bytes.fromhex("3021300906052b0e03021a05000414"))), BODY),
    "garbage after the digest": (raw_sign(block(tail=b"\x00" * 8)), BODY),
    "digest of another body": (raw_sign(block(digest=hashlib.sha256(b"x").digest())), BODY),
}


@pytest.mark.parametrize("name", CASES)
def test_the_verdict_is_openssls(name):
    signature, body = CASES[name]
    assert ours_accepts(signature, body) == openssl_accepts(signature, body)
    assert ours_accepts(signature, body) == (name in ("good", "empty body"))


@settings(max_examples=300, deadline=None)
@given(position=st.integers(0, 255), bit=st.integers(0, 7))
def test_any_flipped_bit_of_a_signature_is_refused(position, bit):
    flipped = bytearray(GOOD)
    flipped[position] ^= 1 << bit
    assert not ours_accepts(bytes(flipped), BODY)
    assert not openssl_accepts(bytes(flipped), BODY)


@settings(max_examples=50, deadline=None)
@given(body=st.binary(max_size=6000))
def test_any_body_signed_is_accepted_and_refused_for_any_other(body):
    signature = sign(body)
    assert ours_accepts(signature, body)
    assert not ours_accepts(signature, body + b"\x00")


@pytest.mark.parametrize("bits", [1024, 3072, 4096])
def test_other_key_sizes_agree_too(bits):
    key = rsa.generate_private_key(public_exponent=65537, key_size=bits)
    body = os.urandom(3000)
    signature = sign(body, key)
    assert ours_accepts(signature, body, key) and openssl_accepts(signature, body, key)
    assert not ours_accepts(signature, body[1:], key)


def test_a_key_too_short_for_a_sha256_signature_is_refused_when_loaded():
    short = rsa.RSAPublicNumbers(65537, (1 << 383) + 3).public_key()
    with pytest.raises(ValueError, match="384 bits is too short"):
        Pkcs1Sha256Key(short)
