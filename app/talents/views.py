"""What each viewer sees: phones masked in every list; a talent's full phone only on its own
page, to staff of its community and the organisation department, each showing audited."""
from datetime import date

from app.audit.service import record
from app.auth.models import User
from app.common.masking import mask_phone
from app.organisations.models import DEFAULT_TITLES
from app.talents import service
from app.talents.models import CHECK_ITEMS, NEGATIVE_ITEMS, Candidate, LedgerEntry, Talent


def talent_view(talent: Talent, today: date, viewer: User | None = None) -> dict:
    phone = mask_phone(talent.phone)
    if viewer is not None and talent.phone and service.may_unmask(viewer, talent.community_id):
        phone = talent.phone
        record("unmask", actor_id=viewer.id, target_type="talent", target_id=talent.id,
               details={"field": "phone"})
    return {"id": talent.id, "community_id": talent.community_id, "user_id": talent.user_id,
            "name": talent.name, "phone": phone, "birth_year": talent.birth_year,
            "age": service.age_of(talent.birth_year, today),
            "former_field": talent.former_field, "former_unit": talent.former_unit,
            "expertise": talent.tag_values("expertise"),
            "willing": talent.tag_values("willing"), "party_member": talent.party_member,
            "health_note": talent.health_note, "availability_note": talent.availability_note,
            "created_at": talent.created_at}


def checklist(candidate: Candidate) -> list[dict]:
    """All eight items in the seed's order, recorded or not, with who checked them and when."""
    recorded = {c.item: c for c in candidate.checks}
    out = []
    for item, name in CHECK_ITEMS.items():
        check = recorded.get(item)
        out.append({
            "item": item, "name": name,
            "kind": "negative" if item in NEGATIVE_ITEMS else "positive",
            "result": check.result if check else None,
            "note": check.note if check else "",
            "checked_by": ({"id": check.checked_by_id, "nickname": check.checked_by.nickname}
                           if check else None),
            "checked_at": check.checked_at if check else None,
        })
    return out


def candidate_view(candidate: Candidate) -> dict:
    return {"id": candidate.id, "body_id": candidate.body_id,
            "talent_id": candidate.talent_id, "user_id": candidate.user_id,
            "name": candidate.name, "source": candidate.source,
            "recommended_by": candidate.recommended_by, "position": candidate.position,
            "title": DEFAULT_TITLES["compound_party"][candidate.position],
            "status": candidate.status, "note": candidate.note,
            "created_at": candidate.created_at, "verified_at": candidate.verified_at,
            "verify_note": candidate.verify_note, "appointed_at": candidate.appointed_at,
            "seat_id": candidate.seat_id, "negative_hits": service.negative_hits(candidate),
            "checks": checklist(candidate)}


def entry_view(entry: LedgerEntry) -> dict:
    return {"id": entry.id, "community_id": entry.community_id,
            "compound_id": entry.compound_id, "household_id": entry.household_id,
            "user_id": entry.user_id, "name": entry.name, "phone": mask_phone(entry.phone),
            "source": entry.source, "unit_name": entry.unit_name, "note": entry.note,
            "created_at": entry.created_at}
