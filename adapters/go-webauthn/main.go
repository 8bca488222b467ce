// Command rpscope-adapter-go-webauthn puts go-webauthn (github.com/go-webauthn/webauthn) behind
// rpscope's adapter protocol, version 1 (docs/protocol.md): JSON Lines on stdin and stdout, one
// answer per request, in order, logs on stderr. Server side, both ceremonies.
//
// Build and run from the repository root:
//
//	bash adapters/go-webauthn/install.sh
//	rpscope conformance --target 'adapter:adapters/go-webauthn/bin/rpscope-adapter-go-webauthn'
//
// Each case's policy becomes a webauthn.Config, written as the library's documentation tells an RP
// to write one (webauthn/types.go, Config): RPID, RPDisplayName, RPOrigins (every origin string
// verbatim), RPAllowCrossOrigin, RPTopOrigins (verbatim) and RPTopOriginVerificationMode
// (Explicit). The response goes through the library's own parser and verifier:
//
//	registration:    webauthn.New -> BeginRegistration -> protocol.ParseCredentialCreationResponseBody
//	                 -> CreateCredential
//	authentication:  webauthn.New -> BeginLogin -> protocol.ParseCredentialRequestResponseBody
//	                 -> ValidateLogin
//
// The SessionData the Begin call returns is kept, as an RP stores it between the two halves of a
// ceremony, with the case's challenge in place of the random one. No check is made here: every
// verdict is the library's.
package main

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"
)

const (
	protocolVersion = 1
	modulePath      = "github.com/go-webauthn/webauthn"
	homepage        = "https://github.com/go-webauthn/webauthn"

	// maxLine bounds one request line. The runner's largest requests are a few KiB; a longer
	// line is answered with an error (when its seq can be read) and skipped, never buffered whole.
	maxLine = 16 << 20

	// rpDisplayName is what BeginRegistration requires in Config.RPDisplayName; it plays no part
	// in verification.
	rpDisplayName = "rpscope"
)

// registrationUserHandle is the user.id of the account a registration is for. Any 1 to 64 bytes
// do: the library compares it only with the SessionData's UserID, which BeginRegistration copies
// from the same user.
var registrationUserHandle = []byte("rpscope-registration-user")

// fallbackUserHandle is the account of an assertion that carries no userHandle.
var fallbackUserHandle = []byte("rpscope-user")

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "go-webauthn adapter: "+format+"\n", args...)
}

// ---------------------------------------------------------------------------------------------
// The protocol's messages (adapters/protocol/*.schema.json). Unknown fields are ignored, as the
// protocol asks.

type command struct {
	Cmd      string          `json:"cmd"`
	Protocol int             `json:"protocol"`
	Seq      json.RawMessage `json:"seq"`
	Case     json.RawMessage `json:"case"`
}

type policy struct {
	RPIDs            []string `json:"rp_ids"`
	Origins          []string `json:"origins"`
	AllowCrossOrigin bool     `json:"allow_cross_origin"`
	TopOrigins       []string `json:"top_origins"`
}

type storedCredential struct {
	ID        string `json:"id"`
	PublicKey string `json:"public_key"`
	Algorithm int64  `json:"algorithm"`
	SignCount uint32 `json:"sign_count"`
}

type serverCase struct {
	Side                     string            `json:"side"`
	ID                       string            `json:"id"`
	Ceremony                 string            `json:"ceremony"`
	Policy                   policy            `json:"policy"`
	Challenge                string            `json:"challenge"`
	Response                 json.RawMessage   `json:"response"`
	Credential               *storedCredential `json:"credential"`
	UserVerificationRequired bool              `json:"user_verification_required"`
}

type answer struct {
	Seq     json.RawMessage `json:"seq"`
	Result  string          `json:"result"`
	Message string          `json:"message,omitempty"`
}

type implementation struct {
	Name     string `json:"name"`
	Version  string `json:"version"`
	Language string `json:"language"`
	Homepage string `json:"homepage"`
}

type capabilities struct {
	Sides          []string `json:"sides"`
	Ceremonies     []string `json:"ceremonies"`
	PolicyFeatures []string `json:"policy_features"`
}

type hello struct {
	Protocol       int            `json:"protocol"`
	Implementation implementation `json:"implementation"`
	Capabilities   capabilities   `json:"capabilities"`
}

