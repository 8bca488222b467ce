package rpscope.adapter.webauthn4j;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Properties;

/**
 * rpscope adapter for webauthn4j ({@code com.webauthn4j:webauthn4j-core}), server side,
 * registration and authentication.
 *
 * <p>Run from the repository root after {@code bash adapters/webauthn4j/install.sh}:
 *
 * <pre>java -jar adapters/webauthn4j/target/rpscope-adapter-webauthn4j.jar</pre>
 *
 * <p>How a case's policy becomes a {@code ServerProperty} is in {@link Mapping}; the ceremonies
 * are in {@link Ceremonies}. adapters/webauthn4j/README.md describes both.
 */
public final class Adapter {
  static final String NAME = "webauthn4j";
  static final String HOMEPAGE = "https://github.com/webauthn4j/webauthn4j";

  /** The library version the build bundled (the pom's pin, filtered into the jar). */
  static final String LIBRARY_VERSION = buildProperty("library.version");

  private Adapter() {}

  public static void main(String[] args) {
    System.exit(serve(System.in, new BufferedOutputStream(new FileOutputStream(FileDescriptor.out))));
  }

  static int serve(InputStream in, OutputStream out) {
    Protocol.LineReader lines = new Protocol.LineReader(in);
    while (true) {
      Protocol.Line line;
      try {
        line = lines.next();
      } catch (IOException e) {
        Protocol.log("stdin failed: " + e);
        return 2;
      }
      if (line == null) {
        return 0; // the runner went away without `stop`
      }
      if (!line.tooLong() && Protocol.isBlank(line.bytes())) {
        continue;
      }
      ObjectNode reply = null;
      if (line.tooLong()) {
        Long seq = Protocol.seqOf(line.bytes());
        String why = "request line of " + line.length() + " bytes is longer than the adapter reads ("
            + Protocol.MAX_LINE_BYTES + ")";
        if (seq == null) {
          Protocol.log(why + ", and no seq could be read from it; exiting");
          return 2;
        }
        reply = Protocol.error(JsonNodeFactory.instance.numberNode(seq), "adapter: " + why);
      } else {
        JsonNode command;
        try {
          command = Protocol.JSON.readTree(line.bytes());
        } catch (RuntimeException e) { // tools.jackson.core.JacksonException is unchecked
          command = null;
          Long seq = Protocol.seqOf(line.bytes());
          String why = "request is not JSON: " + e.getMessage();
          if (seq == null) {
            Protocol.log(why + "; exiting");
            return 2;
          }
          Protocol.log(why);
          reply = Protocol.error(JsonNodeFactory.instance.numberNode(seq), "adapter: " + why);
        }
        if (command != null) {
          String cmd = command.path("cmd").asString("");
          switch (cmd) {
            case "start" -> {
              if (command.path("protocol").asInt(-1) != Protocol.VERSION) {
                Protocol.log("the runner speaks protocol " + command.path("protocol")
                    + "; this adapter speaks " + Protocol.VERSION);
              }
              reply = hello();
            }
            case "stop" -> {
              return 0;
            }
            case "run" -> reply = Ceremonies.answer(command.get("seq"), command.get("case"));
            default -> {
              Protocol.log("ignoring unknown command " + command.path("cmd"));
              if (!command.has("seq")) {
                continue;
              }
              reply = Protocol.error(command.get("seq"), "adapter: unknown command " + command.path("cmd"));
            }
          }
        }
      }
      if (reply == null) {
        continue;
      }
      try {
        Protocol.write(out, reply);
      } catch (IOException e) {
        Protocol.log("stdout closed (" + e.getMessage() + "); exiting");
        return 0;
      }
    }
  }

  static ObjectNode hello() {
    ObjectNode hello = JsonNodeFactory.instance.objectNode();
    hello.put("protocol", Protocol.VERSION);
    ObjectNode impl = hello.putObject("implementation");
    impl.put("name", NAME);
    impl.put("version", LIBRARY_VERSION);
    impl.put("language", "java");
    impl.put("homepage", HOMEPAGE);
    ObjectNode caps = hello.putObject("capabilities");
    caps.putArray("sides").add("server");
    caps.putArray("ceremonies").add("registration").add("authentication");
    // ServerProperty takes a set of origins (multiple-origins), compared as Origin objects, which
    // keep a non-web origin's scheme-specific part whole, so android:apk-key-hash:… entries work
    // (app-origins). allow_cross_origin = true is written as topOrigins(…), the set of pages the
    // RP may be embedded in (cross-origin, top-origins; TopOriginVerifier). Subdomain and
    // any-port patterns go to originPredicate(…) / topOriginPredicate(…), the library's route
    // "for complicated conditions", matched by the adapter's Patterns (subdomain-origins,
    // any-port-origins): that matching is the adapter's, what the library does around it is
    // what those cases test.
    // Not declared: multiple-rp-ids (ServerProperty has one rpId).
    caps.putArray("policy_features")
        .add("multiple-origins")
        .add("subdomain-origins")
        .add("any-port-origins")
        .add("app-origins")
        .add("cross-origin")
        .add("top-origins");
    return hello;
  }

  private static String buildProperty(String key) {
    Properties p = new Properties();
    try (InputStream in = Adapter.class.getResourceAsStream("/rpscope-adapter.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      Protocol.log("cannot read rpscope-adapter.properties: " + e);
    }
    return p.getProperty(key, "unknown");
  }
}
