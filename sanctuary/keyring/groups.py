"""The names of the group keys. A group key opens every record sealed to the group, so each
group is as small as the work allows: need-to-know, not convenience. Which roles hold which
group is the accounts app's to say (`sanctuary.accounts.models.GROUP_ROLES`); the keyring asks a
staff member's `key_groups()`."""

INTAKE = "intake"
SHELTER_COORDINATORS = "shelter-coordinators"
EVIDENCE_EDITORS = "evidence-editors"


# Groups whose key opens case records. Giving one to a person takes two members who hold it,
# neither of whom asked for it or invited that person: one stolen admin login, or one routine
# click, must not open every case (docs/threat-model.md).
CASE_GROUPS: frozenset[str] = frozenset({INTAKE})
APPROVALS_FOR_CASE_GROUPS = 2
