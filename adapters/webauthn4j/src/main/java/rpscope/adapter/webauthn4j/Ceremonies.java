package rpscope.adapter.webauthn4j;

import com.webauthn4j.WebAuthnManager;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.credential.CredentialRecord;
import com.webauthn4j.credential.CredentialRecordImpl;
import com.webauthn4j.data.AuthenticationData;
import com.webauthn4j.data.AuthenticationParameters;
import com.webauthn4j.data.PublicKeyCredentialParameters;
import com.webauthn4j.data.PublicKeyCredentialType;
import com.webauthn4j.data.RegistrationData;
import com.webauthn4j.data.RegistrationParameters;
import com.webauthn4j.data.attestation.authenticator.AAGUID;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.authenticator.COSEKey;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.attestation.statement.NoneAttestationStatement;
import com.webauthn4j.data.client.Origin;
import com.webauthn4j.data.client.challenge.DefaultChallenge;
import com.webauthn4j.server.NoOriginPredicate;
import com.webauthn4j.server.OriginPredicate;
import com.webauthn4j.server.ServerProperty;
import com.webauthn4j.util.exception.WebAuthnException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The two ceremonies as webauthn4j's documentation and samples write them: a {@link
 * WebAuthnManager} from {@code createNonStrictWebAuthnManager()} (its samples call it the
 * configuration recommended for most web applications), {@code parseRegistrationResponseJSON} / {@code
 * parseAuthenticationResponseJSON} on the browser's JSON, then {@code verify} with {@link
 * RegistrationParameters} / {@link AuthenticationParameters} around a {@link ServerProperty}.
 */
final class Ceremonies {
  private static final String LIBRARY_PACKAGE = "com.webauthn4j.";

  private static final ObjectConverter CONVERTER = new ObjectConverter();
  private static final WebAuthnManager MANAGER = WebAuthnManager.createNonStrictWebAuthnManager(CONVERTER);

  private Ceremonies() {}

  /** The library's verdict. */
  sealed interface Outcome permits Accepted, Rejected {}

  record Accepted() implements Outcome {}

  record Rejected(String message) implements Outcome {}

  /** The request could not be turned into library calls: an adapter problem, never a verdict. */
  static final class BadRequest extends Exception {
    private static final long serialVersionUID = 1L;

