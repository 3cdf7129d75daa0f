package identity

import "testing"

func TestIdentity(t *testing.T) {
	for _, tt := range []struct{ got, want string }{
		{recorded("alice", "serve", "web-1", "evt_1Q2w3E"), "alice via go-completer serve@web-1 key=evt_1Q2w3E"},
		{recorded(defaultActor(8141, "laptop"), "cli", "laptop", ""), "8141@laptop via go-completer cli@laptop"},
		{Unauthenticated(""), "anonymous (unauthenticated)"},
		{Unauthenticated("Ada Lovelace"), "Ada Lovelace (unauthenticated)"},
		{LinkActor("ops"), "ops (link)"},
	} {
		if tt.got != tt.want {
			t.Errorf("%q, want %q", tt.got, tt.want)
		}
	}
}

func TestCarriesKey(t *testing.T) {
	if !CarriesKey("alice via go-completer serve@web-1 key=evt_1", "evt_1") {
		t.Error("the key at the end is carried")
	}
	if CarriesKey("alice via go-completer serve@web-1 key=evt_12", "evt_1") {
		t.Error("a longer key is another key")
	}
}
