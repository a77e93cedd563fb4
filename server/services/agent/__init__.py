"""The conseiller console (issue 9). Every function takes the conseiller's account; every read of a
dossier and every action writes an ``audit_event`` row (actor = the conseiller, target = the member, "done
for") in the same transaction. A dossier opens only after an identity check recorded by ``identity``.

- ``common``: the audit helper, lookups, the account-state words;
- ``search``: "Qui appelle ?" — search as you type;
- ``identity``: the identity check and the rule that guards every dossier route;
- ``dossier``: the banner of the first ten seconds and the dossier (through the member services);
- ``actions``: acting for the member (unlock, reset link, activation, contact, revoke, simulation, thread);
- ``calls``: the call log;
- ``queue``: threads and démarches waiting, assignment, answers, internal notes, decisions;
- ``supervision``: the audit read by a supervisor, flagged checks, staff accounts; the member's view.
"""