// libraryVersion is the go-webauthn version linked into this binary, as the build recorded it,
// so the handshake names what actually runs.
func libraryVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == modulePath {
				if dep.Replace != nil {
					return dep.Replace.Version + " (replaced: " + dep.Replace.Path + ")"
				}
				return dep.Version
			}
		}
	}
	return "unknown"
}

func handshake() hello {
	return hello{
		Protocol: protocolVersion,
		Implementation: implementation{
			Name:     modulePath,
			Version:  libraryVersion(),
			Language: "go",
			Homepage: homepage,
		},
		Capabilities: capabilities{
			Sides:      []string{"server"},
			Ceremonies: []string{"registration", "authentication"},
			// multiple-origins: Config.RPOrigins is a list.
			// app-origins: RPOrigins entries that are not http(s) URLs are compared as plain strings
			//   (protocol/client.go IsOriginInHaystack).
			// cross-origin: Config.RPAllowCrossOrigin.
			// top-origins: Config.RPTopOrigins with TopOriginExplicitVerificationMode, which matches
			//   topOrigin against RPTopOrigins only, as rpscope's top_origins means.
			// Not declared: several RP IDs (Config.RPID is one string), subdomain and any-port
			// patterns (origins are compared by scheme and host, nothing else).
			PolicyFeatures: []string{"multiple-origins", "app-origins", "cross-origin", "top-origins"},
		},
	}
}

// ---------------------------------------------------------------------------------------------
// The policy as a webauthn.Config.

// errSkip marks a policy that cannot be written as a webauthn.Config exactly.
type errSkip struct{ why string }

func (e errSkip) Error() string { return e.why }

// isWildcard says whether an origin pattern uses rpscope's wildcard grammar
// (crates/rpscope-core/src/server/pattern.rs): a host `*.…` or a port `*`. go-webauthn has no
// such syntax, so such a policy cannot be written for it.
func isWildcard(pattern string) bool {
	lower := strings.ToLower(pattern)
	var rest string
	switch {
	case strings.HasPrefix(lower, "https://"):
		rest = pattern[len("https://"):]
	case strings.HasPrefix(lower, "http://"):
		rest = pattern[len("http://"):]
	default:
		return false
	}
	authority := rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		authority = rest[:i]
	}
	return strings.HasPrefix(authority, "*.") || strings.HasSuffix(authority, ":*")
}

// config writes the case's policy as the webauthn.Config an RP would write.
func config(c *serverCase) (*webauthn.Config, error) {
	p := c.Policy
	if len(p.RPIDs) > 1 {
		// The runner filters these (multiple-rp-ids is not declared); answer the same if one arrives.
		return nil, errSkip{"go-webauthn's Config.RPID is one string: a policy with several RP IDs cannot be written"}
	}
	for _, o := range p.Origins {
		if isWildcard(o) {
			return nil, errSkip{fmt.Sprintf("go-webauthn compares RPOrigins by scheme and host (protocol/client.go IsOriginInHaystack) and has no wildcard syntax, so the pattern %q cannot be written", o)}
		}
	}
	for _, o := range p.TopOrigins {
		if isWildcard(o) {
			return nil, errSkip{fmt.Sprintf("go-webauthn compares RPTopOrigins by scheme and host (protocol/client.go IsOriginInHaystack) and has no wildcard syntax, so the top-origin pattern %q cannot be written", o)}
		}
	}
	rpID := ""
	if len(p.RPIDs) == 1 {
		rpID = p.RPIDs[0]
	}
	uv := protocol.VerificationPreferred
	if c.UserVerificationRequired {
		uv = protocol.VerificationRequired
	}
	return &webauthn.Config{
		RPID:          rpID,
		RPDisplayName: rpDisplayName,
		// Verbatim, app origins included: RPOrigins "can either be fully qualified origins or
		// strings for simple string comparison" (webauthn/types.go, Config.RPOrigins).
		RPOrigins:          append([]string(nil), p.Origins...),
		RPAllowCrossOrigin: p.AllowCrossOrigin,
		// Verbatim. With RPAllowCrossOrigin false the library never consults them.
		RPTopOrigins: append([]string(nil), p.TopOrigins...),
		// Explicit: topOrigin must be in RPTopOrigins (protocol/client.go,
		// TopOriginExplicitVerificationMode), which is what rpscope's top_origins says. It is also
		// what Config.validate coerces the zero value to; it is written out to be plain.
		RPTopOriginVerificationMode: protocol.TopOriginExplicitVerificationMode,
		AuthenticatorSelection: protocol.AuthenticatorSelection{
			UserVerification: uv,
		},
	}, nil
}

