"""The agency's digital signature on a PDF (PAdES, pyHanko) and its check; a self-signed key pair for trying
it out. Any change to a signed PDF after signing shows: in any PDF reader and in `check_signature`."""

import datetime
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from archive.base.errors import UsageError

SELF_SIGNED_MARK = "自签名证书，仅供试用"
FIELD_NAME = "代办机构签章"


@dataclass(frozen=True)
class SignatureCheck:
    """What a PDF's signature shows: present, untouched since signing, who signed, and whether that is a
    self-signed certificate (trusted only because the package carries it)."""

    signed: bool
    intact: bool = False
    whole_file: bool = False
    signer: str = ""
    self_signed: bool = False

    @property
    def ok(self) -> bool:
        """True when the PDF is signed and nothing changed after the signature."""
        return self.signed and self.intact and self.whole_file


def _fit(text: str, limit: int = 64) -> str:
    while len(text.encode("utf-8")) > limit:
        text = text[:-1]
    return text


def make_self_signed(folder: Path, common_name: str) -> tuple[Path, Path]:
    """Write a new EC P-256 key and a ten-year self-signed certificate for it, labelled for trying out."""
    key = ec.generate_private_key(ec.SECP256R1())
    # The label comes first in the name readers show, so that cutting to X.509's 64 bytes never drops it.
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, _fit(f"{SELF_SIGNED_MARK}：{common_name}")),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, _fit(common_name)),
                      x509.NameAttribute(NameOID.COUNTRY_NAME, "CN")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=3650))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    folder.mkdir(parents=True, exist_ok=True)
    key_path, cert_path = folder / "signing-key.pem", folder / "signing-cert.pem"
    descriptor = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                       serialization.NoEncryption()))
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


def sign_pdf(pdf: Path, key: Path, cert: Path, reason: str, location: str) -> Path:
    """Sign a PDF in place (PAdES baseline B, SHA-256) with the key and certificate: the signature is an
    incremental update appended to the file, so a volume of a gigabyte is not copied again."""
    try:
        signer = signers.SimpleSigner.load(str(key), str(cert))
    except (OSError, ValueError) as exc:
        raise UsageError(f"无法读取签名密钥或证书（{key}，{cert}）：{exc}") from exc
    if signer is None:
        raise UsageError(f"无法读取签名密钥或证书：{key}，{cert}")
    meta = signers.PdfSignatureMetadata(field_name=FIELD_NAME, subfilter=fields.SigSeedSubFilter.PADES,
                                        md_algorithm="sha256", reason=reason, location=location)
    with pdf.open("r+b") as handle:
        signers.sign_pdf(IncrementalPdfFileWriter(handle), meta, signer=signer, in_place=True)
    return pdf


def check_signature(pdf: Path, cert: Path | None = None) -> SignatureCheck:
    """Check the last signature of a PDF: intact and covering the whole file (nothing appended or changed)."""
    try:
        with pdf.open("rb") as handle:
            reader = PdfFileReader(handle, strict=False)
            embedded = reader.embedded_signatures
            if not embedded:
                return SignatureCheck(signed=False)
            signature = embedded[-1]
            roots = [load_cert_from_pemder(str(cert))] if cert else [signature.signer_cert]
            status = validate_pdf_signature(signature, ValidationContext(trust_roots=roots))
    except (OSError, ValueError, PdfError) as exc:
        # A PDF changed after signing may no longer parse as signed: that is a failed check, not a crash.
        return SignatureCheck(signed=True, signer=f"无法读取签名：{exc}")
    cert_used = status.signing_cert
    name = cert_used.subject.native.get("common_name", cert_used.subject.human_friendly)
    return SignatureCheck(True, bool(status.intact), status.coverage.name == "ENTIRE_FILE", name,
                          cert_used.self_signed != "no")
