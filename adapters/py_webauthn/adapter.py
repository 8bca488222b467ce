"""rpscope adapter for py_webauthn (PyPI `webauthn`), server side.

Speaks rpscope's adapter protocol version 1 (docs/protocol.md): JSON Lines on
stdin and stdout, one answer per request, logs on stderr.

Run from the repository root, after `bash adapters/py_webauthn/install.sh`:

    adapters/py_webauthn/.venv/bin/python adapters/py_webauthn/adapter.py

The policy is mapped as an RP developer writes py_webauthn's arguments:

* `expected_origin`: the policy's origins verbatim, a string when there is one,
  a list when there are several (py_webauthn compares them with `==` and
  `list.index`, so nothing is normalised, on purpose);
* `expected_rp_id`: the policy's only RP ID (py_webauthn takes exactly one);
* `expected_challenge`: the bytes of the request's challenge;
* `require_user_verification`: the request's flag (false in the corpus);
* authentication: the stored credential's COSE public key and sign count.

py_webauthn has no setting for wildcard origins, any port, several RP IDs,
cross-origin embedding or top origins, so those policy features are not
declared and the runner skips such cases; `cross-origin` is declared for the one
such policy that lists no top origin, which admits no embedder (see arguments()).
"""

from __future__ import annotations

import json
import re
import sys
import traceback
from importlib.metadata import version

PROTOCOL = 1
NAME = "py_webauthn"
DISTRIBUTION = "webauthn"
HOMEPAGE = "https://github.com/duo-labs/py_webauthn"

# A top origin an RP could only mean one way: scheme://host[:port][/], no wildcard.
PLAIN_WEB_ORIGIN = re.compile(r"^https?://[^/?#@*\s]+/?$", re.IGNORECASE)


def log(message: str) -> None:
    print(f"py_webauthn adapter: {message}", file=sys.stderr, flush=True)


def hello() -> dict:
    return {
        "protocol": PROTOCOL,
        "implementation": {
            "name": NAME,
            "version": version(DISTRIBUTION),
            "language": "python",
            "homepage": HOMEPAGE,
        },
        "capabilities": {
            "sides": ["server"],
            "ceremonies": ["registration", "authentication"],
            # expected_origin may be a list (multiple-origins), and its entries are
            # opaque strings, so android:apk-key-hash:… origins work (app-origins).
            # cross-origin: only with no top_origins, a policy that admits no embedder and
            # so means what the library's only behaviour means (see arguments()). Not
            # declared: top-origins (nothing reads topOrigin), so the runner skips
            # allow_cross_origin = true with top origins listed.
            "policy_features": ["multiple-origins", "app-origins", "cross-origin"],
        },
    }


class Skip(Exception):
    """The case's policy cannot be written as py_webauthn's arguments."""


class LibraryRejected(Exception):
    """py_webauthn raised while verifying: the response (or configuration) was refused."""


def library_message(exc: BaseException) -> str:
    from webauthn.helpers.exceptions import WebAuthnException

    if isinstance(exc, WebAuthnException) and str(exc):
        return str(exc)
    # Not one of py_webauthn's own exceptions (a KeyError or TypeError from deep
    # inside it): name the class, or the message alone would say little.
    return f"{type(exc).__name__}: {exc}"