// ---------------------------------------------------------------------------------------------
// The in-memory account.

type user struct {
	handle      []byte
	credentials []webauthn.Credential
}

func (u *user) WebAuthnID() []byte                         { return u.handle }
func (u *user) WebAuthnName() string                       { return "rpscope" }
func (u *user) WebAuthnDisplayName() string                { return "rpscope" }
func (u *user) WebAuthnCredentials() []webauthn.Credential { return u.credentials }

// storedRecord is the credential record an RP keeps after registering rpscope's authenticator
// (WebAuthn L3 §7.1 step 27): its id, its COSE public key and its counter from the request; the
// rest is what that `none` registration records: format and type `none`, the all-zero AAGUID, UP
// and UV set, BE and BS clear (rpscope-ceremony's authenticator data carries UP|UV only).
func storedRecord(s *storedCredential) (webauthn.Credential, error) {
	id, err := base64.RawURLEncoding.DecodeString(s.ID)
	if err != nil {
		return webauthn.Credential{}, fmt.Errorf("credential.id is not base64url: %w", err)
	}
	key, err := base64.RawURLEncoding.DecodeString(s.PublicKey)
	if err != nil {
		return webauthn.Credential{}, fmt.Errorf("credential.public_key is not base64url: %w", err)
	}
	return webauthn.Credential{
		ID:                id,
		PublicKey:         key,
		AttestationType:   "none",
		AttestationFormat: "none",
		Flags:             webauthn.CredentialFlags{UserPresent: true, UserVerified: true},
		Authenticator: webauthn.Authenticator{
			AAGUID:    make([]byte, 16),
			SignCount: s.SignCount,
		},
	}, nil
}

// assertionUserHandle is the user handle the assertion reports: the user.id the credential was
// registered for, so it names the account that owns the stored credential. Without one (it is
// optional for a non-discoverable login), a fixed handle stands in.
func assertionUserHandle(response json.RawMessage) []byte {
	var r struct {
		Response struct {
			UserHandle *string `json:"userHandle"`
		} `json:"response"`
	}
	if err := json.Unmarshal(response, &r); err != nil || r.Response.UserHandle == nil {
		return fallbackUserHandle
	}
	handle, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(*r.Response.UserHandle, "="))
	if err != nil || len(handle) == 0 {
		return fallbackUserHandle
	}
	return handle
}

// ---------------------------------------------------------------------------------------------
// Verification.

// errLibrary is go-webauthn refusing: its configuration check, a Begin call, the parser or the
// verifier returned an error. That is a verdict (reject).
type errLibrary struct{ err error }

func (e errLibrary) Error() string { return describe(e.err) }

// errPanic is a panic raised inside go-webauthn: no verdict came about.
type errPanic struct{ message string }

func (e errPanic) Error() string { return e.message }

// describe renders a library error verbatim: a protocol.Error's Details and, when set, its
// DevInfo (the part that names the origin or value), then any wrapped cause the two leave out.
func describe(err error) string {
	var perr *protocol.Error
	if !errors.As(err, &perr) {
		return err.Error()
	}
	// An error wrapped around the protocol.Error (fmt.Errorf("...: %w")) keeps its own prefix.
	msg := err.Error()
	if perr.DevInfo != "" {
		msg += ": " + strings.TrimSpace(perr.DevInfo)
	}
	if perr.Err != nil && !strings.Contains(msg, perr.Err.Error()) {
		msg += " (" + perr.Err.Error() + ")"
	}
	if perr.Type != "" {
		msg += " [" + perr.Type + "]"
	}
	return msg
}

// framePattern reads one function line of a goroutine trace: "pkg.Func(...)".
var framePattern = regexp.MustCompile(`^(\S+)\(.*\)$`)

// panicSite finds, in a trace taken inside the deferred recover, the frame that panicked: the
// first frame after runtime's panic machinery. It returns the function and its file:line.
func panicSite(stack string) (function, location string) {
	lines := strings.Split(stack, "\n")
	afterPanic := false
	for i := 0; i+1 < len(lines); i++ {
		m := framePattern.FindStringSubmatch(strings.TrimSpace(lines[i]))
		if m == nil || strings.HasPrefix(lines[i], "\t") {
			continue
		}
		fn := m[1]
		if fn == "panic" || strings.HasPrefix(fn, "runtime.") && strings.Contains(fn, "panic") {
			afterPanic = true
			continue
		}
		if !afterPanic || strings.HasPrefix(fn, "runtime.") {
			continue
		}
		loc := strings.TrimSpace(lines[i+1])
		if j := strings.LastIndex(loc, " +0x"); j >= 0 {
			loc = loc[:j]
		}
		return fn, loc
	}
	return "", ""
}

