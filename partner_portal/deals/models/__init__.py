"""Deal registration and market development funds."""

from .deals import (
    Deal,
    DealConflict,
    DealEvent,
    DealSettings,
    LegalSuffix,
    LostReason,
)
from .mdf import (
    ActivityType,
    ClaimProof,
    FundAllocation,
    FundClaim,
    FundExpiry,
    FundRequest,
)

__all__ = [
    "ActivityType",
    "ClaimProof",
    "Deal",
    "DealConflict",
    "DealEvent",
    "DealSettings",
    "FundAllocation",
    "FundClaim",
    "FundExpiry",
    "FundRequest",
    "LegalSuffix",
    "LostReason",
]