def arguments(case: dict) -> dict:
    """The keyword arguments an RP with this policy passes to py_webauthn."""
    from webauthn.helpers import base64url_to_bytes

    policy = case["policy"]
    rp_ids = policy["rp_ids"]
    origins = policy["origins"]
    if len(rp_ids) != 1:
        # More than one is filtered by the runner (multiple-rp-ids is not declared).
        raise Skip(
            "the policy has no RP ID, and py_webauthn's expected_rp_id is a required string"
        )
    top_origins = policy.get("top_origins", [])
    if policy.get("allow_cross_origin") and top_origins:
        # The runner filters these (top-origins is not declared).
        raise Skip(
            "py_webauthn has no setting for cross-origin use: it never checks crossOrigin or "
            "topOrigin, so 'embedding allowed, only by these top origins' cannot be written"
        )
    # allow_cross_origin = true with no top_origins admits no embedder: a crossOrigin
    # ceremony then needs a topOrigin from an empty list, so the policy admits exactly
    # what allow_cross_origin = false admits, and an RP writes the same arguments (there
    # is no cross-origin setting to leave off). With allow_cross_origin = false the
    # top_origins are never consulted, so they configure nothing either.
    if not policy.get("allow_cross_origin") and any(
        not PLAIN_WEB_ORIGIN.match(o) for o in top_origins
    ):
        # An invalid top_origins entry makes rpscope refuse the whole policy, but an
        # RP cannot give py_webauthn top origins at all, so there is nothing to refuse.
        raise Skip(
            "the policy's top_origins (unused, as embedding is not allowed) have an entry "
            "that is not a plain web origin; py_webauthn takes no top origins, so whether "
            "it would refuse it cannot be asked"
        )
    return {
        "expected_challenge": base64url_to_bytes(case["challenge"]),
        "expected_rp_id": rp_ids[0],
        "expected_origin": origins[0] if len(origins) == 1 else list(origins),
        "require_user_verification": bool(case.get("user_verification_required", False)),
    }


def verify(case: dict) -> None:
    """Returns when py_webauthn accepts; raises LibraryRejected when it refuses."""
    from webauthn import verify_authentication_response, verify_registration_response
    from webauthn.helpers import base64url_to_bytes

    kwargs = arguments(case)
    ceremony = case["ceremony"]
    if ceremony == "registration":
        call = lambda: verify_registration_response(credential=case["response"], **kwargs)
    elif ceremony == "authentication":
        stored = case["credential"]
        public_key = base64url_to_bytes(stored["public_key"])
        sign_count = int(stored["sign_count"])
        call = lambda: verify_authentication_response(
            credential=case["response"],
            credential_public_key=public_key,
            credential_current_sign_count=sign_count,
            **kwargs,
        )
    else:
        raise ValueError(f"unknown ceremony {ceremony!r}")
    try:
        call()
    except Exception as exc:  # the library's verdict, whatever it raised
        cause = exc.__cause__
        log(
            f"{case.get('id')} ({ceremony}): {type(exc).__name__}: {exc}"
            + (f" (cause: {type(cause).__name__}: {cause})" if cause else "")
        )
        raise LibraryRejected(library_message(exc)) from exc


def answer(seq, case: dict) -> dict:
    if case.get("side") != "server":
        return {"seq": seq, "result": "skipped", "message": "py_webauthn is a server-side library"}
    try:
        verify(case)
    except Skip as why:
        return {"seq": seq, "result": "skipped", "message": str(why)}
    except LibraryRejected as why:
        return {"seq": seq, "result": "reject", "message": str(why)}
    except Exception as exc:
        log(traceback.format_exc())
        return {"seq": seq, "result": "error", "message": f"adapter bug: {type(exc).__name__}: {exc}"}
    return {"seq": seq, "result": "accept"}


def main() -> int:
    out = sys.stdout
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            command = json.loads(line)
        except json.JSONDecodeError as exc:
            log(f"not a command ({exc}): {line[:200]}")
            return 2
        cmd = command.get("cmd")
        if cmd == "start":
            reply = hello()
        elif cmd == "stop":
            return 0
        elif cmd == "run":
            seq = command.get("seq")
            case = command.get("case")
            if not isinstance(case, dict):
                reply = {"seq": seq, "result": "error", "message": "adapter bug: run without a case"}
            else:
                reply = answer(seq, case)
        else:
            log(f"ignoring unknown command {cmd!r}")
            continue
        try:
            out.write(json.dumps(reply) + "\n")
            out.flush()
        except BrokenPipeError:
            log("stdout closed; exiting")
            return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
