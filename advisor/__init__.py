"""advisor: an AI career advisor that answers with citations.

    from advisor import Advisor
    answer = Advisor().ask("What percent of AI engineer postings ask for AI agents?")
    print(answer.text); print(answer.citations)
"""

from advisor.api import Advisor, StreamEvent
from advisor.config import Settings
from advisor.types import AdvisorError, Answer, Chart, Citation, Evidence, IndexNotReadyError, InputError

__all__ = [
    "Advisor",
    "AdvisorError",
    "Answer",
    "Chart",
    "Citation",
    "Evidence",
    "IndexNotReadyError",
    "InputError",
    "Settings",
    "StreamEvent",
]
__version__ = "0.1.0"