// guarded runs one call into the library and turns a panic into errPanic, naming where it
// happened: a panic whose frame is in go-webauthn's source is the library's (no verdict came
// about); one anywhere else is this adapter's bug.
func guarded(call func() error) (err error) {
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		stack := string(debug.Stack())
		fn, loc := panicSite(stack)
		logf("panic: %v\n%s", r, stack)
		if strings.HasPrefix(fn, modulePath+"/") {
			err = errPanic{fmt.Sprintf("go-webauthn panicked instead of deciding, in %s (%s): %v", fn, loc, r)}
		} else {
			err = errPanic{fmt.Sprintf("adapter bug: panic in %s (%s): %v", fn, loc, r)}
		}
	}()
	return call()
}

// register runs the registration ceremony (WebAuthn L3 §7.1) through the library.
func register(w *webauthn.WebAuthn, c *serverCase) error {
	account := &user{handle: registrationUserHandle}
	_, session, err := w.BeginRegistration(account)
	if err != nil {
		return errLibrary{fmt.Errorf("BeginRegistration: %w", err)}
	}
	// The session an RP stored when it sent the options, carrying the challenge the case signed.
	session.Challenge = c.Challenge
	parsed, err := protocol.ParseCredentialCreationResponseBody(bytes.NewReader(c.Response))
	if err != nil {
		return errLibrary{err}
	}
	if _, err = w.CreateCredential(account, *session, parsed); err != nil {
		return errLibrary{err}
	}
	return nil
}

// authenticate runs the authentication ceremony (WebAuthn L3 §7.2) through the library, for the
// account that holds the request's stored credential.
func authenticate(w *webauthn.WebAuthn, c *serverCase, record webauthn.Credential) error {
	account := &user{
		handle:      assertionUserHandle(c.Response),
		credentials: []webauthn.Credential{record},
	}
	_, session, err := w.BeginLogin(account)
	if err != nil {
		return errLibrary{fmt.Errorf("BeginLogin: %w", err)}
	}
	session.Challenge = c.Challenge
	parsed, err := protocol.ParseCredentialRequestResponseBody(bytes.NewReader(c.Response))
	if err != nil {
		return errLibrary{err}
	}
	if _, err = w.ValidateLogin(account, *session, parsed); err != nil {
		return errLibrary{err}
	}
	return nil
}

// verify returns nil when go-webauthn accepts the case's response under its policy.
func verify(c *serverCase) error {
	cfg, err := config(c)
	if err != nil {
		return err
	}
	var record webauthn.Credential
	switch c.Ceremony {
	case "registration":
	case "authentication":
		if c.Credential == nil {
			return fmt.Errorf("adapter bug: an authentication case without a credential")
		}
		if record, err = storedRecord(c.Credential); err != nil {
			return fmt.Errorf("adapter bug: %w", err)
		}
	default:
		return fmt.Errorf("adapter bug: unknown ceremony %q", c.Ceremony)
	}
	if len(c.Response) == 0 || bytes.Equal(c.Response, []byte("null")) {
		return fmt.Errorf("adapter bug: a server case without a response")
	}
	return guarded(func() error {
		// webauthn.New validates the configuration (webauthn/types.go, Config.validate); an RP
		// whose configuration it refuses accepts nothing.
		w, err := webauthn.New(cfg)
		if err != nil {
			return errLibrary{err}
		}
		if c.Ceremony == "registration" {
			return register(w, c)
		}
		return authenticate(w, c, record)
	})
}

