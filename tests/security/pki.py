"""Throwaway certificates for the TLS tests, made with the standard library alone (no
`cryptography`, no `openssl` binary): RSA-2048 keys, X.509 v3 certificates in DER,
signed with sha256WithRSAEncryption (PKCS #1 v1.5).

A CA certificate, and a server certificate it signs for DNS:localhost and IP:127.0.0.1,
are all the tests need. The keys are made fresh for every test session and never leave
its temporary folder.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import ipaddress
import math
import secrets
from dataclasses import dataclass
from pathlib import Path

# ---------------------------------------------------------------------------- RSA keys

_SMALL_PRIMES = [p for p in range(3, 2000) if all(p % d for d in range(2, math.isqrt(p) + 1))]


def _is_probable_prime(n: int, rounds: int = 40) -> bool:
    if any(n % p == 0 for p in _SMALL_PRIMES):
        return n in _SMALL_PRIMES
    d, s = n - 1, 0
    while d % 2 == 0:
        d, s = d // 2, s + 1
    for _ in range(rounds):
        x = pow(secrets.randbelow(n - 3) + 2, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def _prime(bits: int, e: int) -> int:
    while True:
        # The top two bits set make the product of two such primes exactly 2 * bits long.
        candidate = secrets.randbits(bits) | (0b11 << (bits - 2)) | 1
        if math.gcd(candidate - 1, e) == 1 and _is_probable_prime(candidate):
            return candidate


@dataclass(frozen=True)
class RsaKey:
    n: int
    e: int
    d: int
    p: int
    q: int

    @classmethod
    def generate(cls, bits: int = 2048) -> RsaKey:
        e = 65537
        while True:
            p, q = _prime(bits // 2, e), _prime(bits // 2, e)
            if p != q:
                break
        d = pow(e, -1, math.lcm(p - 1, q - 1))
        return cls(p * q, e, d, p, q)

    @property
    def size(self) -> int:
        return (self.n.bit_length() + 7) // 8

    def sign_sha256(self, message: bytes) -> bytes:
        """RSASSA-PKCS1-v1_5 with SHA-256 (RFC 8017, 8.2)."""
        digest_info = _seq(_seq(_oid(SHA256), _null()), _octets(hashlib.sha256(message).digest()))
        padded = b"\x00\x01" + b"\xff" * (self.size - len(digest_info) - 3) + b"\x00" + digest_info
        return pow(int.from_bytes(padded, "big"), self.d, self.n).to_bytes(self.size, "big")

    def public_key_info(self) -> bytes:
        """SubjectPublicKeyInfo (RFC 5280) of an RSAPublicKey (RFC 8017, A.1.1)."""
        return _seq(_seq(_oid(RSA_ENCRYPTION), _null()), _bits(_seq(_int(self.n), _int(self.e))))

    def private_key_pem(self) -> str:
        """RSAPrivateKey (RFC 8017, A.1.2) as PEM, the form OpenSSL loads."""
        der = _seq(
            _int(0),
            *(_int(v) for v in (self.n, self.e, self.d, self.p, self.q)),
            _int(self.d % (self.p - 1)),
            _int(self.d % (self.q - 1)),
            _int(pow(self.q, -1, self.p)),
        )
        return _pem("RSA PRIVATE KEY", der)


# ---------------------------------------------------------------------- DER encoding

RSA_ENCRYPTION = "1.2.840.113549.1.1.1"
SHA256_WITH_RSA = "1.2.840.113549.1.1.11"
SHA256 = "2.16.840.1.101.3.4.2.1"
COMMON_NAME = "2.5.4.3"
SUBJECT_KEY_ID = "2.5.29.14"
KEY_USAGE = "2.5.29.15"
SUBJECT_ALT_NAME = "2.5.29.17"
BASIC_CONSTRAINTS = "2.5.29.19"
AUTHORITY_KEY_ID = "2.5.29.35"
EXT_KEY_USAGE = "2.5.29.37"
SERVER_AUTH = "1.3.6.1.5.5.7.3.1"


def _tlv(tag: int, content: bytes) -> bytes:
    size = len(content)
    if size < 0x80:
        length = bytes([size])
    else:
        raw = size.to_bytes((size.bit_length() + 7) // 8, "big")
        length = bytes([0x80 | len(raw)]) + raw
    return bytes([tag]) + length + content


def _seq(*items: bytes) -> bytes:
    return _tlv(0x30, b"".join(items))


def _set(*items: bytes) -> bytes:
    return _tlv(0x31, b"".join(sorted(items)))


def _int(value: int) -> bytes:
    return _tlv(0x02, value.to_bytes(value.bit_length() // 8 + 1, "big", signed=True))


def _bool(value: bool) -> bytes:
    return _tlv(0x01, b"\xff" if value else b"\x00")


def _null() -> bytes:
    return _tlv(0x05, b"")


def _octets(data: bytes) -> bytes:
    return _tlv(0x04, data)


def _bits(data: bytes, unused: int = 0) -> bytes:
    return _tlv(0x03, bytes([unused]) + data)


def _utf8(text: str) -> bytes:
    return _tlv(0x0C, text.encode())


def _time(moment: datetime.datetime) -> bytes:
    # UTCTime for years before 2050, GeneralizedTime after (RFC 5280, 4.1.2.5).
    if moment.year < 2050:
        return _tlv(0x17, moment.strftime("%y%m%d%H%M%SZ").encode())
    return _tlv(0x18, moment.strftime("%Y%m%d%H%M%SZ").encode())


def _explicit(number: int, content: bytes) -> bytes:
    return _tlv(0xA0 | number, content)


def _oid(dotted: str) -> bytes:
    first, second, *rest = (int(part) for part in dotted.split("."))
    body = bytearray([40 * first + second])
    for arc in rest:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        body.extend(reversed(chunk))
    return _tlv(0x06, bytes(body))


def _name(common_name: str) -> bytes:
    return _seq(_set(_seq(_oid(COMMON_NAME), _utf8(common_name))))


def _extension(oid: str, value: bytes, critical: bool = False) -> bytes:
    return _seq(_oid(oid), *([_bool(True)] if critical else []), _octets(value))


def _pem(label: str, der: bytes) -> str:
    body = base64.b64encode(der).decode()
    lines = [body[i : i + 64] for i in range(0, len(body), 64)]
    return "\n".join([f"-----BEGIN {label}-----", *lines, f"-----END {label}-----", ""])


# ---------------------------------------------------------------------- certificates


@dataclass(frozen=True)
class Certificate:
    der: bytes
    key: RsaKey
    subject: bytes
    key_id: bytes

    @property
    def pem(self) -> str:
        return _pem("CERTIFICATE", self.der)


def _certificate(
    common_name: str,
    key: RsaKey,
    extensions: list[bytes],
    issuer: Certificate | None,
) -> Certificate:
    subject = _name(common_name)
    key_id = hashlib.sha1(key.public_key_info()).digest()
    signer_key = issuer.key if issuer else key
    authority_id = issuer.key_id if issuer else key_id
    now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
    signature_algorithm = _seq(_oid(SHA256_WITH_RSA), _null())
    all_extensions = [
        *extensions,
        _extension(SUBJECT_KEY_ID, _octets(key_id)),
        _extension(AUTHORITY_KEY_ID, _seq(_tlv(0x80, authority_id))),
    ]
    tbs = _seq(
        _explicit(0, _int(2)),  # X.509 v3
        _int(secrets.randbits(63) + 1),
        signature_algorithm,
        issuer.subject if issuer else subject,
        _seq(_time(now - datetime.timedelta(hours=1)), _time(now + datetime.timedelta(days=2))),
        subject,
        key.public_key_info(),
        _explicit(3, _seq(*all_extensions)),
    )
    der = _seq(tbs, signature_algorithm, _bits(signer_key.sign_sha256(tbs)))
    return Certificate(der, key, subject, key_id)


def make_ca(common_name: str) -> Certificate:
    """A self-signed CA: basicConstraints CA:TRUE, keyUsage keyCertSign and cRLSign."""
    return _certificate(
        common_name,
        RsaKey.generate(),
        [
            _extension(BASIC_CONSTRAINTS, _seq(_bool(True)), critical=True),
            # bits 5 (keyCertSign) and 6 (cRLSign): 0b0000_0110, one unused bit.
            _extension(KEY_USAGE, _bits(b"\x06", unused=1), critical=True),
        ],
        issuer=None,
    )


def make_server_certificate(
    ca: Certificate, dns_names: list[str], ip_addresses: list[str]
) -> Certificate:
    """A server certificate that ca signs, for the names and addresses given."""
    alt_names = [_tlv(0x82, name.encode()) for name in dns_names] + [
        _tlv(0x87, ipaddress.ip_address(ip).packed) for ip in ip_addresses
    ]
    return _certificate(
        dns_names[0] if dns_names else ip_addresses[0],
        RsaKey.generate(),
        [
            _extension(BASIC_CONSTRAINTS, _seq(), critical=True),
            # bits 0 (digitalSignature) and 2 (keyEncipherment): 0b1010_0000, five unused.
            _extension(KEY_USAGE, _bits(b"\xa0", unused=5), critical=True),
            _extension(EXT_KEY_USAGE, _seq(_oid(SERVER_AUTH))),
            _extension(SUBJECT_ALT_NAME, _seq(*alt_names)),
        ],
        issuer=ca,
    )


@dataclass(frozen=True)
class Pki:
    """The files the tests use: the CA the programs trust, the proxy's certificate and
    key, and a second CA that did not sign the proxy's certificate."""

    ca_cert: Path
    server_cert: Path
    server_key: Path
    wrong_ca_cert: Path


def write_pki(folder: Path) -> Pki:
    folder.mkdir(parents=True, exist_ok=True)
    ca = make_ca("async-completion test CA")
    server = make_server_certificate(ca, ["localhost"], ["127.0.0.1"])
    wrong_ca = make_ca("async-completion wrong CA")
    pki = Pki(
        ca_cert=folder / "ca.pem",
        server_cert=folder / "server.pem",
        server_key=folder / "server-key.pem",
        wrong_ca_cert=folder / "wrong-ca.pem",
    )
    pki.ca_cert.write_text(ca.pem)
    pki.server_cert.write_text(server.pem)
    pki.server_key.touch(mode=0o600)
    pki.server_key.write_text(server.key.private_key_pem())
    pki.wrong_ca_cert.write_text(wrong_ca.pem)
    return pki
