"""Who may do what at a node: the roles, the permissions, and the one table joining them.

Every route declares the permission it needs (``national_node.api.deps.require``); this table is
the only place that grants permissions to roles. Need-to-know inside a permission (a
prosecutor sees the MLA cases of their own authority only; sealed sections only for the roles
in their audience) is decided in ``national_node.views`` (``may_see``, ``detail``).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final

from messages.vocab import AuthorityRole, Family


class Role(StrEnum):
    PROSECUTOR = "prosecutor"
    CENTRAL_AUTHORITY = "central_authority"
    CONSULAR_OFFICER = "consular_officer"
    VICTIM_SERVICES = "victim_services"
    WP_OFFICER = "wp_officer"
    """The witness protection unit."""
    STATS_OFFICER = "stats_officer"
    AUDITOR = "auditor"
    ADMIN = "admin"


AUTHORITY_ROLE: Final[dict[Role, AuthorityRole | None]] = {
    Role.PROSECUTOR: AuthorityRole.PROSECUTOR,
    Role.CENTRAL_AUTHORITY: AuthorityRole.CENTRAL_AUTHORITY,
    Role.CONSULAR_OFFICER: AuthorityRole.CONSULAR_POST,
    Role.VICTIM_SERVICES: AuthorityRole.VICTIM_SERVICES,
    Role.WP_OFFICER: AuthorityRole.WP_UNIT,
    Role.STATS_OFFICER: AuthorityRole.STATS_OFFICE,
    Role.AUDITOR: None,
    Role.ADMIN: None,
}
"""The authority role a user acts as in messages (header ``sender.role``) and against sealed
sections' audiences. Auditors and admins act as no authority: they read no case content."""


class Permission(StrEnum):
    MLA_READ_OWN = "mla:read-own"
    """MLA cases of the user's own authority."""
    MLA_READ_ALL = "mla:read-all"
    """Every MLA case of the state."""
    MLA_WRITE = "mla:write"
    REPATRIATION_READ = "repatriation:read"
    REPATRIATION_WRITE = "repatriation:write"
    REPATRIATION_CONFIRM_RETURN = "repatriation:confirm-return"
    """A prosecutor's confirmation that pending proceedings do not block a return."""
    WP_READ = "witness-protection:read"
    WP_WRITE = "witness-protection:write"
    STATS_READ = "statistics:read"
    STATS_WRITE = "statistics:write"
    AUDIT_READ = "audit:read"
    """Case metadata, transport states, the exchange and access logs; never content."""
    USERS_MANAGE = "users:manage"
    KEYS_MANAGE = "keys:manage"
    TOKENS_OWN = "tokens:own"
    """Issue and revoke one's own API tokens."""


ROLE_PERMISSIONS: Final[dict[Role, frozenset[Permission]]] = {
    Role.PROSECUTOR: frozenset(
        {
            Permission.MLA_READ_OWN,
            Permission.MLA_WRITE,
            Permission.REPATRIATION_CONFIRM_RETURN,
            Permission.TOKENS_OWN,
        }
    ),
    Role.CENTRAL_AUTHORITY: frozenset(
        {
            Permission.MLA_READ_OWN,
            Permission.MLA_READ_ALL,
            Permission.MLA_WRITE,
            Permission.TOKENS_OWN,
        }
    ),
    Role.CONSULAR_OFFICER: frozenset(
        {Permission.REPATRIATION_READ, Permission.REPATRIATION_WRITE, Permission.TOKENS_OWN}
    ),
    Role.VICTIM_SERVICES: frozenset(
        {Permission.REPATRIATION_READ, Permission.REPATRIATION_WRITE, Permission.TOKENS_OWN}
    ),
    Role.WP_OFFICER: frozenset({Permission.WP_READ, Permission.WP_WRITE, Permission.TOKENS_OWN}),
    Role.STATS_OFFICER: frozenset(
        {Permission.STATS_READ, Permission.STATS_WRITE, Permission.TOKENS_OWN}
    ),
    Role.AUDITOR: frozenset({Permission.AUDIT_READ, Permission.TOKENS_OWN}),
    Role.ADMIN: frozenset({Permission.USERS_MANAGE, Permission.KEYS_MANAGE, Permission.TOKENS_OWN}),
}

FAMILY_READ: Final[dict[Family, tuple[Permission, ...]]] = {
    Family.MLA: (Permission.MLA_READ_OWN, Permission.MLA_READ_ALL),
    Family.REPATRIATION: (Permission.REPATRIATION_READ,),
    Family.WITNESS_PROTECTION: (Permission.WP_READ,),
    Family.STATISTICS: (Permission.STATS_READ,),
}
"""Any one of these lets a user read cases of the family (subject to ``access``)."""

FAMILY_WRITE: Final[dict[Family, Permission]] = {
    Family.MLA: Permission.MLA_WRITE,
    Family.REPATRIATION: Permission.REPATRIATION_WRITE,
    Family.WITNESS_PROTECTION: Permission.WP_WRITE,
    Family.STATISTICS: Permission.STATS_WRITE,
}


def permits(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]
