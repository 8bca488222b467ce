package rpscope.adapter.webauthn4j;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * An rpscope policy as a webauthn4j RP writes its {@code ServerProperty}: one {@code rpId}, the
 * {@code origins} as {@code Origin.create} of each string as written, and, when the RP allows
 * being embedded, the {@code topOrigins} it may be embedded in. Nothing is normalised here;
 * {@code Origin} does whatever normalising the library does. Subdomain and any-port patterns,
 * which {@code ServerProperty} cannot take as origins, go to an {@code OriginPredicate} (the
 * library's route "for complicated conditions") that matches them with {@link Patterns}.
 */
final class Mapping {

  /**
   * The ServerProperty settings for one policy: the exact origins as strings (the library parses
   * them) and the subdomain and any-port patterns, parsed, for the predicate.
   */
  record Config(
      String rpId,
      List<String> origins,
      List<Patterns.Web> originPatterns,
      boolean allowCrossOrigin,
      List<String> topOrigins,
      List<Patterns.Web> topOriginPatterns) {}

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
    List<String> exact = new ArrayList<>();
    List<Patterns.Web> patterns = new ArrayList<>();
    split(origins, exact, patterns);
    List<String> exactTop = new ArrayList<>();
    List<Patterns.Web> topPatterns = new ArrayList<>();
    if (crossOrigin) {
      split(topOrigins, exactTop, topPatterns);
    } else {
      for (String top : topOrigins) {
        if (!PLAIN_WEB_ORIGIN.matcher(top).matches() && !validPattern(top)) {
          // An invalid top_origins entry makes rpscope refuse the whole policy; an RP that does
          // not allow embedding gives webauthn4j no top origins (setting them is what allows
          // embedding: TopOriginVerifier), so whether it would refuse this one cannot be asked.
          throw new Skip("the policy's top_origins (unused, as embedding is not allowed) have an "
              + "entry that is not a plain web origin; an RP that does not allow embedding gives "
              + "webauthn4j no top origins, so whether it would refuse it cannot be asked");
        }
      }
    }
    return new Config(rpIds.get(0), exact, patterns, crossOrigin, exactTop, topPatterns);
  }

  /** Whether a subdomain or any-port entry is a pattern rpscope accepts (decided exactly). */
  private static boolean validPattern(String text) {
    if (!Patterns.isPattern(text)) {
      return false;
    }
    try {
      Patterns.parse(text);
      return true;
    } catch (Patterns.Invalid | Patterns.Unsupported e) {
      return false;
    }
  }

  /** Splits a list into exact entries (verbatim) and subdomain or any-port patterns (parsed). */
  private static void split(List<String> entries, List<String> exact, List<Patterns.Web> patterns)
      throws Skip {
    for (String o : entries) {
      if (!Patterns.isPattern(o)) {
        exact.add(o);
        continue;
      }
      try {
        patterns.add(Patterns.parse(o));
      } catch (Patterns.Invalid e) {
        throw new Skip("`" + o + "` is no valid rpscope pattern (" + e.getMessage() + "); webauthn4j "
            + "has no origin patterns, so this one would live in the RP's own OriginPredicate "
            + "(here the adapter's), and whether webauthn4j refuses it cannot be asked");
      } catch (Patterns.Unsupported e) {
        throw new Skip("`" + o + "`: " + e.getMessage() + "; the adapter's OriginPredicate matcher "
            + "(Patterns) parses plain ASCII host names only, and webauthn4j has no patterns of its own");
      }
    }
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
