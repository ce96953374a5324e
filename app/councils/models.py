"""The register of councils and which have signed the Local Digital Declaration."""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db, enum_type



class CouncilKind(enum.StrEnum):
    COUNTY = "county"
    DISTRICT = "district"
    UNITARY = "unitary"
    METROPOLITAN = "metropolitan"
    LONDON_BOROUGH = "london_borough"
    WELSH = "welsh"
    SCOTTISH = "scottish"
    NORTHERN_IRISH = "northern_irish"

    @property
    def label(self) -> str:
        return {
            "county": "County council",
            "district": "District council",
            "unitary": "Unitary authority",
            "metropolitan": "Metropolitan borough",
            "london_borough": "London borough",
            "welsh": "Welsh authority",
            "scottish": "Scottish council",
            "northern_irish": "Northern Ireland council",
        }[self.value]


class Nation(enum.StrEnum):
    ENGLAND = "england"
    WALES = "wales"
    SCOTLAND = "scotland"
    NORTHERN_IRELAND = "northern_ireland"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").title()

    @classmethod
    def from_gss_code(cls, code: str) -> "Nation":
        """The nation a GSS code belongs to, from its first letter."""
        return {"E": cls.ENGLAND, "W": cls.WALES, "S": cls.SCOTLAND, "N": cls.NORTHERN_IRELAND}[
            code[0]
        ]


class Council(db.Model):
    """A local authority; only signatories may nominate staff."""

    __tablename__ = "council"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    #: Government Statistical Service code, e.g. E07000223.
    gss_code: Mapped[str] = mapped_column(String(9), unique=True)
    kind: Mapped[CouncilKind] = mapped_column(
        enum_type(CouncilKind, 20)
    )
    nation: Mapped[Nation] = mapped_column(
        enum_type(Nation, 20)
    )
    #: The date the council signed the Local Digital Declaration; None if it has not.
    signed_on: Mapped[date | None]

    @property
    def is_signatory(self) -> bool:
        return self.signed_on is not None

    def signed_by(self, day: date) -> bool:
        """Whether the council had signed on or before the given day."""
        return self.signed_on is not None and self.signed_on <= day

    def __repr__(self) -> str:
        return f"<Council {self.gss_code} {self.name}>"