    BadRequest(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The library threw something that is not its verification error. */
  static final class LibraryCrashed extends Exception {
    private static final long serialVersionUID = 1L;

    LibraryCrashed(String message, Throwable cause) {
      super(message, cause);
    }
  }

  static ObjectNode answer(JsonNode seq, JsonNode c) {
    if (c == null || !c.isObject()) {
      return Protocol.error(seq, "adapter: run without a case");
    }
    String id = c.path("id").asString("?");
    if (!"server".equals(c.path("side").asString(""))) {
      return Protocol.skipped(seq, "webauthn4j is a server-side library");
    }
    String ceremony = c.path("ceremony").asString("");
    try {
      Mapping.Config config = Mapping.of(c.path("policy"));
      Outcome outcome = switch (ceremony) {
        case "registration" -> register(config, c);
        case "authentication" -> authenticate(config, c);
        default -> throw new BadRequest("unknown ceremony " + c.path("ceremony"), null);
      };
      if (outcome instanceof Rejected r) {
        Protocol.log(id + " (" + ceremony + "): rejected: " + r.message());
        return Protocol.reject(seq, r.message());
      }
      return Protocol.accept(seq);
    } catch (Mapping.Skip s) {
      return Protocol.skipped(seq, s.getMessage());
    } catch (LibraryCrashed e) {
      Protocol.log(id + ": " + e.getMessage());
      e.getCause().printStackTrace(System.err);
      return Protocol.error(seq, e.getMessage());
    } catch (BadRequest e) {
      Protocol.log(id + ": unusable request: " + e.getMessage());
      return Protocol.error(seq, "adapter: unusable request: " + e.getMessage());
    } catch (RuntimeException e) {
      Protocol.log(id + ": adapter failure: " + e);
      e.printStackTrace(System.err);
      return Protocol.error(seq, "adapter bug: " + e);
    }
  }

  /**
   * A ServerProperty, or the library's refusal of the configuration; {@code undecided} collects
   * what the pattern predicate could not decide exactly (the case is then answered skipped).
   */
  private record Server(ServerProperty property, String refused, List<String> undecided) {
    Server(ServerProperty property, String refused) {
      this(property, refused, new ArrayList<>());
    }

    /** After the library decided: skipped if the predicate met an origin it cannot decide. */
    void checkDecided() throws Mapping.Skip {
      if (!undecided.isEmpty()) {
        throw new Mapping.Skip(undecided.get(0));
      }
    }
  }

  /**
   * The predicate for a list with subdomain or any-port patterns: the exact entries through the
   * library's own predicate (what origins(…) / topOrigins(…) build), the patterns through
   * {@link Patterns}. It names its entries for the library's BadOriginException message.
   */
  private record Predicate(OriginPredicate exact, List<Patterns.Web> patterns, List<String> undecided, String described)
      implements OriginPredicate {
    @Override
    public boolean test(Origin origin) {
      return exact.test(origin) || Patterns.matches(patterns, origin, undecided);
    }

    @Override
    public String toString() {
      return described;
    }
  }

  private static String describe(Set<Origin> exact, List<Patterns.Web> patterns) {
    List<String> all = new ArrayList<>();
    exact.forEach(o -> all.add(o.toString()));
    patterns.forEach(p -> all.add(p.written()));
    return String.join(", ", all);
  }

  /**
   * ServerProperty.builder(): origins(Set of Origin.create(…)) for the RP's own origins, rpId,
   * challenge; topOrigins(Set of Origin.create(…)) only when the RP allows being embedded
   * (TopOriginVerifier: a ServerProperty without a top-origin predicate refuses every
   * cross-origin ceremony and every topOrigin). A list with subdomain or any-port patterns goes
   * to originPredicate(…) / topOriginPredicate(…) instead, as a {@link Predicate}.
   */
  private static Server server(Mapping.Config config, byte[] challenge) throws LibraryCrashed {
    Set<Origin> origins = new LinkedHashSet<>();
    for (String o : config.origins()) {
      try {
        origins.add(Origin.create(o));
      } catch (IllegalArgumentException e) {
        // Origin.create documents IllegalArgumentException for a value it cannot read: the
        // library refuses this configuration.
        return new Server(null, "the library refused the configuration: Origin.create(\"" + o + "\"): " + e.getMessage());
      } catch (RuntimeException | StackOverflowError e) {
        throw crashed("Origin.create(\"" + o + "\")", e);
      }
    }
    Set<Origin> tops = new LinkedHashSet<>();
    for (String o : config.topOrigins()) {
      try {
        tops.add(Origin.create(o));
      } catch (IllegalArgumentException e) {
        return new Server(null, "the library refused the configuration: Origin.create(\"" + o + "\") (top origin): " + e.getMessage());
      } catch (RuntimeException | StackOverflowError e) {
        throw crashed("Origin.create(\"" + o + "\")", e);
      }
    }
    List<String> undecided = new ArrayList<>();
    try {
      ServerProperty.Builder builder = ServerProperty.builder()
          .rpId(config.rpId())
          .challenge(new DefaultChallenge(challenge));
      if (config.originPatterns().isEmpty()) {
        builder.origins(origins);
      } else {
        // origins(…) refuses an empty set; a policy of patterns only has no exact entry.
        OriginPredicate exact = origins.isEmpty()
            ? new NoOriginPredicate()
            : ServerProperty.builder().origins(origins).rpId(config.rpId()).build().getOriginPredicate();
        builder.originPredicate(new Predicate(exact, config.originPatterns(), undecided,
            describe(origins, config.originPatterns())));
      }
      if (config.allowCrossOrigin()) {
        builder.topOrigins(tops);
        if (!config.topOriginPatterns().isEmpty()) {
          OriginPredicate exact = ServerProperty.builder().originPredicate(new NoOriginPredicate())
              .rpId(config.rpId()).topOrigins(tops).build().getTopOriginPredicate();
          builder.topOriginPredicate(new Predicate(exact, config.topOriginPatterns(), undecided,
              describe(tops, config.topOriginPatterns())));
        }
      }
      return new Server(builder.build(), null, undecided);
    } catch (IllegalArgumentException e) {
      // ServerProperty.Builder checks its arguments with AssertUtil (IllegalArgumentException):
      // origins must not be empty, rpId must not be null.
      return new Server(null, "the library refused the configuration: ServerProperty: " + e.getMessage());
    } catch (RuntimeException | StackOverflowError e) {
      throw crashed("ServerProperty.builder()", e);
    }
  }

  static Outcome register(Mapping.Config config, JsonNode c)
      throws BadRequest, LibraryCrashed, Mapping.Skip {
    byte[] challenge = base64url(c, "challenge");
    String json = responseJson(c);
    Server server = server(config, challenge);
    if (server.refused() != null) {
      return new Rejected(server.refused());
    }
    RegistrationData data;
    try {
      data = MANAGER.parseRegistrationResponseJSON(json);
    } catch (WebAuthnException | JacksonException e) {
      // DataConversionException, or the JSON mapper's own exception (parse(String) reads the
      // envelope with JsonMapper.readValue, which webauthn4j does not wrap).
      return new Rejected(message(e));
    } catch (RuntimeException | StackOverflowError e) {
      throw crashed("parseRegistrationResponseJSON", e);
    }
    // The RP's pubKeyCredParams: ES256, the algorithm rpscope's authenticator uses.
    List<PublicKeyCredentialParameters> params = List.of(
        new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, COSEAlgorithmIdentifier.ES256));
    RegistrationParameters parameters = new RegistrationParameters(
        server.property(), params, userVerificationRequired(c), true);
    try {
      MANAGER.verify(data, parameters);
      server.checkDecided();
      return new Accepted();
    } catch (WebAuthnException e) {
      server.checkDecided();
      return new Rejected(message(e));
    } catch (RuntimeException | StackOverflowError e) {
      throw crashed("verify(RegistrationData, RegistrationParameters)", e);
    }
  }

