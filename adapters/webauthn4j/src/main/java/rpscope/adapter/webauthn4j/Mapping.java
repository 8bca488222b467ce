package rpscope.adapter.webauthn4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * An rpscope policy as a webauthn4j RP writes its {@code ServerProperty}: one {@code rpId}, the
 * {@code origins} as {@code Origin.create} of each string as written, and, when the RP allows
 * being embedded, the {@code topOrigins} it may be embedded in. Nothing is normalised here;
 * {@code Origin} does whatever normalising the library does.
 */
final class Mapping {

  /** The ServerProperty settings for one policy (strings; the library parses them). */
  record Config(String rpId, List<String> origins, boolean allowCrossOrigin, List<String> topOrigins) {}

  /** The policy cannot be written as ServerProperty settings; the message says why. */
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

  static Config of(JsonNode policy) throws Skip, Ceremonies.BadRequest {
    List<String> rpIds = strings(policy.get("rp_ids"), "rp_ids");
    List<String> origins = strings(policy.get("origins"), "origins");
    List<String> topOrigins =
        policy.hasNonNull("top_origins") ? strings(policy.get("top_origins"), "top_origins") : List.of();
    boolean crossOrigin = policy.path("allow_cross_origin").asBoolean(false);

    if (rpIds.size() != 1) {
      // More than one is filtered by the runner (multiple-rp-ids is not declared).
      throw new Skip("the policy has " + rpIds.size() + " RP IDs; ServerProperty takes exactly one rpId");
    }
    for (String o : crossOrigin ? concat(origins, topOrigins) : origins) {
      String wildcard = wildcard(o);
      if (wildcard != null) {
        // Filtered by the runner too (subdomain-origins and any-port-origins are not declared).
        throw new Skip("`" + o + "` admits " + wildcard + "; ServerProperty's origins and "
            + "topOrigins are sets of exact origins (SimpleOriginPredicate: Set.contains), and an "
            + "OriginPredicate written for the case would be the adapter's matching, not the library's");
      }
    }
    if (!crossOrigin) {
      for (String top : topOrigins) {
        if (!PLAIN_WEB_ORIGIN.matcher(top).matches()) {
          // An invalid top_origins entry makes rpscope refuse the whole policy; an RP that does
          // not allow embedding gives webauthn4j no top origins (setting them is what allows
          // embedding: TopOriginVerifier), so whether it would refuse this one cannot be asked.
          throw new Skip("the policy's top_origins (unused, as embedding is not allowed) have an "
              + "entry that is not a plain web origin; an RP that does not allow embedding gives "
              + "webauthn4j no top origins, so whether it would refuse it cannot be asked");
        }
      }
    }
    return new Config(rpIds.get(0), origins, crossOrigin, crossOrigin ? topOrigins : List.of());
  }

  /** What an rpscope wildcard pattern admits, or null for a plain origin. */
  private static String wildcard(String pattern) {
    // Web patterns are those starting with http:// or https:// in any case
    // (crates/rpscope-core/src/server/pattern.rs); anything else is an app origin.
    String lower = pattern.toLowerCase(Locale.ROOT);
    int schemeEnd = lower.startsWith("https://") ? 8 : lower.startsWith("http://") ? 7 : -1;
    if (schemeEnd < 0) {
      return null;
    }
    int slash = pattern.indexOf('/', schemeEnd);
    String authority = pattern.substring(schemeEnd, slash < 0 ? pattern.length() : slash);
    if (authority.startsWith("*.")) {
      return "every subdomain of a host";
    }
    if (authority.endsWith(":*")) {
      return "any port";
    }
    return null;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  private static List<String> strings(JsonNode node, String field) throws Ceremonies.BadRequest {
    if (node == null || !node.isArray()) {
      throw new Ceremonies.BadRequest("policy." + field + " is not an array", null);
    }
    List<String> out = new ArrayList<>();
    for (JsonNode n : node) {
      if (!n.isString()) {
        throw new Ceremonies.BadRequest("policy." + field + " has an entry that is not a string", null);
      }
      out.add(n.stringValue());
    }
    return out;
  }
}
