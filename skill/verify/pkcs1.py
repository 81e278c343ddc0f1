"""RSASSA-PKCS1-v1_5 verification with SHA-256 (RFC 8017 §8.2.2), holding the GIL throughout.

OpenSSL (through `cryptography`) releases the GIL for its ~14 µs of RSA arithmetic; under the
threaded worker every release hands the interpreter to another thread and back, which costs
more than the arithmetic (bench/speed.py measured ~60 µs of CPU per request). GMP's modular
power holds the GIL and takes ~25 µs; Python's own `pow` would hold it too but takes ~160 µs.
The check is the RFC's recommended one: build the expected encoding and compare whole bytes,
never parse the decrypted block, so no malformed padding can be mistaken for a good one.
"""

from __future__ import annotations

import hashlib

import gmpy2
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

# DER of DigestInfo{sha256, NULL} up to the 32 digest bytes (RFC 8017 §9.2, note 1).
SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")
# hashlib releases the GIL for inputs of 2048 bytes or more; feeding it smaller pieces keeps
# the hash in this thread, for the same reason as above.
_HELD_CHUNK = 2047


class Pkcs1Sha256Key:
    """An RSA public key that checks RSASSA-PKCS1-v1_5 SHA-256 signatures."""

    def __init__(self, key: RSAPublicKey):
        numbers = key.public_numbers()
        self.size = (key.key_size + 7) // 8
        padding = self.size - len(SHA256_DIGEST_INFO) - 32 - 3
        if padding < 8:
            raise ValueError(f"an RSA key of {key.key_size} bits is too short for SHA-256")
        self._n, self._e, self._modulus = gmpy2.mpz(numbers.n), gmpy2.mpz(numbers.e), numbers.n
        self._prefix = b"\x00\x01" + b"\xff" * padding + b"\x00" + SHA256_DIGEST_INFO

    def verifies(self, signature: bytes, message: bytes) -> bool:
        """Whether `signature` is this key's signature of `message`."""
        if len(signature) != self.size:
            return False
        s = int.from_bytes(signature, "big")
        if s >= self._modulus:
            return False
        encoded = int(gmpy2.powmod(s, self._e, self._n)).to_bytes(self.size, "big")
        return encoded == self._prefix + _sha256(message)


def _sha256(data: bytes) -> bytes:
    digest = hashlib.sha256()
    view = memoryview(data)
    for start in range(0, len(view), _HELD_CHUNK):
        digest.update(view[start:start + _HELD_CHUNK])
    return digest.digest()
