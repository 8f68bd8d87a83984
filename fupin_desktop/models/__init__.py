"""ORM models. Importing this package registers every table on ``Base.metadata``."""

from .audit import AuditLog
from .base import Base
from .household import (
    HOUSEHOLD_TYPES,
    MEASURE_CATEGORIES,
    MONITORING_CATEGORIES,
    RISK_TYPES,
    Household,
    HouseholdIncome,
    Measure,
    Village,
    Visit,
)
from .member import MEMBER_STATUSES, RELATIONS, Member
from .posts import (
    AttendanceCorrection, AttendanceMonth, Assignment, Inspection, MonthClosure, Post,
    WageLine, WageRun, WageSlip,
)
from .medical import ChronicCard, DiseaseType, DoctorSigning, FollowUp, Settlement
from .settings import Setting
from .archive import (ArchiveBox, ArchiveItemRecord, ArchivePackage, ArchivePackageFile, ArchivePageCache,
                      ArchiveYear)
from .user import ROLE_LABELS, ROLES, User
from .checks import CheckExemption
from .locks import OperationLock, PeriodCorrection
from . import triggers  # noqa: F401 - database triggers created with the tables
from .problems import (
    PROBLEM_SOURCES, PROBLEM_STATUSES, EvidenceFile, Problem, ProblemEvent, Survey, SurveyAnswer,
    SurveyTemplate,
)

__all__ = [
    "AuditLog", "Base", "Household", "HouseholdIncome", "Measure", "Member", "Setting",
    "Village", "Visit", "HOUSEHOLD_TYPES", "MEASURE_CATEGORIES", "MONITORING_CATEGORIES",
    "RISK_TYPES", "MEMBER_STATUSES", "RELATIONS",
    "ChronicCard", "DiseaseType", "DoctorSigning", "FollowUp", "Settlement",
    "AttendanceCorrection", "AttendanceMonth", "Assignment", "Inspection", "MonthClosure",
    "Post", "WageLine", "WageRun", "WageSlip",
    "ArchiveBox", "ArchiveItemRecord", "ArchivePackage", "ArchivePackageFile", "ArchivePageCache", "ArchiveYear",
    "User", "ROLES", "ROLE_LABELS",
    "EvidenceFile", "Problem", "ProblemEvent", "Survey", "SurveyAnswer", "SurveyTemplate",
    "PROBLEM_SOURCES", "PROBLEM_STATUSES", "CheckExemption", "OperationLock", "PeriodCorrection",
]
