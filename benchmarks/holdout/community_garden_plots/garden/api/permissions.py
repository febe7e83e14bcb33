"""DRF permission classes shared by the garden API."""
from rest_framework.permissions import SAFE_METHODS, BasePermission


def _member(request):
    return getattr(request.user, "member", None)


class IsActiveMember(BasePermission):
    message = "Only active garden members can do this."

    def has_permission(self, request, view):
        member = _member(request)
        return bool(request.user and request.user.is_authenticated and member and member.active)


class IsShedKeeper(BasePermission):
    """Shed keepers run the tool shed: they see every loan and can close any of them."""

    message = "Only shed keepers can do this."

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.has_perm("garden.change_toolloan"))


class IsSiteCoordinator(BasePermission):
    message = "Only the site's coordinators can do this."

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated)

    def has_object_permission(self, request, view, obj):
        site_id = getattr(obj, "site_id", None)
        if site_id is None and hasattr(obj, "shift"):
            site_id = obj.shift.site_id
        return request.user.coordinated_sites.filter(pk=site_id).exists()


class IsOwnerOrShedKeeper(BasePermission):
    """Object-level check for records that belong to one member (loans, credits)."""

    def has_object_permission(self, request, view, obj):
        member = _member(request)
        if member is not None and getattr(obj, "member_id", None) == member.pk:
            return True
        return request.user.has_perm("garden.change_toolloan")


class ReadOnlyOrCommittee(BasePermission):
    def has_permission(self, request, view):
        if request.method in SAFE_METHODS:
            return bool(request.user and request.user.is_authenticated)
        return bool(request.user and request.user.is_staff)


def coordinator_site_ids(user) -> list[int]:
    """Sites a user coordinates; a handful at most, so a plain list is fine."""
    return list(user.coordinated_sites.values_list("pk", flat=True))
