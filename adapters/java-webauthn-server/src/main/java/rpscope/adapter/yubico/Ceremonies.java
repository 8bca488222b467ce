package rpscope.adapter.yubico;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.yubico.webauthn.AssertionRequest;
import com.yubico.webauthn.AssertionResult;
import com.yubico.webauthn.CredentialRepository;
import com.yubico.webauthn.FinishAssertionOptions;
import com.yubico.webauthn.FinishRegistrationOptions;
import com.yubico.webauthn.RegisteredCredential;
import com.yubico.webauthn.RegistrationResult;
import com.yubico.webauthn.RelyingParty;
import com.yubico.webauthn.StartAssertionOptions;
import com.yubico.webauthn.StartRegistrationOptions;
import com.yubico.webauthn.data.AuthenticatorAssertionResponse;
import com.yubico.webauthn.data.AuthenticatorAttestationResponse;
import com.yubico.webauthn.data.AuthenticatorSelectionCriteria;
import com.yubico.webauthn.data.ByteArray;
import com.yubico.webauthn.data.ClientAssertionExtensionOutputs;
import com.yubico.webauthn.data.ClientRegistrationExtensionOutputs;
import com.yubico.webauthn.data.PublicKeyCredential;
import com.yubico.webauthn.data.PublicKeyCredentialCreationOptions;
import com.yubico.webauthn.data.PublicKeyCredentialDescriptor;
import com.yubico.webauthn.data.RelyingPartyIdentity;
import com.yubico.webauthn.data.UserIdentity;
import com.yubico.webauthn.data.UserVerificationRequirement;
import com.yubico.webauthn.data.exception.Base64UrlException;
import com.yubico.webauthn.exception.AssertionFailedException;
import com.yubico.webauthn.exception.RegistrationFailedException;
import java.io.IOException;
import java.util.Optional;
import java.util.Set;

/**
 * The two ceremonies, run as java-webauthn-server's documentation describes them: {@code
 * startRegistration} / {@code finishRegistration} and {@code startAssertion} / {@code
 * finishAssertion} on a {@link RelyingParty}, the browser's JSON parsed with {@code
 * PublicKeyCredential.parseRegistrationResponseJson} / {@code parseAssertionResponseJson}.
 *
 * <p>The request's challenge replaces the random one {@code start…} generated, as an RP that
 * stored the options between the two halves of a ceremony would have it.
 */
final class Ceremonies {
  private static final String USERNAME = "rpscope-user";
  private static final String LIBRARY_PACKAGE = "com.yubico.";

  private Ceremonies() {}

