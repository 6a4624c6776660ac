"""Staff views of the content hub: acknowledgement coverage of each policy and the
export of who has yet to acknowledge, within the partners the viewer may see."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from partner_portal.tabular.export import csv_response

from ..models import PolicyPage
from ..selectors import policy_coverage, policy_missing_users


def _staff_policy(request, policy_id):
    if not request.user.has_perm("resources.view_policyacknowledgement"):
        raise PermissionDenied
    return get_object_or_404(PolicyPage, pk=policy_id)


def policy_coverage_index(request):
    """Admin: every policy that requires acknowledgement, with its coverage."""
    if not request.user.has_perm("resources.view_policyacknowledgement"):
        raise PermissionDenied
    policies = PolicyPage.objects.filter(requires_acknowledgement=True).order_by(
        "title"
    )
    return TemplateResponse(
        request,
        "resources/admin/policy_coverage_index.html",
        {
            "rows": [
                {
                    "policy": policy,
                    "coverage": policy_coverage(policy, viewer=request.user)[:1],
                }
                for policy in policies
            ]
        },
    )


def policy_coverage_view(request, policy_id):
    """Admin: acknowledgement coverage of each published version of a policy."""
    policy = _staff_policy(request, policy_id)
    return TemplateResponse(
        request,
        "resources/admin/policy_coverage.html",
        {
            "policy": policy,
            "coverage": policy_coverage(policy, viewer=request.user),
        },
    )


def policy_missing_csv(request, policy_id):
    """Admin: CSV of the partner users yet to acknowledge the current version."""
    policy = _staff_policy(request, policy_id)
    return csv_response(
        f"policy-{policy.pk}-not-acknowledged.csv",
        [_("Partner"), _("Username"), _("Email"), _("Name")],
        (
            [
                user.membership.partner.name,
                user.username,
                user.email,
                user.get_full_name(),
            ]
            for user in policy_missing_users(policy, viewer=request.user)
        ),
    )
