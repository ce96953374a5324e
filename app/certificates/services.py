"""Issuing, revoking, reissuing and checking certificates."""

from __future__ import annotations

import hashlib
import os
import zipfile
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from multiprocessing import get_context
from typing import Iterator

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import lazyload

from app.audit.services import record
from app.auth.models import Role, User
from app.certificates.codes import new_code, normalise_code
from app.certificates.models import Certificate
from app.certificates.designs import design_folder
from app.cohorts.models import Cohort, Enrolment, EnrolmentStatus
from app.cohorts.services import may_run
from app.errors import DomainError
from app.exports import file_name
from app.extensions import db
from app.mail.services import Attachment, queue_email
from app.storage import save_in_transaction, storage
from app.timeutil import format_date, utcnow
from app.urls import absolute_url


class CertificateError(DomainError):
    """A certificate rule was broken."""


def valid_certificate(enrolment: Enrolment) -> Certificate | None:
    """The enrolment's certificate that stands, if it has one."""
    return db.session.scalar(
        select(Certificate).where(
            Certificate.enrolment_id == enrolment.id,
            Certificate.is_valid,
        )
    )


def revoked_enrolment_ids(enrolment_ids) -> set[int]:
    """The enrolments whose certificate was revoked and not since reissued. A revocation
    stands until the programme team reissues: nothing issues them a certificate by itself."""
    return set(db.session.scalars(
        select(Certificate.enrolment_id).where(
            Certificate.enrolment_id.in_(list(enrolment_ids)),
            Certificate.revoked_at.is_not(None),
            Certificate.superseded_at.is_(None),
        )
    ))


def find_by_code(typed: str) -> Certificate | None:
    """The certificate with the code as typed (any case or spacing), if there is one. What
    checking it shows is all in its own row, so nothing related is loaded with it."""
    code = normalise_code(typed)
    if code is None:
        return None
    return db.session.scalar(select(Certificate).where(Certificate.code == code).options(lazyload("*")))


def find_by_pdf(data: bytes) -> Certificate | None:
    """The certificate this exact file was issued as, if any."""
    digest = hashlib.sha256(data).hexdigest()
    return db.session.scalar(select(Certificate).where(Certificate.sha256 == digest).options(lazyload("*")))


def certificate_context(enrolment: Enrolment, code: str, *, name: str | None = None, on: datetime | None = None) -> dict:
    """The plain data a certificate shows: no ORM objects, so it can be stored and reused."""
    cohort = enrolment.cohort
    user = enrolment.user
    return {
        "programme": current_app.config["SERVICE_NAME"],
        "participant_name": name or user.name,
        "council_name": user.council.name if user.council else "",
        "course_title": cohort.course_version.title,
        "cohort_name": cohort.name,
        "completed_on": format_date(on or utcnow()),
        "modules": [module.title for module in cohort.course_version.modules],
        "code": code,
        "verify_url": absolute_url("certificates.verify_code", code=code),
    }