  static Outcome authenticate(Mapping.Config config, JsonNode c)
      throws BadRequest, LibraryCrashed, Mapping.Skip {
    byte[] challenge = base64url(c, "challenge");
    String json = responseJson(c);
    JsonNode stored = c.get("credential");
    if (stored == null || !stored.isObject()) {
      throw new BadRequest("an authentication case without a credential", null);
    }
    byte[] credentialId = base64url(stored, "id");
    byte[] publicKey = base64url(stored, "public_key");
    long signCount = stored.path("sign_count").asLong(0);

    // The stored credential record, as an RP keeps it after a `none` registration of rpscope's
    // authenticator: its COSE key (read by the library's own CBOR converter), the counter, UV
    // set at registration, BE and BS clear (CredentialRecordImpl's explicit constructor).
    CredentialRecord record;
    try {
      COSEKey key = CONVERTER.getCborMapper().readValue(publicKey, COSEKey.class);
      if (key == null) {
        throw new BadRequest("the stored public key decodes to no COSE key", null);
      }
      record = new CredentialRecordImpl(
          new NoneAttestationStatement(),
          true,
          false,
          false,
          signCount,
          new AttestedCredentialData(AAGUID.ZERO, credentialId, key),
          null,
          null,
          null,
          null);
    } catch (WebAuthnException | JacksonException e) {
      throw new BadRequest("the stored credential's COSE key does not decode: " + message(e), e);
    } catch (RuntimeException | StackOverflowError e) {
      throw crashed("reading the stored COSE key", e);
    }

    Server server = server(config, challenge);
    if (server.refused() != null) {
      return new Rejected(server.refused());
    }
    AuthenticationData data;
    try {
      data = MANAGER.parseAuthenticationResponseJSON(json);
    } catch (WebAuthnException | JacksonException e) {
      return new Rejected(message(e));
    } catch (RuntimeException | StackOverflowError e) {
      throw crashed("parseAuthenticationResponseJSON", e);
    }
    // allowCredentials null: a usernameless request (discoverable credential), as the
    // java-webauthn-server adapter runs it too.
    AuthenticationParameters parameters = new AuthenticationParameters(
        server.property(), record, null, userVerificationRequired(c), true);
    try {
      MANAGER.verify(data, parameters);
      server.checkDecided();
      return new Accepted();
    } catch (WebAuthnException e) {
      server.checkDecided();
      return new Rejected(message(e));
    } catch (RuntimeException | StackOverflowError e) {
      throw crashed("verify(AuthenticationData, AuthenticationParameters)", e);
    }
  }

  private static boolean userVerificationRequired(JsonNode c) {
    return c.path("user_verification_required").asBoolean(false);
  }

  /** The library's own text; the class name in front when the message alone says little. */
  private static String message(Throwable e) {
    String m = e.getMessage();
    if (m == null || m.isBlank()) {
      return e.getClass().getName();
    }
    if (e instanceof JacksonException) {
      return e.getClass().getSimpleName() + ": " + m;
    }
    return m;
  }

  private static LibraryCrashed crashed(String what, Throwable e) {
    StackTraceElement where = null;
    for (StackTraceElement frame : e.getStackTrace()) {
      if (frame.getClassName().startsWith(LIBRARY_PACKAGE)) {
        where = frame;
        break;
      }
    }
    String message = where == null
        ? "adapter bug: " + what + " failed outside the library: " + e
        : "webauthn4j " + Adapter.LIBRARY_VERSION + " threw " + e + " in " + what + " (at " + where
            + "): a crash in the library, not its verification error";
    return new LibraryCrashed(message, e);
  }

  private static byte[] base64url(JsonNode node, String field) throws BadRequest {
    JsonNode value = node.get(field);
    if (value == null || !value.isString()) {
      throw new BadRequest("request field " + field + " is not a string", null);
    }
    try {
      return Base64.getUrlDecoder().decode(value.stringValue());
    } catch (IllegalArgumentException e) {
      throw new BadRequest("request field " + field + " is not base64url: " + e.getMessage(), e);
    }
  }

  private static String responseJson(JsonNode c) throws BadRequest {
    JsonNode response = c.get("response");
    if (response == null || !response.isObject()) {
      throw new BadRequest("the case has no response object", null);
    }
    try {
      return Protocol.JSON.writeValueAsString(response);
    } catch (JacksonException e) {
      throw new BadRequest("cannot serialise the response: " + e.getMessage(), e);
    }
  }
}
