"""Which roles hold which group keys. A group key opens every record sealed to the group, so
each group is as small as the work allows: need-to-know, not convenience."""

from sanctuary.accounts.models import Role

INTAKE = "intake"
SHELTER_COORDINATORS = "shelter-coordinators"
EVIDENCE_EDITORS = "evidence-editors"

# Coordinators triage new cases and assign them; counselors and lawyers see only the cases
# granted to them, so they are not in the intake group.
GROUP_ROLES: dict[str, frozenset[Role]] = {
    INTAKE: frozenset({Role.COORDINATOR}),
    SHELTER_COORDINATORS: frozenset({Role.SHELTER_COORDINATOR}),
    EVIDENCE_EDITORS: frozenset({Role.EVIDENCE_EDITOR}),
}


# Groups whose key opens case records. Giving one to a person takes two members who hold it,
# neither of whom asked for it or invited that person: one stolen admin login, or one routine
# click, must not open every case (docs/threat-model.md).
CASE_GROUPS: frozenset[str] = frozenset({INTAKE})
APPROVALS_FOR_CASE_GROUPS = 2


def groups_for_roles(roles: set[str]) -> set[str]:
    return {group for group, wanted in GROUP_ROLES.items() if roles & {r.value for r in wanted}}
