"""The directory tables (SQLAlchemy 1.4, 2.0-style usage).

Every table name starts with `directory_` so the directory can live in a database shared with other
components. Tags are rows, not comma lists, so the database itself filters by need and nation.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Date, ForeignKey, Integer, String, Text, Time
from sqlalchemy.orm import registry, relationship

mapper_registry = registry()
Base = mapper_registry.generate_base()
metadata = Base.metadata


def _tag_table(name: str, column: str) -> type:
    """A (service_id, tag) table: needs, nations, audiences served and languages."""
    return type(
        name,
        (Base,),
        {
            "__tablename__": f"directory_service_{column}s",
            "service_id": Column(String(64), ForeignKey("directory_services.id", ondelete="CASCADE"), primary_key=True),
            column: Column(String(40), primary_key=True, index=True),
        },
    )


ServiceNeed = _tag_table("ServiceNeed", "need")
ServiceNation = _tag_table("ServiceNation", "nation")
ServiceAudience = _tag_table("ServiceAudience", "audience")
ServiceLanguage = _tag_table("ServiceLanguage", "language")


class Service(Base):
    __tablename__ = "directory_services"

    id = Column(String(64), primary_key=True)
    name = Column(String(200), nullable=False, unique=True)
    short_name = Column(String(80), nullable=False)
    summary = Column(Text, nullable=False, default="")
    area = Column(String(200))
    kind = Column(String(40), nullable=False)
    run_by = Column(String(200))
    government = Column(String(200))
    sharing = Column(Text, nullable=False, default="")
    notes = Column(Text)
    always_open = Column(Boolean, nullable=False, default=False)
    hours_note = Column(Text)
    interpreting = Column(Boolean)
    languages_note = Column(Text)
    only_for_speakers = Column(Boolean, nullable=False, default=False)
    reachable = Column(Boolean, nullable=False, default=False, index=True)
    last_verified = Column(Date, nullable=False)
    # When the newest source showing the contacts was published ("2020-05"); None when unknown.
    source_date = Column(String(10))
    # A short label for SMS lines (e.g. "Home Office-funded"), so funding shows on every channel.
    sms_label = Column(String(80))
    # {"british_sign_language": "Mon-Fri 10am-6pm (2021)"}: a language offered for fewer hours.
    language_hours = Column(Text)

    needs = relationship(ServiceNeed, cascade="all, delete-orphan", lazy="selectin")
    nations = relationship(ServiceNation, cascade="all, delete-orphan", lazy="selectin")
    audiences = relationship(ServiceAudience, cascade="all, delete-orphan", lazy="selectin")
    languages = relationship(ServiceLanguage, cascade="all, delete-orphan", lazy="selectin")
    contacts = relationship("Contact", cascade="all, delete-orphan", lazy="selectin", order_by="Contact.position")
    hours = relationship("HoursRange", cascade="all, delete-orphan", lazy="selectin", order_by="HoursRange.position")
    sources = relationship("Source", cascade="all, delete-orphan", lazy="selectin", order_by="Source.position")


class Contact(Base):
    """A way to reach a service. Unconfirmed ones are stored for review and never shown."""

    __tablename__ = "directory_contacts"

    id = Column(Integer, primary_key=True, autoincrement=True)
    service_id = Column(String(64), ForeignKey("directory_services.id", ondelete="CASCADE"), nullable=False, index=True)
    position = Column(Integer, nullable=False)
    type = Column(String(20), nullable=False)
    value = Column(String(300), nullable=False)
    note = Column(Text)
    confirmed = Column(Boolean, nullable=False, default=True)
    source_date = Column(String(10))  # this contact's own source date (defaults to the service's)


class HoursRange(Base):
    """One weekly opening range in Europe/London time (day 0 = Monday)."""

    __tablename__ = "directory_hours"

    id = Column(Integer, primary_key=True, autoincrement=True)
    service_id = Column(String(64), ForeignKey("directory_services.id", ondelete="CASCADE"), nullable=False, index=True)
    position = Column(Integer, nullable=False)
    day = Column(Integer, nullable=False)
    opens = Column(Time, nullable=False)
    closes = Column(Time, nullable=False)


class Source(Base):
    __tablename__ = "directory_sources"

    id = Column(Integer, primary_key=True, autoincrement=True)
    service_id = Column(String(64), ForeignKey("directory_services.id", ondelete="CASCADE"), nullable=False, index=True)
    position = Column(Integer, nullable=False)
    url = Column(String(500), nullable=False)


class DirectoryMeta(Base):
    """Which version of the data file is loaded (its SHA-256), so restarts skip identical reloads."""

    __tablename__ = "directory_meta"

    key = Column(String(40), primary_key=True)
    value = Column(String(200), nullable=False)
