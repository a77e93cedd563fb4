"""The purge job (``espace jobs run``): expired sessions, challenges, pending logins, codes, tokens and
throttles go after ``purge_grace``; idempotency keys after ``idempotency_ttl``; audit rows after
``audit_retention``. Time moves with the FrozenClock."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlmodel import select

from models.tables import (
    AuditEvent,
    AuthSession,
    HumanChallengeRow,
    IdempotencyKey,
    LoginThrottle,
    MailToken,
    PendingLoginRow,
    RecoveryCode,
    TrustedDevice,
)
from server.jobs import purge, run_pass
from server.services import audit


def _rows(db, model) -> int:
    return db.execute(sa.select(sa.func.count()).select_from(model)).scalar_one()


def _seed(db, make, clock, tag: str):
    account = make.account(make.member())
    now = clock.now()
    make.session_token(account)
    db.add_all(
        [
            HumanChallengeRow(id=f"c-{tag}", answer_hash="h", expires_at=now + timedelta(minutes=5)),
            PendingLoginRow(
                id_hash=f"p-{tag}",
                account_id=account.id,
                method="email",
                code_hash="x",
                code_expires_at=now + timedelta(minutes=10),
                last_sent_at=now,
                created_at=now,
            ),
            TrustedDevice(
                account_id=account.id,
                token_hash=f"d-{tag}",
                name="T",
                created_at=now,
                expires_at=now + timedelta(days=90),
            ),
            MailToken(
                account_id=account.id,
                purpose="password_reset",
                token_hash=f"m-{tag}",
                code_hash="c",
                created_at=now,
                expires_at=now + timedelta(hours=24),
            ),
            RecoveryCode(account_id=account.id, code_hash=f"r-{tag}", created_at=now, used_at=now),
            LoginThrottle(key_hash=f"t-{tag}", attempts=3, window_start=now, locked_until=now + timedelta(minutes=15)),
            IdempotencyKey(scope=f"account:{account.id}", key=tag, request_hash="h", status_code=201, created_at=now),
        ]
    )
    audit.record(db, clock, "login_attempt", actor_account_id=account.id)
    db.commit()


MODELS = (
    AuthSession,
    HumanChallengeRow,
    PendingLoginRow,
    TrustedDevice,
    MailToken,
    RecoveryCode,
    LoginThrottle,
    IdempotencyKey,
)


def test_the_purge_keeps_what_is_live_and_deletes_what_has_expired(db_session, make, clock, settings, session_scope):
    _seed(db_session, make, clock, "old")
    assert all(purge(session_scope, clock, settings).deleted[m.__tablename__] == 0 for m in MODELS)
    # 12 h later: the session is past its absolute life, nothing is past the grace day yet
    clock.advance(hours=12)
    assert sum(purge(session_scope, clock, settings).deleted.values()) == 0
    # 91 days later: everything of "old" is expired by more than a day, except the audit row (a year)
    clock.advance(days=91)
    _seed(db_session, make, clock, "new")
    report = purge(session_scope, clock, settings)
    for model in MODELS:
        assert report.deleted[model.__tablename__] == 1, model.__tablename__
        assert _rows(db_session, model) == 1, model.__tablename__  # the live "new" one stays
    assert report.deleted["audit_event"] == 0
    assert db_session.exec(select(IdempotencyKey.key)).all() == ["new"]
    clock.advance(days=365 - 91)
    report = purge(session_scope, clock, settings)
    assert report.deleted["audit_event"] >= 1
    assert all(e.at >= clock.now() - settings.audit_retention for e in db_session.exec(select(AuditEvent)).all())


def test_idempotency_keys_go_after_their_ttl_not_before(db_session, make, clock, settings, session_scope):
    _seed(db_session, make, clock, "k")
    clock.advance(settings.idempotency_ttl - timedelta(seconds=1))
    assert purge(session_scope, clock, settings).deleted["idempotency_key"] == 0
    clock.advance(seconds=2)
    assert purge(session_scope, clock, settings).deleted["idempotency_key"] == 1


def test_the_jobs_pass_runs_the_purge(db_session, make, clock, settings, session_scope):
    _seed(db_session, make, clock, "pass")
    clock.advance(days=92)
    run_pass(session_scope, clock, settings, smtp_factory=lambda: None)  # no mail is due: SMTP is not opened
    assert _rows(db_session, HumanChallengeRow) == 0 and _rows(db_session, MailToken) == 0
