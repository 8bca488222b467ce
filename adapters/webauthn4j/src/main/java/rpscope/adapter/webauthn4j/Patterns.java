package rpscope.adapter.webauthn4j;

import com.webauthn4j.data.client.Origin;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * rpscope's subdomain ({@code scheme://*.host}) and any-port ({@code scheme://host:*}) origin
 * patterns, for the {@code OriginPredicate} of an RP whose policy has them.
 *
 * <p>webauthn4j takes exact origins ({@code ServerProperty.Builder#origins}) and, "for complicated
 * conditions", an {@code OriginPredicate} the RP writes ({@code #originPredicate},
 * {@code #topOriginPredicate}). This class is the pattern part of such a predicate, written to
 * mean exactly what rpscope's patterns mean (crates/rpscope-core/src/server/pattern.rs,
 * matcher.rs): {@code *.host} admits strict subdomains at a dot boundary with the same scheme and
 * port, never the apex, and is invalid over a public suffix (decided with rpscope's own vendored
 * Public Suffix List); {@code host:*} admits that scheme and host on any port. It sees the
 * {@link Origin} the library parsed from {@code clientDataJSON}, as the library's own
 * {@code SimpleOriginPredicate} does.
 *
 * <p>It handles plain ASCII host names only: a pattern whose host needs more of the URL
 * Standard's host parser (IDNA, an {@code xn--} label, an IP address, a host ending in a number,
 * other characters) is {@link Unsupported}, and so is the verdict on a presented host with an
 * {@code xn--} label that a pattern would admit (rpscope admits it only if it is valid punycode,
 * which needs UTS #46). The adapter answers {@code skipped} for both rather than guess.
 */
final class Patterns {

  /** The pattern is not valid under rpscope's grammar (rpscope refuses the policy). */
  static final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;

    Invalid(String message) {
      super(message);
    }
  }

  /** Deciding this exactly needs host parsing this class does not implement. */
  static final class Unsupported extends Exception {
    private static final long serialVersionUID = 1L;

    Unsupported(String message) {
      super(message);
    }
  }

  /** A parsed pattern; {@code port} is null for any port. */
  record Web(String scheme, String host, Integer port, boolean subdomains, String written) {
    boolean admits(String presentedScheme, String presentedHost, int presentedPort) {
      if (!scheme.equals(presentedScheme) || (port != null && port != presentedPort)) {
        return false;
      }
      if (!subdomains) {
        return presentedHost.equals(host);
      }
      int dot = presentedHost.length() - host.length() - 1;
      return dot > 0 && presentedHost.charAt(dot) == '.' && presentedHost.endsWith(host);
    }

    @Override
    public String toString() {
      return written;
    }
  }

  /** The characters a serialised host may hold (presented.rs HOST_BYTES). */
  private static final String HOST_CHARS =
      "abcdefghijklmnopqrstuvwxyz0123456789!\"$&'()*+,-.;=_`{}~";

  /** Letters, digits, `-`, dot-separated labels, none empty, no trailing dot. */
  private static final Pattern PLAIN_HOST = Pattern.compile("^[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*$");

  private Patterns() {}

  /** The authority of an http(s) pattern as rpscope's runner classifies it, or null. */
  static String webAuthority(String pattern) {
    String lower = pattern.toLowerCase(Locale.ROOT);
    String rest;
    if (lower.startsWith("https://")) {
      rest = pattern.substring(8);
    } else if (lower.startsWith("http://")) {
      rest = pattern.substring(7);
    } else {
      return null;
    }
    int slash = rest.indexOf('/');
    return slash < 0 ? rest : rest.substring(0, slash);
  }

  /** Whether the runner counts this entry as a subdomain or any-port pattern. */
  static boolean isPattern(String pattern) {
    String authority = webAuthority(pattern);
    return authority != null && (authority.startsWith("*.") || authority.endsWith(":*"));
  }

  private static int defaultPort(String scheme) {
    return "https".equals(scheme) ? 443 : 80;
  }

  /** URL Standard "ends in a number" (presented.rs ends_in_a_number). */
  static boolean endsInANumber(String host) {
    String h = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    String last = h.substring(h.lastIndexOf('.') + 1);
    if (!last.isEmpty() && last.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return true;
    }
    if (last.startsWith("0x") || last.startsWith("0X")) {
      return last.substring(2).chars().allMatch(c -> Character.digit(c, 16) >= 0 && c < 128);
    }
    return false;
  }

  private static boolean hasPunycodeLabel(String host) {
    for (String label : host.split("\\.", -1)) {
      if (label.startsWith("xn--")) {
        return true;
      }
    }
    return false;
  }

  /** Parses a {@code *.} or {@code :*} pattern as pattern.rs does. */
  static Web parse(String text) throws Invalid, Unsupported {
    String lower = text.toLowerCase(Locale.ROOT);
    String scheme;
    String rest;
    if (lower.startsWith("https://")) {
      scheme = "https";
      rest = text.substring(8);
    } else if (lower.startsWith("http://")) {
      scheme = "http";
      rest = text.substring(7);
    } else {
      throw new Unsupported("`" + text + "` is not a web pattern");
    }
    int end = rest.length();
    for (char c : new char[] {'/', '?', '#'}) {
      int i = rest.indexOf(c);
      if (i >= 0 && i < end) {
        end = i;
      }
    }
    String authority = rest.substring(0, end);
    String tail = rest.substring(end);
    if (!tail.isEmpty() && !tail.equals("/")) {
      throw new Invalid("a policy origin has no path, query or fragment");
    }
    if (authority.contains("@")) {
      throw new Invalid("a policy origin has no userinfo");
    }
    boolean anyPort = authority.endsWith(":*");
    String hostPart = anyPort ? authority.substring(0, authority.length() - 2) : authority;
    boolean subdomains = hostPart.startsWith("*.");
    if (subdomains) {
      hostPart = hostPart.substring(2);
    }
    if (hostPart.contains("*")) {
      throw new Invalid("`*` may only stand as the first label (`*.example.com`) or as the port (`:*`)");
    }
    // What Url::parse("{scheme}://{hostPart}/") does, for the hosts handled here.
    int colon = hostPart.indexOf(':');
    String host = colon < 0 ? hostPart : hostPart.substring(0, colon);
    String portText = colon < 0 ? null : hostPart.substring(colon + 1);
    if (host.startsWith("[")) {
      throw new Unsupported("an IPv6 host needs the URL Standard's IPv6 parser");
    }
    if (host.isEmpty()) {
      throw new Invalid("it has no host");
    }
    if (!PLAIN_HOST.matcher(host).matches()) {
      throw new Unsupported("the host `" + host + "` is not a plain ASCII host name (letters, digits, "
          + "`-`, non-empty labels, no trailing dot); it needs the URL Standard's host parser");
    }
    host = host.toLowerCase(Locale.ROOT);
    if (hasPunycodeLabel(host)) {
      throw new Unsupported("the host `" + host + "` has an `xn--` label, which only IDNA (UTS #46) can validate");
    }
    if (endsInANumber(host)) {
      throw new Unsupported("the host `" + host + "` ends in a number, which the URL Standard's IPv4 parser decides");
    }
    int port = defaultPort(scheme);
    if (portText != null && !portText.isEmpty()) {
      if (!portText.chars().allMatch(c -> c >= '0' && c <= '9')) {
        throw new Invalid("not a web origin: invalid port number");
      }
      String trimmed = portText.replaceFirst("^0+(?=.)", "");
      if (trimmed.length() > 5 || Integer.parseInt(trimmed) > 65535) {
        throw new Invalid("not a web origin: invalid port number");
      }
      port = Integer.parseInt(trimmed);
    }
    if (subdomains && PublicSuffixList.get().publicSuffix(host).equals(host)) {
      throw new Invalid("`*." + host + "` would admit every site under the public suffix `" + host
          + "`, which no one owner controls");
    }
    return new Web(scheme, host, anyPort ? null : port, subdomains, text);
  }

  /**
   * Whether any pattern admits the origin the library parsed; an undecidable verdict (an
   * {@code xn--} label a pattern would admit) is noted in {@code undecided} and answered false.
   */
  static boolean matches(List<Web> patterns, Origin origin, List<String> undecided) {
    if (origin == null || patterns.isEmpty()) {
      return false;
    }
    String scheme = origin.getScheme();
    String host = origin.getHost();
    Integer port = origin.getPort();
    if (!("https".equals(scheme) || "http".equals(scheme)) || host == null || port == null) {
      return false;
    }
    if (port < 0 || port > 65535) {
      // java.net.URI does not range-check ports, so Origin carries e.g. 65536; no serialised
      // origin has such a port, and rpscope refuses it.
      return false;
    }
    if (host.isEmpty() || host.chars().anyMatch(c -> HOST_CHARS.indexOf(c) < 0)) {
      return false; // an IPv6 address, or no serialised host: never a domain pattern's match
    }
    if (endsInANumber(host)) {
      return false; // an IPv4 address (or no origin at all)
    }
    boolean admitted = false;
    for (Web p : patterns) {
      admitted |= p.admits(scheme, host, port);
    }
    if (admitted && hasPunycodeLabel(host)) {
      undecided.add("the presented host `" + host + "` has an `xn--` label: rpscope admits it only if "
          + "it is valid punycode (IDNA, UTS #46), which the adapter's matcher does not check");
      return false;
    }
    return admitted;
  }

  /**
   * The Public Suffix List algorithm (both sections, wildcard and exception rules, the implicit
   * {@code *} rule) over plain ASCII hosts without {@code xn--} labels, read from rpscope's
   * vendored copy ({@code data/psl/public_suffix_list.dat} of the checkout the jar was built in).
   */
  static final class PublicSuffixList {
    private static PublicSuffixList instance;

    private final Set<String> rules = new HashSet<>();
    private final Set<String> wildcards = new HashSet<>();
    private final Set<String> exceptions = new HashSet<>();

    static synchronized PublicSuffixList get() {
      if (instance == null) {
        instance = new PublicSuffixList(find());
      }
      return instance;
    }

    /** data/psl/public_suffix_list.dat in the nearest ancestor of the jar that has one. */
    private static Path find() {
      Path start;
      try {
        start = Path.of(Patterns.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      } catch (URISyntaxException | RuntimeException e) {
        start = Path.of("").toAbsolutePath();
      }
      for (Path dir = start; dir != null; dir = dir.getParent()) {
        Path candidate = dir.resolve("data").resolve("psl").resolve("public_suffix_list.dat");
        if (Files.isRegularFile(candidate)) {
          return candidate;
        }
      }
      throw new IllegalStateException("rpscope's data/psl/public_suffix_list.dat not found above " + start);
    }

    private PublicSuffixList(Path path) {
      List<String> lines;
      try {
        lines = Files.readAllLines(path, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new IllegalStateException("cannot read " + path, e);
      }
      for (String raw : lines) {
        String line = raw.strip();
        if (line.isEmpty() || line.startsWith("//")) {
          continue;
        }
        String rule = line.split("\\s+")[0].toLowerCase(Locale.ROOT);
        if (!rule.chars().allMatch(c -> c < 128)) {
          continue; // an IDN rule: no label of a plain ASCII host can equal it
        }
        if (rule.startsWith("!")) {
          exceptions.add(rule.substring(1));
        } else if (rule.startsWith("*.")) {
          wildcards.add(rule.substring(2));
        } else {
          rules.add(rule);
        }
      }
    }

    String publicSuffix(String host) {
      String[] labels = host.split("\\.", -1);
      for (int i = 0; i < labels.length; i++) {
        if (exceptions.contains(join(labels, i))) {
          return join(labels, i + 1);
        }
      }
      for (int i = 0; i < labels.length; i++) {
        if (rules.contains(join(labels, i))) {
          return join(labels, i);
        }
        if (i + 1 < labels.length && wildcards.contains(join(labels, i + 1))) {
          return join(labels, i);
        }
      }
      return labels[labels.length - 1];
    }

    private static String join(String[] labels, int from) {
      List<String> tail = new ArrayList<>();
      for (int i = from; i < labels.length; i++) {
        tail.add(labels[i]);
      }
      return String.join(".", tail);
    }
  }
}