func run(seq json.RawMessage, raw json.RawMessage) answer {
	a := answer{Seq: seq}
	var c serverCase
	if err := json.Unmarshal(raw, &c); err != nil {
		a.Result, a.Message = "error", "adapter bug: the case does not decode: "+err.Error()
		return a
	}
	if c.Side != "server" {
		a.Result, a.Message = "skipped", "go-webauthn is a server-side library"
		return a
	}
	err := verify(&c)
	var skip errSkip
	var refused errLibrary
	var crashed errPanic
	switch {
	case err == nil:
		a.Result = "accept"
	case errors.As(err, &skip):
		a.Result, a.Message = "skipped", skip.why
	case errors.As(err, &refused):
		a.Result, a.Message = "reject", refused.Error()
		logf("%s (%s): reject: %s", c.ID, c.Ceremony, a.Message)
	case errors.As(err, &crashed):
		a.Result, a.Message = "error", crashed.message
	default:
		a.Result, a.Message = "error", err.Error()
		logf("%s (%s): %s", c.ID, c.Ceremony, a.Message)
	}
	return a
}

// ---------------------------------------------------------------------------------------------
// The loop.

// seqPattern finds a request's seq in a line that is too long or not JSON, so that it can still
// be answered with an error rather than left to time out.
var seqPattern = regexp.MustCompile(`"seq"\s*:\s*(\d{1,19})\b`)

func seqOf(prefix []byte) json.RawMessage {
	if m := seqPattern.FindSubmatch(prefix); m != nil {
		return json.RawMessage(m[1])
	}
	return nil
}

// readLine reads one line of at most maxLine bytes. A longer line is consumed to its end and
// returned as its first bytes with tooLong set.
func readLine(r *bufio.Reader) (line []byte, tooLong bool, err error) {
	for {
		chunk, err := r.ReadSlice('\n')
		switch {
		case tooLong:
			// The rest of an over-long line: dropped.
		case len(line)+len(chunk) > maxLine:
			tooLong = true
			line = append(line, chunk...)[:min(len(line)+len(chunk), 4096)]
		default:
			line = append(line, chunk...) // copies: ReadSlice's bytes are reused by the next call
		}
		switch {
		case err == nil:
			return line, tooLong, nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF) && len(line) > 0:
			return line, tooLong, nil
		default:
			return line, tooLong, err
		}
	}
}

type writer struct{ out *bufio.Writer }

// send writes one answer line and flushes it. It returns false when stdout is gone.
func (w writer) send(v any) bool {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // messages quote origins and JSON; keep them readable
	if err := enc.Encode(v); err != nil {
		logf("cannot encode an answer: %v", err)
		return true
	}
	if _, err := w.out.Write(buf.Bytes()); err != nil {
		return !errors.Is(err, syscall.EPIPE)
	}
	if err := w.out.Flush(); err != nil {
		logf("stdout: %v", err)
		return false
	}
	return true
}

func main() {
	in := bufio.NewReaderSize(os.Stdin, 1<<16)
	out := writer{bufio.NewWriter(os.Stdout)}
	for {
		line, tooLong, err := readLine(in)
		if err != nil && !errors.Is(err, io.EOF) {
			logf("stdin: %v", err)
			os.Exit(1)
		}
		if len(bytes.TrimSpace(line)) == 0 {
			if err != nil {
				return // EOF
			}
			continue
		}
		if tooLong {
			seq := seqOf(line)
			logf("a request line is longer than %d bytes; not read", maxLine)
			if seq != nil && !out.send(answer{Seq: seq, Result: "error", Message: fmt.Sprintf("adapter: the request line is longer than %d bytes", maxLine)}) {
				return
			}
			continue
		}
		var cmd command
		if jerr := json.Unmarshal(line, &cmd); jerr != nil {
			seq := seqOf(line[:min(len(line), 4096)])
			logf("not a command (%v): %.200s", jerr, line)
			if seq != nil && !out.send(answer{Seq: seq, Result: "error", Message: "adapter: the request is not valid JSON: " + jerr.Error()}) {
				return
			}
			continue
		}
		switch cmd.Cmd {
		case "start":
			if cmd.Protocol != protocolVersion {
				logf("the runner speaks protocol %d; this adapter speaks %d", cmd.Protocol, protocolVersion)
			}
			if !out.send(handshake()) {
				return
			}
		case "stop":
			return
		case "run":
			seq := cmd.Seq
			if len(seq) == 0 {
				seq = json.RawMessage("null")
			}
			var a answer
			if len(cmd.Case) == 0 || bytes.Equal(cmd.Case, []byte("null")) {
				a = answer{Seq: seq, Result: "error", Message: "adapter bug: run without a case"}
			} else {
				a = run(seq, cmd.Case)
			}
			if !out.send(a) {
				return
			}
		default:
			logf("ignoring unknown command %q", cmd.Cmd)
		}
	}
}
