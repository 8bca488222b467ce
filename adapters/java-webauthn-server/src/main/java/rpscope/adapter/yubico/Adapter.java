package rpscope.adapter.yubico;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Properties;

/**
 * rpscope adapter for Yubico's java-webauthn-server ({@code com.yubico:webauthn-server-core}),
 * server side, registration and authentication.
 *
 * <p>Run from the repository root after {@code bash adapters/java-webauthn-server/install.sh}:
 *
 * <pre>java -jar adapters/java-webauthn-server/target/rpscope-adapter-java-webauthn-server.jar</pre>
 *
 * <p>How a case's policy becomes a {@code RelyingParty} is in {@link Mapping}; the ceremonies are
 * in {@link Ceremonies}. adapters/java-webauthn-server/README.md describes both.
 */
public final class Adapter {
  static final String NAME = "java-webauthn-server";
  static final String HOMEPAGE = "https://github.com/Yubico/java-webauthn-server";

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
        } catch (IOException | RuntimeException e) {
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
          String cmd = command.path("cmd").asText("");
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
    // RelyingParty.origins is a set of strings (multiple-origins), compared exactly first, so
    // android:apk-key-hash:… entries work (app-origins); allowOriginSubdomain and allowOriginPort
    // express `*.host` and `host:*` where the policy needs them for every origin alike (Mapping).
    // cross-origin: only with no top_origins, a policy that admits no embedder, which is what
    // the library's only behaviour amounts to (Mapping). Not declared: multiple-rp-ids
    // (RelyingPartyIdentity has one id), top-origins (the library never reads crossOrigin or
    // topOrigin; CollectedClientData has no such field).
    caps.putArray("policy_features")
        .add("multiple-origins")
        .add("subdomain-origins")
        .add("any-port-origins")
        .add("app-origins")
        .add("cross-origin");
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
