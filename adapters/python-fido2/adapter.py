"""rpscope adapter for python-fido2 (PyPI `fido2`, Yubico), server side.

Speaks rpscope's adapter protocol version 1 (docs/protocol.md): JSON Lines on
stdin and stdout, one answer per request, logs on stderr.

Run from the repository root, after `bash adapters/python-fido2/install.sh`:

    adapters/python-fido2/.venv/bin/python adapters/python-fido2/adapter.py

Each case runs the ceremony as an RP using `fido2.server.Fido2Server` does:
`register_begin` / `authenticate_begin` with the request's challenge (to get the
server's state), then `register_complete` / `authenticate_complete` on the
response. The server is built from the policy as an RP would configure it:

* `rp`: `{"id": <the policy's only RP ID>, "name": "rpscope"}`. Fido2Server takes
  one RP ID and compares the response's rpIdHash with its SHA-256.
* origins, one of three ways (see README.md):
  - the library's default, `Fido2Server(rp)`, whose `verify_rp_id(rp.id, origin)`
    admits https on any port for the RP ID and its subdomains (and http for
    localhost and *.localhost). It is used when the policy says exactly that:
    `["https://ID:*", "https://*.ID:*"]`, plus the http pair for a localhost
    RP ID;
  - otherwise, when every entry is an exact origin (web or app), the documented
    `verify_origin` hook with the list an RP would write:
    `Fido2Server(rp, verify_origin=lambda o: o in ORIGINS)`, the strings
    verbatim;
  - otherwise (subdomain or any-port patterns), the same hook with the exact
    entries verbatim and the patterns matched by origin_patterns.py, which
    implements rpscope's pattern semantics exactly for plain ASCII host names.
    That matching is the adapter's, not python-fido2's: these cases test what
    the library does around its callback (the rpIdHash, crossOrigin,
    topOrigin), not a matcher it does not have. A pattern the module cannot
    parse exactly, or refuses as invalid, and a presented `xn--` host a pattern
    would admit, are answered `skipped`.

`--verify-origin=default` uses the library's default for every policy instead.
That run does not measure conformance (the default is a different policy from
most of the corpus's); it shows what an RP that configures only its RP ID gets.
"""

from __future__ import annotations

import json
import re
import sys
import traceback
from importlib.metadata import version

import origin_patterns

PROTOCOL = 1
NAME = "python-fido2"
DISTRIBUTION = "fido2"
HOMEPAGE = "https://github.com/Yubico/python-fido2"

ALWAYS_DEFAULT = False

# A top origin an RP could only mean one way: scheme://host[:port][/], no wildcard.
PLAIN_WEB_ORIGIN = re.compile(r"^https?://[^/?#@*\s]+/?$", re.IGNORECASE)


def log(message: str) -> None:
    print(f"python-fido2 adapter: {message}", file=sys.stderr, flush=True)


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
            # multiple-origins and app-origins through verify_origin (a list of
            # strings); subdomain-origins and any-port-origins through the
            # default verify_rp_id where the policy is exactly its, otherwise
            # through verify_origin and origin_patterns.py.
            # cross-origin: only with no top_origins, a policy that admits no
            # embedder (see verify()). Not declared: top-origins (the library
            # reads neither crossOrigin nor topOrigin).
            "policy_features": [
                "multiple-origins",
                "app-origins",
                "subdomain-origins",
                "any-port-origins",
                "cross-origin",
            ],
        },
    }


class Skip(Exception):
    """The case's policy cannot be written as Fido2Server's configuration."""


class LibraryRejected(Exception):
    """python-fido2 raised while configuring or verifying."""


def default_patterns(rp_id: str) -> set[str]:
    """The policy that fido2.rpid.verify_rp_id(rp_id, origin) implements.

    https with the host equal to the RP ID or a subdomain of it, any port; http
    likewise when the host is localhost or ends in .localhost. (verify_rp_id also
    refuses subdomains when the RP ID is a public suffix; rpscope refuses such a
    wildcard as an invalid policy, so the two agree there.)
    """
    rp_id = rp_id.lower()
    patterns = {f"https://{rp_id}:*", f"https://*.{rp_id}:*"}
    if rp_id == "localhost" or rp_id.endswith(".localhost"):
        patterns |= {f"http://{rp_id}:*", f"http://*.{rp_id}:*"}
    return patterns


def spelled(pattern: str) -> str:
    """A pattern's spelling up to case and one trailing slash, for comparing sets."""
    return pattern.lower().removesuffix("/")


def origin_check(policy: dict, rp_id: str):
    """`verify_origin` for Fido2Server: None for the library's default; otherwise
    the callback and a list in which it notes a verdict it could not make exactly."""
    origins = list(policy["origins"])
    if ALWAYS_DEFAULT:
        return None, []
    if {spelled(o) for o in origins} == default_patterns(rp_id):
        return None, []
    allowed = [o for o in origins if not origin_patterns.is_pattern(o)]  # verbatim
    written = [o for o in origins if origin_patterns.is_pattern(o)]
    if not written:
        return (lambda origin: origin in allowed), []
    patterns = []
    for text in written:
        try:
            patterns.append(origin_patterns.parse(text))
        except origin_patterns.Invalid as why:
            raise Skip(
                f"`{text}` is no valid rpscope pattern ({why}); python-fido2 has no origin "
                "patterns, so this one would live in the RP's own verify_origin callback "
                "(here the adapter's), and whether python-fido2 refuses it cannot be asked"
            ) from why
        except origin_patterns.Unsupported as why:
            raise Skip(
                f"`{text}`: {why}; the adapter's verify_origin matcher (origin_patterns.py) "
                "parses plain ASCII host names only, and python-fido2 has no patterns of its own"
            ) from why
    undecided: list[str] = []

    def verify_origin(origin) -> bool:
        if origin in allowed:
            return True
        try:
            return origin_patterns.matches(patterns, origin)
        except origin_patterns.Unsupported as why:
            undecided.append(str(why))
            return False

    return verify_origin, undecided


