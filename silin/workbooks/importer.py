"""The import engine: streams a register sheet in batches, checks every row, and (when
writing) creates and updates residents with bulk statements.

Memory stays flat: rows are read with openpyxl's read-only stream and handled a batch at a
time; what is kept for the whole file is one small entry per ID number and record seen (to
find duplicates inside the file), the places touched, and the errors.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from itertools import islice
from typing import IO, Any

from django.utils import timezone

from silin.core.audit import MASK
from silin.core.bulk import RowWriter
from silin.core.models import AuditEntry
from silin.lib import crypto, masking
from silin.people.models import Resident, Tag
from silin.places.models import Household
from silin.workbooks import columns as c
from silin.workbooks.messages import row_error
from silin.workbooks.places import Places
from silin.workbooks.reader import open_register
from silin.workbooks.rows import KEEP, Row, RowError, RowParser

BATCH = 1000
PREVIEW_LIMIT = 200
REPORT_ERRORS = 300
EXISTING_FIELDS = (
    "id",
    "uuid",
    "name",
    "gender",
    "birth_date",
    "household_id",
    "community_id",
    "relation",
    "status",
    "note",
    "id_number_encrypted",
    "id_number_hash",
    "mobile_encrypted",
    "mobile_hash",
    "household__compound_id",
    "community__street_id",
)
RESIDENT_COLUMNS = (
    "id",
    "uuid",
    "name",
    "gender",
    "birth_date",
    "id_number_encrypted",
    "id_number_hash",
    "mobile_encrypted",
    "mobile_hash",
    "household_id",
    "community_id",
    "relation",
    "status",
    "status_changed_at",  # the retention period of a former resident runs from it
    "note",
    "created_at",
    "updated_at",
)
AUDIT_COLUMNS = (
    "uuid",
    "created_at",
    "actor_id",
    "actor_label",
    "action",
    "object_type",
    "object_uuid",
    "object_label",
    "street_id",
    "community_id",
    "compound_id",
    "node_label",
    "changes",
    "detail",
    "ip_address",
)
PLAIN_FIELDS = ("name", "gender", "birth_date", "relation", "status", "note")


class Cancelled(Exception):
    """The worker cancelled the import; the transaction is rolled back."""


@dataclass
class Outcome:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    households: int = 0
    errors: dict[int, list[RowError]] = field(default_factory=dict)
    error_count: int = 0
    preview: list[dict] = field(default_factory=list)

    def report(self) -> dict:
        """The first errors (as codes and params, rendered when shown) and the preview."""
        listed = []
        for number, errors in self.errors.items():
            for error in errors:
                listed.append(row_error(number, error.column, error.code, error.params))
                if len(listed) >= REPORT_ERRORS:
                    return {"errors": listed, "preview": self.preview}
        return {"errors": listed, "preview": self.preview}


@dataclass
class Plan:
    row: Row
    household_key: tuple[int, str, str, str]
    existing: dict[str, Any] | None = None
    changes: dict[str, list[Any]] = field(default_factory=dict)
    tag_ids: list[int] = field(default_factory=list)

    @property
    def target(self) -> dict[str, Any]:
        """The resident row written: the one updated, or (once created) the new one."""
        if self.existing is None:
            raise LookupError(f"row {self.row.number} has no resident yet")
        return self.existing

    @property
    def birth_date(self) -> dt.date:
        """A planned row passed every check, so it has its date of birth."""
        if self.row.birth_date is None:
            raise ValueError(f"row {self.row.number} has no date of birth")
        return self.row.birth_date


ProgressFn = Callable[[Outcome, int], bool]  # (outcome, rows written) -> cancel requested?


class Importer:
    def __init__(self, *, actor, job, write: bool, progress: ProgressFn) -> None:
        self.actor = actor
        self.job = job
        self.write = write
        self.progress = progress
        self.places = Places(actor)
        self.tags = {t.code: t for t in Tag.objects.all()}
        self.tag_by_id = {t.pk: t for t in self.tags.values()}
        self.seen_ids: dict[bytes, int] = {}
        self.seen_records: dict[str, int] = {}
        self.outcome = Outcome()
        self.written = 0
        self.now = timezone.now()
        authenticated = getattr(actor, "is_authenticated", False)
        self.actor_id = actor.pk if authenticated else None
        self.actor_label = str(actor)[:120] if authenticated else ""

    def _tag_names(self) -> dict[str, str]:
        names: dict[str, str] = {}
        for tag in self.tags.values():
            for label in (tag.code, tag.name, tag.name_en):
                names[label.lower()] = tag.code
        return names

    def run(self, stream: IO[bytes]) -> Outcome:
        sheet = open_register(stream)
        try:
            parser = RowParser(sheet.columns, self._tag_names())
            rows = sheet.rows()
            for batch in _batches(rows):
                self._batch([parser.parse(n, values) for n, values in batch])
                if self.progress(self.outcome, self.written):
                    raise Cancelled
        finally:
            sheet.close()
        if not self.write:
            self.outcome.households = len(self.places.new_households)
        return self.outcome

    def _batch(self, rows: list[Row]) -> None:
        out = self.outcome
        out.rows += len(rows)
        keys = {row.number: self.places.resolve(row) for row in rows}
        existing = self._existing(rows)
        plans = []
        for row in rows:
            plan = self._plan(row, keys[row.number], existing)
            if row.errors:
                out.errors[row.number] = row.errors
                out.error_count += len(row.errors)
            elif plan is not None:
                plans.append(plan)
        if self.write and not out.errors:
            self._write(plans)

    # --- matching -----------------------------------------------------------------------------
    def _existing(self, rows: list[Row]) -> dict[str, dict]:
        hashes = {r.id_hash for r in rows if r.id_hash}
        records = {r.record for r in rows if r.record and not r.has_error("record")}
        if not hashes and not records:
            return {}
        found: dict[str, dict] = {}
        fields = (*EXISTING_FIELDS, "status_changed_at")
        # Two indexed look-ups: one query with OR scans the whole register on SQLite. The
        # ID hash index is partial (non-empty hashes); the exclude lets the planner use it.
        by_hash = Resident.objects.filter(id_number_hash__in=hashes).exclude(id_number_hash="")
        by_record = Resident.objects.filter(uuid__in=records)
        values = [
            *(by_hash.values(*fields) if hashes else []),
            *(by_record.values(*fields) if records else []),
        ]
        for item in values:
            item["tag_ids"] = set()
            found["uuid:" + str(item["uuid"])] = item
            if item["id_number_hash"]:
                found["id:" + item["id_number_hash"]] = item
        by_pk = {item["id"]: item for item in found.values()}
        links = Resident.tags.through.objects.filter(resident_id__in=by_pk)
        for resident_id, tag_id in links.values_list("resident_id", "tag_id"):
            by_pk[resident_id]["tag_ids"].add(tag_id)
        return found

    def _duplicates(self, row: Row) -> None:
        if row.id_hash:
            # 16 bytes of the keyed hash per ID number seen: the one thing kept per row.
            first = self.seen_ids.setdefault(bytes.fromhex(row.id_hash[:32]), row.number)
            if first != row.number:
                row.error("id_number", "id_number.duplicate", n=first)
        if row.record:
            first = self.seen_records.setdefault(row.record, row.number)
            if first != row.number:
                row.error("record", "record.duplicate", n=first)

    def _match(self, row: Row, existing: dict[str, dict]) -> dict | None:
        by_record = existing.get("uuid:" + row.record) if row.record else None
        by_id = existing.get("id:" + row.id_hash) if row.id_hash else None
        if row.record and (by_record is None or not self._in_scope(by_record)):
            row.error("record", "record.not_found")
            return None
        other = by_id is not None and (by_record is None or by_id["id"] != by_record["id"])
        if by_id is not None and other and (by_record is not None or not self._in_scope(by_id)):
            row.error("id_number", "id_number.taken")
            return None
        target = by_record or by_id
        if target is None and KEEP in (row.id_number, row.mobile):
            key = "id_number" if row.id_number == KEEP else "mobile"
            row.error(key, "masked.no_resident")
        return target

    def _in_scope(self, item: dict) -> bool:
        return self.places.covers(
            item["community_id"], item["household__compound_id"], item["community__street_id"]
        )

    def _plan(self, row: Row, key, existing: dict[str, dict]) -> Plan | None:
        self._duplicates(row)
        target = self._match(row, existing)
        tag_ids = [self.tags[code].pk for code in dict.fromkeys(row.tags)]
        if row.errors or key is None:
            return None
        plan = Plan(row=row, household_key=key, existing=target, tag_ids=tag_ids)
        if target is None:
            self.outcome.created += 1
            return plan
        if row.keep_sensitive:
            kept = {t for t in target["tag_ids"] if self.tag_by_id[t].sensitive}
            plan.tag_ids = sorted(set(tag_ids) | kept)
        plan.changes = self._changes(plan)
        if not plan.changes:
            self.outcome.unchanged += 1
            return None
        self.outcome.updated += 1
        if len(self.outcome.preview) < PREVIEW_LIMIT:
            self.outcome.preview.append(self._preview(plan))
        return plan

    def _changes(self, plan: Plan) -> dict[str, list[Any]]:
        row, old = plan.row, plan.existing or {}
        changes: dict[str, list[Any]] = {}
        for name in PLAIN_FIELDS:
            if getattr(row, name) != old[name]:
                changes[name] = [old[name], getattr(row, name)]
        if self.places.household_id(plan.household_key) != old["household_id"]:
            changes["household"] = [old["household_id"], plan.household_key]
        for name, hash_field in (("id_number", "id_hash"), ("mobile", "mobile_hash")):
            value = getattr(row, name)
            if value != KEEP and getattr(row, hash_field) != old[f"{name}_hash"]:
                changes[name] = [old[f"{name}_encrypted"], value]
        if set(plan.tag_ids) != old["tag_ids"]:
            changes["tags"] = [sorted(old["tag_ids"]), sorted(plan.tag_ids)]
        return changes

    # --- what the worker sees before confirming --------------------------------------------
    def _show(self, name: str, value: Any) -> str:
        if value is None or value == "":
            return ""
        if name == "id_number":
            return masking.mask_id_number(crypto.decrypt(value) if len(value) > 20 else value)
        if name == "mobile":
            return masking.mask_mobile(crypto.decrypt(value) if len(value) > 11 else value)
        if name == "tags":
            tags = [self.tag_by_id[t] for t in value]
            return "、".join(MASK if t.sensitive else t.name for t in tags)
        if name == "household":
            return self._address(value)
        if name == "gender":
            return c.label_of(c.GENDERS, value)
        if name == "relation":
            return c.label_of(c.RELATIONS, value)
        if name == "status":
            return c.label_of(c.STATUSES, value)
        return str(value)

    def _address(self, value) -> str:
        if isinstance(value, tuple):
            compound = self.places.compound_of(value)
            return f"{compound.name} {value[1]}-{value[2]}-{value[3]}"
        household = Household.objects.select_related("compound", "unit__building").get(pk=value)
        return household.address_short

    def _preview(self, plan: Plan) -> dict:
        return {
            "row": plan.row.number,
            "name": plan.row.name,
            "changes": [
                [name, self._show(name, old), self._show(name, new)]
                for name, (old, new) in plan.changes.items()
            ],
        }

    # --- writing ------------------------------------------------------------------------------
    def _write(self, plans: list[Plan]) -> None:
        self.outcome.households += self.places.create_households({p.household_key for p in plans})
        creates = [p for p in plans if p.existing is None]
        updates = [p for p in plans if p.existing is not None]
        self._create(creates)
        self._update(updates)
        self.writer.insert(AuditEntry, AUDIT_COLUMNS, [self._audit(p) for p in plans])
        self.written += len(plans)

    @cached_property
    def writer(self) -> RowWriter:
        # Plain rows (COPY on PostgreSQL, executemany on SQLite), as seed_demo writes them:
        # building model instances and their INSERT statements cost more than the writes.
        return RowWriter()

    def _household_id(self, plan: Plan) -> int:
        """The planned row's household: by the time rows are written, it exists."""
        household_id = self.places.household_id(plan.household_key)
        if household_id is None:
            raise LookupError(f"row {plan.row.number}: its household was not created")
        return household_id

    def _create(self, plans: list[Plan]) -> None:
        ids = self.writer.reserve(Resident, len(plans)) if plans else []
        rows: list[tuple[Any, ...]] = []
        links: list[tuple[int, int]] = []
        for plan, resident_id in zip(plans, ids, strict=True):
            row = plan.row
            resident_uuid = uuid.uuid4().hex
            rows.append(
                (
                    resident_id,
                    resident_uuid,
                    row.name,
                    row.gender,
                    plan.birth_date,
                    crypto.encrypt(row.id_number),
                    row.id_hash,
                    crypto.encrypt(row.mobile),
                    row.mobile_hash,
                    self._household_id(plan),
                    self.places.compound_of(plan.household_key).community_id,
                    row.relation,
                    row.status,
                    self.now,
                    row.note,
                    self.now,
                    self.now,
                )
            )
            links.extend((resident_id, tag_id) for tag_id in plan.tag_ids)
            plan.existing = {"id": resident_id, "uuid": resident_uuid, "created": True}
        self.writer.insert(Resident, RESIDENT_COLUMNS, rows)
        self.writer.insert(Resident.tags.through, ("resident_id", "tag_id"), links)

    def _update(self, plans: list[Plan]) -> None:
        if not plans:
            return
        residents = [self._updated(plan) for plan in plans]
        fields = [
            "name",
            "gender",
            "birth_date",
            "household",
            "community",
            "relation",
            "status",
            "note",
            "id_number_encrypted",
            "id_number_hash",
            "mobile_encrypted",
            "mobile_hash",
            "updated_at",
            "status_changed_at",
        ]
        Resident.objects.bulk_update(residents, fields, batch_size=BATCH)
        retagged = [p for p in plans if "tags" in p.changes]
        through = Resident.tags.through
        through.objects.filter(resident_id__in=[p.target["id"] for p in retagged]).delete()
        through.objects.bulk_create(
            [through(resident_id=p.target["id"], tag_id=t) for p in retagged for t in p.tag_ids],
            batch_size=BATCH,
        )

    def _updated(self, plan: Plan) -> Resident:
        row, old = plan.row, plan.target
        resident = Resident(
            id=old["id"],
            name=row.name,
            gender=row.gender,
            birth_date=plan.birth_date,
            household_id=self._household_id(plan),
            community_id=self.places.compound_of(plan.household_key).community_id,
            relation=row.relation,
            status=row.status,
            note=row.note,
            id_number_encrypted=old["id_number_encrypted"],
            id_number_hash=old["id_number_hash"],
            mobile_encrypted=old["mobile_encrypted"],
            mobile_hash=old["mobile_hash"],
            updated_at=self.now,
        )
        if "id_number" in plan.changes:
            resident.id_number_encrypted = crypto.encrypt(row.id_number)
            resident.id_number_hash = row.id_hash
        if "mobile" in plan.changes:
            resident.mobile_encrypted = crypto.encrypt(row.mobile)
            resident.mobile_hash = row.mobile_hash
        changed = "status" in plan.changes
        resident.status_changed_at = self.now if changed else old["status_changed_at"]
        return resident

    def _audit(self, plan: Plan) -> tuple[Any, ...]:
        compound = self.places.compound_of(plan.household_key)
        community = compound.community
        row = plan.row
        created = plan.target.get("created", False)
        if created:
            changes = {
                "name": [None, row.name],
                "birth_date": [None, plan.birth_date.isoformat()],
                "id_number": ["", MASK if row.id_number else ""],
                "mobile": ["", MASK if row.mobile else ""],
            }
        else:
            changes = {name: [MASK, MASK] for name in plan.changes}
            for name in PLAIN_FIELDS:
                if name in plan.changes:
                    changes[name] = [str(v) for v in plan.changes[name]]
        place = f"{community.name} · {compound.name} {row.building}-{row.unit}-{row.door}"
        return (
            uuid.uuid4().hex,
            self.now,
            self.actor_id,
            self.actor_label,
            "create" if created else "update",
            "people.resident",
            str(uuid.UUID(str(plan.target["uuid"]))),
            row.name[:200],
            community.street_id,
            community.pk,
            compound.pk,
            place[:200],
            json.dumps(changes, ensure_ascii=False),
            f"import:{self.job.uuid}",
            None,
        )


def _batches(rows: Iterator) -> Iterator[list]:
    while batch := list(islice(rows, BATCH)):
        yield batch
