"""rpscope's subdomain (`scheme://*.host`) and any-port (`scheme://host:*`) origin
patterns, for the `verify_origin` callback of an RP whose policy has them.

python-fido2 has no origin patterns; its documented way to accept other origins
than the default's is `Fido2Server(rp, verify_origin=…)`, "an alternative
function to validate an origin". This module is the pattern part of such a
callback, written to mean exactly what rpscope's patterns mean
(crates/rpscope-core/src/server/pattern.rs, matcher.rs, presented.rs):

* `https://*.example.com`: strict subdomains at a dot boundary, same scheme and
  port, never the apex; invalid over a public suffix (`*.com`, `*.github.io`,
  `*.lan`), decided with rpscope's own vendored Public Suffix List;
* `https://example.com:*`: that scheme and host, any port;
* the presented origin must be a serialised origin (lower case, no path, no
  default port written), as rpscope's reader demands.

It handles plain ASCII host names only. A pattern whose host needs more of the
URL Standard's host parser (IDNA, an `xn--` label, an IP address, a host ending
in a number, percent-encoding, characters beyond letters, digits, `-` and `.`)
is `Unsupported`, and so is the verdict on a presented host with an `xn--` label
that a pattern would otherwise admit (whether it is valid punycode decides it,
and that needs UTS #46). Callers answer `skipped` for both rather than guess.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

# The bytes a serialised host may hold (presented.rs HOST_BYTES).
HOST_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789!\"$&'()*+,-.;=_`{}~")

DEFAULT_PORT = {"http": 80, "https": 443}

# The hosts this module parses itself: letters, digits, `-`, dot-separated
# labels, none empty, no trailing dot.
PLAIN_HOST = re.compile(r"^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*$")

PSL_PATH = os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "data", "psl", "public_suffix_list.dat"
)


class Invalid(Exception):
    """The pattern is not valid under rpscope's grammar (rpscope refuses the policy)."""


class Unsupported(Exception):
    """Deciding this exactly needs host parsing this module does not implement."""


@dataclass(frozen=True)
class Pattern:
    scheme: str
    host: str
    port: int | None  # None: any port
    subdomains: bool
    written: str


def web_authority(pattern: str) -> str | None:
    """The authority of an http(s) pattern as rpscope's runner classifies it, or None."""
    lower = pattern[:8].lower()
    if lower.startswith("https://"):
        rest = pattern[8:]
    elif lower.startswith("http://"):
        rest = pattern[7:]
    else:
        return None
    return rest.split("/", 1)[0]


def is_pattern(pattern: str) -> bool:
    """Whether the runner counts this entry as a subdomain or any-port pattern."""
    authority = web_authority(pattern)
    return authority is not None and (authority.startswith("*.") or authority.endswith(":*"))


class PublicSuffixList:
    """The Public Suffix List algorithm (both sections, wildcard and exception rules, the
    implicit `*` rule) over plain ASCII hosts without `xn--` labels."""

    def __init__(self, path: str = PSL_PATH):
        self.rules: set[str] = set()
        self.wildcards: set[str] = set()  # `*.ck` is stored as `ck`
        self.exceptions: set[str] = set()
        with open(path, encoding="utf-8") as f:
            for line in f:
                line = line.strip()
                if not line or line.startswith("//"):
                    continue
                rule = line.split()[0].lower()
                if not rule.isascii():
                    continue  # an IDN rule: no label of a plain ASCII host can equal it
                if rule.startswith("!"):
                    self.exceptions.add(rule[1:])
                elif rule.startswith("*."):
                    self.wildcards.add(rule[2:])
                else:
                    self.rules.add(rule)

    def public_suffix(self, host: str) -> str:
        labels = host.split(".")
        for i in range(len(labels)):
            if ".".join(labels[i:]) in self.exceptions:
                return ".".join(labels[i + 1 :])
        for i in range(len(labels)):
            if ".".join(labels[i:]) in self.rules:
                return ".".join(labels[i:])
            if i + 1 < len(labels) and ".".join(labels[i + 1 :]) in self.wildcards:
                return ".".join(labels[i:])
        return labels[-1]


_PSL: PublicSuffixList | None = None


def psl() -> PublicSuffixList:
    global _PSL
    if _PSL is None:
        _PSL = PublicSuffixList()
    return _PSL


def ends_in_a_number(host: str) -> bool:
    """URL Standard "ends in a number" (presented.rs ends_in_a_number)."""
    host = host[:-1] if host.endswith(".") else host
    last = host.rsplit(".", 1)[-1]
    if last and all(c in "0123456789" for c in last):
        return True
    for prefix in ("0x", "0X"):
        if last.startswith(prefix):
            return all(c in "0123456789abcdefABCDEF" for c in last[2:])
    return False