def valid_pattern(text: str) -> bool:
    """Whether a subdomain or any-port entry is a pattern rpscope accepts (decided exactly)."""
    if not origin_patterns.is_pattern(text):
        return False
    try:
        origin_patterns.parse(text)
    except (origin_patterns.Invalid, origin_patterns.Unsupported):
        return False
    return True


def library_message(exc: BaseException) -> str:
    if isinstance(exc, ValueError) and type(exc) is ValueError and str(exc):
        return str(exc)
    # Something other than Fido2Server's own ValueError (a parse error deep in the
    # library): name the class, or the message alone would say little.
    return f"{type(exc).__name__}: {exc}"


def verify(case: dict) -> None:
    """Returns when python-fido2 accepts; raises LibraryRejected when it refuses."""
    from fido2 import cbor
    from fido2.cose import CoseKey
    from fido2.server import Fido2Server
    from fido2.utils import websafe_decode
    from fido2.webauthn import (
        AttestedCredentialData,
        PublicKeyCredentialRpEntity,
        PublicKeyCredentialUserEntity,
        UserVerificationRequirement,
    )

    policy = case["policy"]
    rp_ids = policy["rp_ids"]
    if len(rp_ids) != 1:
        # More than one is filtered by the runner (multiple-rp-ids is not declared).
        raise Skip("the policy has no RP ID, and Fido2Server needs rp.id")
    top_origins = policy.get("top_origins", [])
    if policy.get("allow_cross_origin") and top_origins:
        # The runner filters these (top-origins is not declared).
        raise Skip(
            "python-fido2 has no setting for cross-origin use: it never checks crossOrigin or "
            "topOrigin, so 'embedding allowed, only by these top origins' cannot be written"
        )
    # allow_cross_origin = true with no top_origins admits no embedder: a crossOrigin
    # ceremony then needs a topOrigin from an empty list, so the policy admits exactly
    # what allow_cross_origin = false admits, and the RP configures the same server
    # (there is no cross-origin setting to leave off). With allow_cross_origin = false
    # the top_origins are never consulted, so they configure nothing either.
    if not policy.get("allow_cross_origin") and any(
        not (PLAIN_WEB_ORIGIN.match(o) or valid_pattern(o)) for o in top_origins
    ):
        # An invalid top_origins entry makes rpscope refuse the whole policy, but an
        # RP cannot give python-fido2 top origins at all, so there is nothing to refuse.
        raise Skip(
            "the policy's top_origins (unused, as embedding is not allowed) have an entry "
            "that is not a plain web origin; python-fido2 takes no top origins, so whether "
            "it would refuse it cannot be asked"
        )
    rp_id = rp_ids[0]
    verify_origin, undecided = origin_check(policy, rp_id)
    challenge = websafe_decode(case["challenge"])
    uv = (
        UserVerificationRequirement.REQUIRED
        if case.get("user_verification_required")
        else None
    )
    ceremony = case["ceremony"]
    credentials = []
    if ceremony == "authentication":
        stored = case["credential"]
        credentials.append(
            AttestedCredentialData.create(
                b"\0" * 16,
                websafe_decode(stored["id"]),
                CoseKey.parse(cbor.decode(websafe_decode(stored["public_key"]))),
            )
        )
    elif ceremony != "registration":
        raise ValueError(f"unknown ceremony {ceremony!r}")

    step = "configuring"
    try:
        rp = PublicKeyCredentialRpEntity(name="rpscope", id=rp_id)
        server = Fido2Server(rp, verify_origin=verify_origin)
        step = "verifying"
        if ceremony == "registration":
            user = PublicKeyCredentialUserEntity(id=b"rpscope-user", name="rpscope")
            _, state = server.register_begin(user, user_verification=uv, challenge=challenge)
            server.register_complete(state, case["response"])
        else:
            _, state = server.authenticate_begin(
                credentials, user_verification=uv, challenge=challenge
            )
            server.authenticate_complete(state, credentials, case["response"])
        # Fido2Server leaves the signature counter to the RP (it returns the
        # credential, not the counter); rpscope's assertions count 1 over a stored 0.
    except Exception as exc:  # the library's verdict, whatever it raised
        if undecided:
            raise Skip(undecided[0]) from exc
        log(f"{case.get('id')} ({ceremony}, {step}): {type(exc).__name__}: {exc}")
        raise LibraryRejected(library_message(exc)) from exc
    if undecided:
        raise Skip(undecided[0])


def answer(seq, case: dict) -> dict:
    if case.get("side") != "server":
        return {"seq": seq, "result": "skipped", "message": "the adapter has no client side"}
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


def main(argv: list[str]) -> int:
    global ALWAYS_DEFAULT
    for arg in argv:
        if arg == "--verify-origin=default":
            ALWAYS_DEFAULT = True
        else:
            log(f"unknown argument {arg!r} (usage: adapter.py [--verify-origin=default])")
            return 2
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
    sys.exit(main(sys.argv[1:]))
