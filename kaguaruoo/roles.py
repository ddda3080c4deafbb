"""Who acts on a stateful object: the names every transition table and access helper use."""

from enum import StrEnum


class Role(StrEnum):
    TENANT = "tenant"
    HOST = "host"
    OPENER = "opener"
    STAFF = "staff"
    SYSTEM = "system"
    STRANGER = "stranger"


# The two parties of a stay: a move either of them may make.
PARTIES = frozenset({Role.TENANT, Role.HOST})


def stay_role(obj, user) -> Role:
    """The role of `user` on an object with `tenant_id` and `host_id`; None is the system."""
    if user is None:
        return Role.SYSTEM
    if user.pk == obj.tenant_id:
        return Role.TENANT
    if user.pk == obj.host_id:
        return Role.HOST
    return Role.STRANGER
