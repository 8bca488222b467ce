package rpscope.adapter.yubico;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * An rpscope policy as a java-webauthn-server RP writes it: {@code RelyingPartyIdentity.id}, the
 * {@code origins} set and the two relaxations {@code allowOriginPort} and
 * {@code allowOriginSubdomain} (RelyingParty's Javadoc). Origin strings go to the library as they
 * are written; the only rewriting is of rpscope's own wildcard syntax ({@code *.} and {@code :*}),
 * which the library spells as a flag instead, and only where the flag means exactly the pattern.
 */
final class Mapping {

  /** The RelyingParty settings for one policy. */
  record Config(String rpId, Set<String> origins, boolean allowOriginPort, boolean allowOriginSubdomain) {}

  /** The policy cannot be written as RelyingParty settings; the message says why. */
  static final class Skip extends Exception {
    private static final long serialVersionUID = 1L;

    Skip(String message) {
      super(message);
    }
  }

  /** A top origin an RP could only mean one way: scheme://host[:port][/], no wildcard. */
  private static final Pattern PLAIN_WEB_ORIGIN =
      Pattern.compile("^https?://[^/?#@*\\s]+/?$", Pattern.CASE_INSENSITIVE);

  private Mapping() {}

  /** A web pattern of rpscope's grammar, split where its wildcards may stand. */
  private record Web(String written, String scheme, String authority, String rest) {
    boolean subdomains() {
      return authority.startsWith("*.");
    }

    boolean anyPort() {
      return authority.endsWith(":*");
    }

    /** The pattern with {@code *.} and {@code :*} taken out, every other character as written. */
    String base() {
      String a = authority;
      if (a.startsWith("*.")) {
        a = a.substring(2);
      }
      if (a.endsWith(":*")) {
        a = a.substring(0, a.length() - 2);
      }
      return scheme + a + rest;
    }

    /** The pattern with only {@code *.} taken out. */
    String withoutSubdomains() {
      return subdomains() ? scheme + authority.substring(2) + rest : written;
    }

    static Web parse(String pattern) {
      // Web patterns are those starting with http:// or https:// in any case
      // (crates/rpscope-core/src/server/pattern.rs); anything else is an app origin.
      String lower = pattern.toLowerCase(Locale.ROOT);
      int schemeEnd;
      if (lower.startsWith("https://")) {
        schemeEnd = 8;
      } else if (lower.startsWith("http://")) {
        schemeEnd = 7;
      } else {
        return null;
      }
      int slash = pattern.indexOf('/', schemeEnd);
      int authorityEnd = slash < 0 ? pattern.length() : slash;
      return new Web(
          pattern,
          pattern.substring(0, schemeEnd),
          pattern.substring(schemeEnd, authorityEnd),
          pattern.substring(authorityEnd));
    }
  }

  static Config of(JsonNode policy) throws Skip, Ceremonies.BadRequest {
    List<String> rpIds = strings(policy.get("rp_ids"), "rp_ids");
    List<String> origins = strings(policy.get("origins"), "origins");
    List<String> topOrigins =
        policy.hasNonNull("top_origins") ? strings(policy.get("top_origins"), "top_origins") : List.of();
    boolean crossOrigin = policy.path("allow_cross_origin").asBoolean(false);

    if (rpIds.size() != 1) {
      // More than one is filtered by the runner (multiple-rp-ids is not declared).
      throw new Skip("the policy has " + rpIds.size() + " RP IDs; RelyingPartyIdentity takes exactly one id");
    }
    if (crossOrigin && !topOrigins.isEmpty()) {
      // Filtered by the runner too (top-origins is not declared).
      throw new Skip("java-webauthn-server has no setting for cross-origin use: CollectedClientData "
          + "never reads crossOrigin or topOrigin, so 'embedding allowed, only by these top "
          + "origins' cannot be written");
    }
    // allow_cross_origin = true with no top origin admits no embedder: a crossOrigin ceremony
    // needs a topOrigin from an empty list, so the policy admits exactly what
    // allow_cross_origin = false admits, and both are written the same way (no setting exists).
    for (String top : crossOrigin ? List.<String>of() : topOrigins) {
      if (!PLAIN_WEB_ORIGIN.matcher(top).matches()) {
        // An invalid top_origins entry makes rpscope refuse the whole policy, but the library
        // takes no top origins at all, so whether it would refuse this one cannot be asked.
        throw new Skip("the policy's top_origins (unused, as embedding is not allowed) have an entry "
            + "that is not a plain web origin; java-webauthn-server takes no top origins, so "
            + "whether it would refuse it cannot be asked");
      }
    }

    List<Web> web = new ArrayList<>();
    Set<String> configured = new LinkedHashSet<>();
    for (String o : origins) {
      Web w = Web.parse(o);
      if (w == null) {
        configured.add(o); // an app origin: the library compares it as a string, exactly
      } else {
        web.add(w);
      }
    }

    // allowOriginPort: "the origin matching rule is relaxed to allow any port number", for every
    // entry of origins (RelyingParty#allowOriginPort; OriginMatcher.isPortAccepted).
    long anyPort = web.stream().filter(Web::anyPort).count();
    boolean allowOriginPort = anyPort > 0;
    if (allowOriginPort && anyPort != web.size()) {
      throw new Skip("allowOriginPort relaxes the port of every allowed origin; the policy admits "
          + "any port for " + anyPort + " of its " + web.size() + " web patterns only");
    }

    // allowOriginSubdomain: "relaxed to allow any subdomain, of any depth, of the values of
    // origins" (RelyingParty#allowOriginSubdomain); OriginMatcher.isDomainAccepted admits the
    // host itself as well. So `scheme://*.host` is expressible only next to `scheme://host`, and
    // only when every web pattern admits its subdomains.
    boolean allowOriginSubdomain = web.stream().anyMatch(Web::subdomains);
    if (allowOriginSubdomain) {
      Set<String> wildcards = new LinkedHashSet<>();
      Set<String> plain = new LinkedHashSet<>();
      for (Web w : web) {
        (w.subdomains() ? wildcards : plain).add(w.withoutSubdomains());
      }
      List<String> unpaired = new ArrayList<>();
      for (Web w : web) {
        if (w.subdomains() && w.withoutSubdomains().contains("*")) {
          unpaired.add("`" + w.written() + "` has a `*` beyond its first label, which no flag "
              + "and no origin string of the library can say");
        } else if (w.subdomains() && !plain.contains(w.withoutSubdomains())) {
          unpaired.add("`" + w.written() + "` admits strict subdomains only, and the flag would "
              + "also admit `" + w.withoutSubdomains() + "`, which the policy does not list");
        } else if (!w.subdomains() && !wildcards.contains(w.written())) {
          unpaired.add("`" + w.written() + "` is listed without its `*.` pattern, and the flag "
              + "would also admit its subdomains");
        }
      }
      if (!unpaired.isEmpty()) {
        throw new Skip("allowOriginSubdomain admits every subdomain of every allowed origin and the "
            + "origin itself: " + String.join("; ", unpaired));
      }
    }
    for (Web w : web) {
      configured.add(allowOriginPort || allowOriginSubdomain ? w.base() : w.written());
    }
    return new Config(rpIds.get(0), configured, allowOriginPort, allowOriginSubdomain);
  }

  private static List<String> strings(JsonNode node, String field) throws Ceremonies.BadRequest {
    if (node == null || !node.isArray()) {
      throw new Ceremonies.BadRequest("policy." + field + " is not an array", null);
    }
    List<String> out = new ArrayList<>();
    for (JsonNode n : node) {
      if (!n.isTextual()) {
        throw new Ceremonies.BadRequest("policy." + field + " has an entry that is not a string", null);
      }
      out.add(n.textValue());
    }
    return out;
  }
}
