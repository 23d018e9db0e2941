from .access_log import AccessLog
from .curriculum import GradeLevel, Indicator, KeyStage, LearningStandard, SubjectGroup
from .organisation import AreaOffice, LinkType, School, SchoolNetwork, SizeClass
from .pages import HomePage, SectionPage
from .system import WorkerHeartbeat
from .usage import Service, UsageEvent
from .users import User

__all__ = [
    "AccessLog",
    "AreaOffice",
    "GradeLevel",
    "HomePage",
    "Indicator",
    "KeyStage",
    "LearningStandard",
    "LinkType",
    "School",
    "SchoolNetwork",
    "SectionPage",
    "Service",
    "SizeClass",
    "SubjectGroup",
    "UsageEvent",
    "User",
    "WorkerHeartbeat",
]
