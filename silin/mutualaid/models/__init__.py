"""邻服务 Neighbour Services: needs, helpers, matching, pairings and the time bank.

`needs` holds the help requests and the proposals matching puts on them; `helpers` the
volunteer profiles, their teams and the courtyard alliances; `pairings` the long-term pairs
and their visits; `ledger` the service records and the time bank's double-entry books.
"""

from silin.mutualaid.models.helpers import Alliance, HelperProfile, Skill, Team
from silin.mutualaid.models.ledger import (
    Account,
    Certificate,
    Movement,
    ServiceRecord,
    Transfer,
)
from silin.mutualaid.models.needs import HelpRequest, MatchingRun, Proposal
from silin.mutualaid.models.pairings import Pairing, Visit

__all__ = [
    "Account",
    "Alliance",
    "Certificate",
    "HelpRequest",
    "HelperProfile",
    "MatchingRun",
    "Movement",
    "Pairing",
    "Proposal",
    "ServiceRecord",
    "Skill",
    "Team",
    "Transfer",
    "Visit",
]
