"""Operations the fuzz suite leaves out on purpose, each with its reason.

Everything else of docs/openapi.yaml is fuzzed. An operation is left out only when fuzzing it
would end or damage the session a pass runs with (log the fuzzing user out, lock it, change its
password or role, revoke its tokens, delete or suspend the tenant or user it runs as), or the
enrolled machine the mTLS pass and the agent run with, or stop a service: every later request
of the run would then fail for a reason that is not a finding.

schemathesis reuses the ids it reads in responses (GET /api/users lists the fuzzing users, GET
/api/admin/clients the fuzzing tenant, GET /api/machines the enrolled machine), so a route that
takes such an id does reach the fuzzing identities: those that would damage them are listed
here. Routes on ids the fuzzing identities cannot be given stay in (the ca's revoke is fed the
serials of the certificates its own pass issues; install tokens, channels, rules, groups, labels,
routines and triggers are the fuzzer's own). run.py checks after the run that every session
still works.
"""

# (method, path, reason) — the path exactly as in docs/openapi.yaml.
EXCLUDED = [
    ("POST", "/auth/logout",
     "revokes the access token and refresh tokens of the caller: the rest of the pass would run logged out"),
    ("POST", "/api/auth/logout",
     "the same handler as /auth/logout (revokes the caller's tokens)"),
    ("POST", "/api/change-password",
     "changes the fuzzing user's password and revokes the access token the pass runs with"),
    ("DELETE", "/api/admin/clients/{id}",
     "deletes the fuzzing tenant (its id is in GET /api/admin/clients) and with it the admin and observer"),
    ("PUT", "/api/admin/clients/{id}",
     "can suspend or expire the fuzzing tenant's licence (license_status) or change its type"),
    ("DELETE", "/api/users/{id}",
     "deletes the fuzzing admin or observer (their ids are in GET /api/users)"),
    ("PUT", "/api/users/{id}",
     "can change the fuzzing users' role (observer to admin) or email"),
    ("POST", "/api/users/{id}/reset-password",
     "resets a fuzzing user's password: every later request of that user answers 403 PASSWORD_CHANGE_REQUIRED"),
    ("DELETE", "/api/machines/by-hostname/{hostname}",
     "deletes the enrolled machine (its host name is in GET /api/machines) and its certificate"),
    ("POST", "/api/machines/{id}/certificate/revoke",
     "revokes the enrolled machine's certificate, which the mTLS pass and the agent use"),
]


def is_excluded(method: str, path: str) -> bool:
    return any(m == method.upper() and p == path for m, p, _ in EXCLUDED)
