"""Admin building blocks shared by the apps."""


class ReadOnlyAdminMixin:
    """A record kept as written: staff may look, nobody adds, changes or deletes it here."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
