from contracts import payments_admin  # noqa: F401
