"""SQLModel tables (server side only), one module per entity family.

Importing this package registers every table, so ``SQLModel.metadata`` is complete (Alembic relies on
it). This package never imports ``server`` or ``tui``.
"""

from models.tables.account import Account, AuthSession
from models.tables.agent import (
    AgentCall,
    CallCode,
    CallLog,
    IdentityCheck,
    InternalNote,
    MemberAlert,
    PartnerProfessional,
    PhoneChannelReopening,
    QueueAssignment,
)
from models.tables.audit import AuditEvent
from models.tables.claim import Claim, ClaimLine, ClaimLineAmc, Payment
from models.tables.contract import (
    Contract,
    ContractBeneficiary,
    ContributionInstalment,
    ContributionSchedule,
    GuaranteeLine,
    GuaranteeTable,
)
from models.tables.directory import DirectoryConvention, DirectoryEstablishment, DirectoryPractitioner
from models.tables.document import Document
from models.tables.member import Beneficiary, Member
from models.tables.messaging import Message, MessageThread
from models.tables.outbox import MailAttachment, MailOutbox
from models.tables.profile import BankAccount, ContactChange, MemberPreferences, StepUp
from models.tables.requests import MemberRequest, Notification
from models.tables.security import (
    HumanChallengeRow,
    IdempotencyKey,
    LoginThrottle,
    MailToken,
    PasswordHistory,
    PendingLoginRow,
    RecoveryCode,
    TrustedDevice,
)
from models.tables.simulation import SavedSimulation

__all__ = [
    "Account",
    "AgentCall",
    "AuditEvent",
    "AuthSession",
    "BankAccount",
    "Beneficiary",
    "CallCode",
    "CallLog",
    "Claim",
    "ClaimLine",
    "ClaimLineAmc",
    "ContactChange",
    "Contract",
    "ContractBeneficiary",
    "ContributionInstalment",
    "ContributionSchedule",
    "DirectoryConvention",
    "DirectoryEstablishment",
    "DirectoryPractitioner",
    "Document",
    "GuaranteeLine",
    "GuaranteeTable",
    "HumanChallengeRow",
    "IdempotencyKey",
    "IdentityCheck",
    "InternalNote",
    "LoginThrottle",
    "MailAttachment",
    "MailOutbox",
    "MailToken",
    "Member",
    "MemberAlert",
    "MemberPreferences",
    "MemberRequest",
    "Message",
    "MessageThread",
    "Notification",
    "PartnerProfessional",
    "PasswordHistory",
    "Payment",
    "PendingLoginRow",
    "PhoneChannelReopening",
    "QueueAssignment",
    "RecoveryCode",
    "SavedSimulation",
    "StepUp",
    "TrustedDevice",
]
