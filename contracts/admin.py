from contracts import support_admin  # noqa: F401
