"""The names of the group keys. A group key opens every record sealed to the group, so each
group is as small as the work allows: need-to-know, not convenience. Which roles hold which
group is the accounts app's to say (`sanctuary.accounts.models.GROUP_ROLES`); the keyring asks a
staff member's `key_groups()`."""

INTAKE = "intake"
SHELTER_COORDINATORS = "shelter-coordinators"
EVIDENCE_EDITORS = "evidence-editors"