def _store(enrolment: Enrolment, context: dict, pdf: bytes, actor) -> Certificate | None:
    """Record a rendered certificate; None if another request issued one first."""
    key = save_in_transaction("certificates", ".pdf", pdf)
    certificate = Certificate(
        enrolment_id=enrolment.id, code=context["code"], issued_by_id=actor.id if actor else None,
        context=context, storage_key=key, sha256=hashlib.sha256(pdf).hexdigest(), issued_at=utcnow(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(certificate)
    except IntegrityError:  # the partial unique index: a valid certificate already exists
        storage().delete(key)
        return None
    enrolment.status = EnrolmentStatus.COMPLETED
    record(actor, "certificate.issued", certificate, {"code": certificate.code, "participant": enrolment.user.email})
    _send(certificate, enrolment, pdf)
    return certificate


def _send(certificate: Certificate, enrolment: Enrolment, pdf: bytes) -> None:
    queue_email(
        to=enrolment.user.email, kind="certificate", template="certificates/certificate", user=enrolment.user,
        dedupe_key=f"certificate:{certificate.code}",
        context={"certificate": certificate, "verify_url": certificate.context["verify_url"],
                 "link": absolute_url("certificates.mine")},
        attachments=(Attachment(certificate.filename, "application/pdf", pdf),),
    )


def _rendering():
    """app.certificates.rendering, imported when this process first renders a certificate:
    WeasyPrint costs a process some 40 MB, and the sweep renders in worker processes of its
    own (issue_many), so the scheduler and most web workers never hold it."""
    from app.certificates import rendering

    return rendering


def issue_certificate(enrolment: Enrolment, *, actor: User | None = None) -> Certificate:
    """The enrolment's valid certificate, issued now if it has none. Idempotent under races."""
    existing = valid_certificate(enrolment)
    if existing is not None:
        return existing
    if revoked_enrolment_ids([enrolment.id]):
        raise CertificateError(f"{enrolment.user.name}'s certificate was revoked: reissue it from its page to restore it")
    context = certificate_context(enrolment, new_code())
    return _store(enrolment, context, _rendering().render_pdf(context), actor) or valid_certificate(enrolment)


def issue_many(enrolments: list[Enrolment], *, actor: User | None) -> list[Certificate]:
    """Issue certificates for many enrolments, rendering on every core at once."""
    revoked = revoked_enrolment_ids(e.id for e in enrolments)
    todo = [e for e in enrolments if e.id not in revoked and valid_certificate(e) is None]
    if not todo:
        return []
    contexts = [certificate_context(e, new_code()) for e in todo]
    folders = [design_folder("default")] * len(contexts)
    # Spawned, not forked: the web process has threads and open database connections.
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 2, mp_context=get_context("spawn")) as pool:
        pdfs = list(pool.map(_rendering().render_in_folder, contexts, folders))
    stored = (_store(e, context, pdf, actor) for e, context, pdf in zip(todo, contexts, pdfs))
    return [certificate for certificate in stored if certificate is not None]


def revoke(certificate: Certificate, *, actor: User, reason: str) -> None:
    """Revoke a valid certificate, with the reason the verification page gives."""
    if certificate.state != "valid":
        raise CertificateError("Only a valid certificate can be revoked", field="reason")
    certificate.revoked_at = utcnow()
    certificate.revoked_by_id = actor.id
    certificate.revoked_reason = reason.strip()
    if certificate.enrolment.status is EnrolmentStatus.COMPLETED:
        certificate.enrolment.status = EnrolmentStatus.ACTIVE
    record(actor, "certificate.revoked", certificate, {"code": certificate.code, "reason": reason.strip()})


def reissue(certificate: Certificate, *, actor: User, name: str) -> Certificate:
    """A new certificate with a new code (a corrected name, say, or restoring a revoked one);
    the old one is superseded."""
    if certificate.superseded_at is not None:
        raise CertificateError("This certificate was already replaced: reissue its replacement", field="name")
    certificate.superseded_at = utcnow()
    db.session.flush()
    enrolment = certificate.enrolment
    context = certificate_context(enrolment, new_code(), name=name.strip())
    context["completed_on"] = certificate.context["completed_on"]
    replacement = _store(enrolment, context, _rendering().render_pdf(context), actor)
    if replacement is None:  # another reissue of it committed while this one waited
        raise CertificateError("This certificate was already replaced: reissue its replacement", field="name")
    certificate.superseded_by_id = replacement.id
    record(actor, "certificate.reissued", certificate, {
        "name": [certificate.context["participant_name"], name.strip()], "new_code": replacement.code,
    })
    return replacement


def certificates_of(user: User) -> list[Certificate]:
    """Every certificate issued to the user, newest first."""
    return list(db.session.scalars(
        select(Certificate).join(Enrolment).where(Enrolment.user_id == user.id)
        .order_by(Certificate.issued_at.desc())
    ))


def valid_certificates_of(cohort: Cohort) -> list[Certificate]:
    """The cohort's valid certificates, oldest first."""
    return list(db.session.scalars(
        select(Certificate).join(Enrolment).where(Enrolment.cohort_id == cohort.id, Certificate.is_valid)
        .order_by(Certificate.id)
    ))


def zip_name(cohort: Cohort) -> str:
    """The download name of a cohort's certificates ZIP."""
    return file_name(cohort.name, "certificates", suffix=".zip")


def may_download(user: User, certificate: Certificate) -> bool:
    """The holder, their council lead, their cohort's facilitators and admins may download it."""
    enrolment = certificate.enrolment
    if user.has_role(Role.ADMIN) or enrolment.user_id == user.id:
        return True
    if user.has_role(Role.COUNCIL_LEAD) and user.council_id is not None:
        if enrolment.user.council_id == user.council_id:
            return True
    return user.has_role(Role.FACILITATOR) and may_run(user, enrolment.cohort)



class _Sink:
    """A write-only file for ZipFile that hands each written chunk to the response."""

    def __init__(self):
        self.chunks: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data, self.chunks = b"".join(self.chunks), []
        return data


def zip_stream(certificates: list[Certificate]) -> Iterator[bytes]:
    """Yield a ZIP of the certificates one file at a time: memory holds one PDF, not all."""
    sink = _Sink()
    with zipfile.ZipFile(sink, mode="w", compression=zipfile.ZIP_STORED) as archive:
        for certificate in certificates:
            with storage().open(certificate.storage_key) as source, archive.open(certificate.filename, "w") as target:
                while chunk := source.read(64 * 1024):
                    target.write(chunk)
                    yield sink.take()
    yield sink.take()