  /** The library's verdict, or an adapter-side failure. */
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
    String id = c.path("id").asText("?");
    if (!"server".equals(c.path("side").asText())) {
      return Protocol.skipped(seq, "java-webauthn-server is a server-side library");
    }
    try {
      Mapping.Config config = Mapping.of(c.path("policy"));
      Outcome outcome = switch (c.path("ceremony").asText()) {
        case "registration" -> register(config, c);
        case "authentication" -> authenticate(config, c);
        default -> throw new BadRequest("unknown ceremony " + c.path("ceremony"), null);
      };
      if (outcome instanceof Rejected r) {
        Protocol.log(id + " (" + c.path("ceremony").asText() + "): rejected: " + r.message());
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

  static RelyingParty relyingParty(Mapping.Config config, CredentialRepository credentials) {
    // RelyingParty.builder(): identity and credentialRepository are required; origins replaces
    // the default {"https://" + rpId}; the two relaxations default to false and are set only
    // when the policy needs them (Mapping).
    return RelyingParty.builder()
        .identity(RelyingPartyIdentity.builder().id(config.rpId()).name("rpscope").build())
        .credentialRepository(credentials)
        .origins(config.origins())
        .allowOriginPort(config.allowOriginPort())
        .allowOriginSubdomain(config.allowOriginSubdomain())
        .build();
  }

  static Outcome register(Mapping.Config config, JsonNode c) throws BadRequest, LibraryCrashed {
    ByteArray challenge = base64url(c, "challenge");
    String json = responseJson(c);
    RelyingParty rp = library(() -> relyingParty(config, new Credentials(null)), "RelyingParty.builder()");
    PublicKeyCredentialCreationOptions options = library(
        () -> rp.startRegistration(StartRegistrationOptions.builder()
                .user(UserIdentity.builder()
                    .name(USERNAME)
                    .displayName(USERNAME)
                    .id(new ByteArray(USERNAME.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                    .build())
                .authenticatorSelection(AuthenticatorSelectionCriteria.builder()
                    .userVerification(userVerification(c))
                    .build())
                .build())
            .toBuilder()
            .challenge(challenge)
            .build(),
        "startRegistration");

    PublicKeyCredential<AuthenticatorAttestationResponse, ClientRegistrationExtensionOutputs> pkc;
    try {
      pkc = PublicKeyCredential.parseRegistrationResponseJson(json);
    } catch (IOException e) {
      // The library refused to read the response (its Jackson codec wraps the reason).
      return new Rejected(e.getMessage());
    } catch (RuntimeException e) {
      throw crashed("parseRegistrationResponseJson", e);
    }
    try {
      RegistrationResult result = rp.finishRegistration(
          FinishRegistrationOptions.builder().request(options).response(pkc).build());
      if (result == null) {
        throw new LibraryCrashed("java-webauthn-server " + Adapter.LIBRARY_VERSION
            + ": finishRegistration returned null", new NullPointerException());
      }
      return new Accepted();
    } catch (RegistrationFailedException e) {
      return new Rejected(verificationMessage(e));
    } catch (RuntimeException | StackOverflowError e) {
      throw crashed("finishRegistration", e);
    }
  }

  static Outcome authenticate(Mapping.Config config, JsonNode c) throws BadRequest, LibraryCrashed {
    ByteArray challenge = base64url(c, "challenge");
    String json = responseJson(c);
    JsonNode stored = c.get("credential");
    if (stored == null || !stored.isObject()) {
      throw new BadRequest("an authentication case without a credential", null);
    }
    ByteArray credentialId = base64url(stored, "id");
    ByteArray publicKey = base64url(stored, "public_key");
    long signCount = stored.path("sign_count").asLong(0);

    PublicKeyCredential<AuthenticatorAssertionResponse, ClientAssertionExtensionOutputs> pkc;
    try {
      pkc = PublicKeyCredential.parseAssertionResponseJson(json);
    } catch (IOException e) {
      return new Rejected(e.getMessage());
    } catch (RuntimeException e) {
      throw crashed("parseAssertionResponseJson", e);
    }
    // The protocol gives the stored credential without the user it belongs to; every assertion
    // rpscope sends carries a userHandle, so the stored record is filed under that handle and the
    // repository lookup (FinishAssertionSteps.Step6) depends on the credential id alone.
    ByteArray userHandle = pkc.getResponse().getUserHandle().orElse(new ByteArray(new byte[0]));
    RegisteredCredential record = RegisteredCredential.builder()
        .credentialId(credentialId)
        .userHandle(userHandle)
        .publicKeyCose(publicKey)
        .signatureCount(signCount)
        .build();
    RelyingParty rp = library(() -> relyingParty(config, new Credentials(record)), "RelyingParty.builder()");
    // A usernameless (discoverable credential) request: startAssertion with no username, the user
    // identified by the response's userHandle.
    AssertionRequest request = library(() -> {
      AssertionRequest started = rp.startAssertion(StartAssertionOptions.builder()
          .userVerification(userVerification(c))
          .build());
      return started.toBuilder()
          .publicKeyCredentialRequestOptions(started.getPublicKeyCredentialRequestOptions()
              .toBuilder()
              .challenge(challenge)
              .build())
          .build();
    }, "startAssertion");
    try {
      AssertionResult result = rp.finishAssertion(
          FinishAssertionOptions.builder().request(request).response(pkc).build());
      if (!result.isSuccess()) {
        // finishAssertion throws on every failed step; isSuccess() is kept for old callers.
        return new Rejected("finishAssertion returned isSuccess() == false");
      }
      return new Accepted();
    } catch (AssertionFailedException e) {
      return new Rejected(verificationMessage(e));
    } catch (RuntimeException | StackOverflowError e) {
      throw crashed("finishAssertion", e);
    }
  }

  /** The request's user_verification_required (false throughout the corpus) as the RP asks for it. */
  private static UserVerificationRequirement userVerification(JsonNode c) {
    return c.path("user_verification_required").asBoolean(false)
        ? UserVerificationRequirement.REQUIRED
        : UserVerificationRequirement.PREFERRED;
  }

  /**
   * RegistrationFailedException and AssertionFailedException wrap the IllegalArgumentException a
   * failed step throws (ExceptionUtil.assertTrue); the step's own text is the cause's message.
   */
  private static String verificationMessage(Exception e) {
    Throwable cause = e.getCause();
    if (cause instanceof IllegalArgumentException && cause.getMessage() != null) {
      return cause.getMessage();
    }
    return e.getMessage();
  }

  private interface LibraryCall<T> {
    T call();
  }

  /** Runs a configuration step of the library; anything it throws is not a verdict on the response. */
  private static <T> T library(LibraryCall<T> call, String what) throws LibraryCrashed {
    try {
      return call.call();
    } catch (RuntimeException | StackOverflowError e) {
      throw crashed(what, e);
    }
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
        : "java-webauthn-server " + Adapter.LIBRARY_VERSION + " threw " + e
            + " in " + what + " (at " + where + "): a crash in the library, not its verification error";
    return new LibraryCrashed(message, e);
  }

  private static ByteArray base64url(JsonNode node, String field) throws BadRequest {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new BadRequest("request field " + field + " is not a string", null);
    }
    try {
      return ByteArray.fromBase64Url(value.textValue());
    } catch (Base64UrlException | RuntimeException e) {
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
    } catch (JsonProcessingException e) {
      throw new BadRequest("cannot serialise the response: " + e.getMessage(), e);
    }
  }

  /**
   * The in-memory CredentialRepository an RP backs its database with: one user, {@link #USERNAME},
   * and for authentication the one credential the request stores.
   */
  static final class Credentials implements CredentialRepository {
    private final RegisteredCredential stored;

    Credentials(RegisteredCredential stored) {
      this.stored = stored;
    }

    @Override
    public Set<PublicKeyCredentialDescriptor> getCredentialIdsForUsername(String username) {
      if (stored == null || !USERNAME.equals(username)) {
        return Set.of();
      }
      return Set.of(PublicKeyCredentialDescriptor.builder().id(stored.getCredentialId()).build());
    }

    @Override
    public Optional<ByteArray> getUserHandleForUsername(String username) {
      if (stored == null || !USERNAME.equals(username)) {
        return Optional.empty();
      }
      return Optional.of(stored.getUserHandle());
    }

    @Override
    public Optional<String> getUsernameForUserHandle(ByteArray userHandle) {
      if (stored == null || !stored.getUserHandle().equals(userHandle)) {
        return Optional.empty();
      }
      return Optional.of(USERNAME);
    }

    @Override
    public Optional<RegisteredCredential> lookup(ByteArray credentialId, ByteArray userHandle) {
      if (stored == null
          || !stored.getCredentialId().equals(credentialId)
          || !stored.getUserHandle().equals(userHandle)) {
        return Optional.empty();
      }
      return Optional.of(stored);
    }

    @Override
    public Set<RegisteredCredential> lookupAll(ByteArray credentialId) {
      if (stored == null || !stored.getCredentialId().equals(credentialId)) {
        return Set.of();
      }
      return Set.of(stored);
    }
  }
}
