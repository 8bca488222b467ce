package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/go-webauthn/webauthn/protocol"
	"github.com/go-webauthn/webauthn/webauthn"
)

func TestAPanicInsideTheLibraryIsNamedAsTheLibrarys(t *testing.T) {
	err := guarded(func() error {
		var w *webauthn.WebAuthn // BeginRegistration dereferences its receiver
		_, _, err := w.BeginRegistration(&user{handle: registrationUserHandle})
		return err
	})
	var crashed errPanic
	if !errors.As(err, &crashed) {
		t.Fatalf("want errPanic, got %v", err)
	}
	if !strings.HasPrefix(crashed.message, "go-webauthn panicked instead of deciding, in github.com/go-webauthn/webauthn/webauthn.") {
		t.Fatalf("the panic is not attributed to the library: %s", crashed.message)
	}
	t.Log(crashed.message)
}

func TestAPanicInTheAdapterIsAnAdapterBug(t *testing.T) {
	err := guarded(func() error {
		var m map[string]int
		m["x"] = 1 // assignment to a nil map
		return nil
	})
	var crashed errPanic
	if !errors.As(err, &crashed) || !strings.HasPrefix(crashed.message, "adapter bug: panic in ") {
		t.Fatalf("want an adapter bug, got %v", err)
	}
}

func TestOverLongLinesAreConsumedAndReportedWithTheirSeq(t *testing.T) {
	long := `{"cmd":"run","seq":41,"case":"` + strings.Repeat("a", maxLine) + `"}`
	r := bufio.NewReaderSize(strings.NewReader(long+"\n"+`{"cmd":"stop"}`+"\n"), 1<<16)
	line, tooLong, err := readLine(r)
	if err != nil || !tooLong || len(line) > 4096 {
		t.Fatalf("over-long line: tooLong=%v len=%d err=%v", tooLong, len(line), err)
	}
	if got := string(seqOf(line)); got != "41" {
		t.Fatalf("seq %q", got)
	}
	line, tooLong, err = readLine(r)
	if err != nil || tooLong || strings.TrimSpace(string(line)) != `{"cmd":"stop"}` {
		t.Fatalf("the next line: %q tooLong=%v err=%v", line, tooLong, err)
	}
}

func TestWildcardsFollowRpscopesGrammar(t *testing.T) {
	for pattern, want := range map[string]bool{
		"https://*.example.com":         true,
		"HTTPS://*.example.com/":        true,
		"https://example.com:*":         true,
		"https://*example.com":          false, // not the grammar: a literal string for both
		"https://login.*.example.com":   false,
		"android:apk-key-hash:*.abc":    false,
		"https://example.com/*.x":       false,
		"http://localhost:3000":         false,
		"https://*.example.com:*/login": true,
	} {
		if got := isWildcard(pattern); got != want {
			t.Errorf("isWildcard(%q) = %v, want %v", pattern, got, want)
		}
	}
}

func TestConfigIsThePolicyVerbatim(t *testing.T) {
	c := &serverCase{Policy: policy{
		RPIDs:            []string{"example.com"},
		Origins:          []string{"https://Example.com:443/", "android:apk-key-hash:abc"},
		AllowCrossOrigin: true,
		TopOrigins:       []string{"https://shop.example.net/"},
	}}
	cfg, err := config(c)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.RPID != "example.com" || cfg.RPOrigins[0] != "https://Example.com:443/" || cfg.RPOrigins[1] != "android:apk-key-hash:abc" ||
		!cfg.RPAllowCrossOrigin || cfg.RPTopOrigins[0] != "https://shop.example.net/" ||
		cfg.RPTopOriginVerificationMode != protocol.TopOriginExplicitVerificationMode || len(cfg.RPOpaqueOrigins) != 0 {
		t.Fatalf("%+v", cfg)
	}
	c.Policy.RPIDs = []string{"example.com", "example.org"}
	if _, err := config(c); !errors.As(err, new(errSkip)) {
		t.Fatalf("several RP IDs: want a skip, got %v", err)
	}
}

func TestLibraryErrorsAreRenderedWithTheirDetail(t *testing.T) {
	err := protocol.ErrVerification.WithDetails("Error validating origin").WithInfo("Expected Values: [a], Received: b")
	if got := describe(err); got != "Error validating origin: Expected Values: [a], Received: b [verification_error]" {
		t.Fatal(got)
	}
}

func TestNonServerCasesAreSkipped(t *testing.T) {
	a := run(json.RawMessage("3"), json.RawMessage(`{"side":"client","id":"x","origin":"https://example.com"}`))
	if a.Result != "skipped" || string(a.Seq) != "3" {
		t.Fatalf("%+v", a)
	}
}
