"""Certificates of completion and what they were made from."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, Text, and_, text
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.exports import slug
from app.extensions import db
from app.timeutil import utcnow


class Certificate(db.Model):
    """One issued certificate. Revoked and superseded ones stay, so their codes still verify."""

    __tablename__ = "certificate"
    __table_args__ = (
        # Never two valid certificates for one enrolment, even when two requests race.
        Index(
            "uq_certificate_valid_enrolment",
            "enrolment_id",
            unique=True,
            sqlite_where=text("revoked_at IS NULL AND superseded_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL AND superseded_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id"), index=True)
    #: What anyone types or scans to check it: DLP-XXXX-XXXX-XXXX-XXXX.
    code: Mapped[str] = mapped_column(String(30), unique=True)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: None when issued automatically, as the last criterion was met.
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    design: Mapped[str] = mapped_column(String(50), default="default")
    #: The plain data the PDF was rendered from, so it can be made again exactly.
    context: Mapped[dict] = mapped_column(JSON)
    storage_key: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    revoked_at: Mapped[datetime | None]
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    revoked_reason: Mapped[str | None] = mapped_column(Text)
    #: Set when a reissue (a corrected name, say) replaced this certificate.
    superseded_at: Mapped[datetime | None]
    superseded_by_id: Mapped[int | None] = mapped_column(ForeignKey("certificate.id"))

    enrolment = relationship("Enrolment", lazy="joined")
    superseded_by = relationship("Certificate", remote_side=[id])

    @hybrid_property
    def is_valid(self) -> bool:
        """Neither revoked nor superseded: the one that stands."""
        return self.revoked_at is None and self.superseded_at is None

    @is_valid.inplace.expression
    @classmethod
    def _is_valid_expression(cls):
        return and_(cls.revoked_at.is_(None), cls.superseded_at.is_(None))

    @property
    def state(self) -> str:
        """'valid', 'revoked' or 'superseded'."""
        if self.revoked_at is not None:
            return "revoked"
        if self.superseded_at is not None:
            return "superseded"
        return "valid"

    @property
    def tag_colour(self) -> str:
        """The govuk-tag colour class its state shows in on the people report."""
        return "govuk-tag--red" if self.state == "revoked" else "govuk-tag--grey"

    @property
    def filename(self) -> str:
        """The PDF's download name."""
        return f"certificate-{slug(self.context['participant_name'])}-{self.code}.pdf"