def parse(text: str) -> Pattern:
    """Parses a `*.` or `:*` pattern as pattern.rs does; raises Invalid or Unsupported."""
    lower = text[:8].lower()
    if lower.startswith("https://"):
        scheme, rest = "https", text[8:]
    elif lower.startswith("http://"):
        scheme, rest = "http", text[7:]
    else:
        raise Unsupported(f"`{text}` is not a web pattern")
    end = min([i for i in (rest.find(c) for c in "/?#") if i >= 0], default=len(rest))
    authority, tail = rest[:end], rest[end:]
    if tail not in ("", "/"):
        raise Invalid("a policy origin has no path, query or fragment")
    if "@" in authority:
        raise Invalid("a policy origin has no userinfo")
    any_port = authority.endswith(":*")
    host_part = authority[:-2] if any_port else authority
    subdomains = host_part.startswith("*.")
    if subdomains:
        host_part = host_part[2:]
    if "*" in host_part:
        raise Invalid("`*` may only stand as the first label (`*.example.com`) or as the port (`:*`)")
    # What Url::parse("{scheme}://{host_part}/") does, for the hosts handled here.
    host, sep, port_text = host_part.partition(":")
    if host.startswith("["):
        raise Unsupported("an IPv6 host needs the URL Standard's IPv6 parser")
    if host == "":
        raise Invalid("it has no host")
    if not PLAIN_HOST.match(host):
        raise Unsupported(
            f"the host `{host}` is not a plain ASCII host name (letters, digits, `-`, "
            "non-empty labels, no trailing dot); it needs the URL Standard's host parser"
        )
    host = host.lower()
    if any(label.startswith("xn--") for label in host.split(".")):
        raise Unsupported(f"the host `{host}` has an `xn--` label, which only IDNA (UTS #46) can validate")
    if ends_in_a_number(host):
        raise Unsupported(f"the host `{host}` ends in a number, which the URL Standard's IPv4 parser decides")
    port = DEFAULT_PORT[scheme]
    if sep:
        if port_text and not all(c in "0123456789" for c in port_text):
            raise Invalid("not a web origin: invalid port number")
        if port_text:
            port = int(port_text)
            if port > 65535:
                raise Invalid("not a web origin: invalid port number")
    if subdomains and psl().public_suffix(host) == host:
        raise Invalid(
            f"`*.{host}` would admit every site under the public suffix `{host}`, which no one owner controls"
        )
    return Pattern(scheme, host, None if any_port else port, subdomains, text)


def read(origin: object) -> tuple[str, str, int] | None:
    """A presented string as rpscope's reader takes it: (scheme, host, port) of a
    serialised web origin with a domain host, or None for anything else (an app
    origin, an IP address, or a string that is no serialised origin). No pattern
    here admits what this returns None for."""
    if not isinstance(origin, str):
        return None
    if origin.startswith("https://"):
        scheme, rest = "https", origin[8:]
    elif origin.startswith("http://"):
        scheme, rest = "http", origin[7:]
    else:
        return None
    if rest.startswith("["):
        return None  # an IPv6 address: never a domain pattern's match
    end = 0
    while end < len(rest) and rest[end] != ":":
        if rest[end] not in HOST_CHARS:
            return None
        end += 1
    host, after = rest[:end], rest[end:]
    if host == "":
        return None
    port = DEFAULT_PORT[scheme]
    if after:
        text = after[1:]
        if (
            text == ""
            or not all(c in "0123456789" for c in text)
            or (len(text) > 1 and text.startswith("0"))
            or int(text) > 65535
            or int(text) == port
        ):
            return None
        port = int(text)
    if ends_in_a_number(host):
        return None  # an IPv4 address (or no origin at all): never a domain pattern's match
    return scheme, host, port


def admits(pattern: Pattern, scheme: str, host: str, port: int) -> bool:
    """matcher.rs find_web for one pattern."""
    if scheme != pattern.scheme or (pattern.port is not None and port != pattern.port):
        return False
    if not pattern.subdomains:
        return host == pattern.host
    dot = len(host) - len(pattern.host) - 1
    return dot > 0 and host[dot] == "." and host.endswith(pattern.host)


def matches(patterns: list[Pattern], origin: object) -> bool:
    """Whether any pattern admits the presented origin; raises Unsupported when that
    hangs on whether an `xn--` label is valid punycode."""
    parts = read(origin)
    if parts is None:
        return False
    scheme, host, port = parts
    if not any(admits(p, scheme, host, port) for p in patterns):
        return False
    if any(label.startswith("xn--") for label in host.split(".")):
        raise Unsupported(
            f"the presented host `{host}` has an `xn--` label: rpscope admits it only if it is "
            "valid punycode (IDNA, UTS #46), which the adapter's matcher does not check"
        )
    return True
