package policy

import (
	"strings"
	"testing"

	"github.com/cleanroom-dev/cleanroom/internal/catalog"
)

// knownKeys must be the catalog's global condition keys without a variable
// part, so that no key of the request context is missed by number.
func TestKnownKeysAreTheCatalogsGlobalKeys(t *testing.T) {
	want := map[string]bool{}
	for _, k := range knownKeys {
		ck, ok := catalog.Default().ConditionKey(k)
		if !ok || !ck.Global {
			t.Errorf("known key %s is not a global key of the catalog", k)
		}
		if strings.ContainsAny(k, "/$<") {
			t.Errorf("known key %s has a variable part", k)
		}
		if want[k] {
			t.Errorf("known key %s listed twice", k)
		}
		want[k] = true
	}
}

// A known key is found by number whatever case it was set in, and whatever
// the table's growth did to its slot.
func TestContextFindsKnownKeysByNumber(t *testing.T) {
	ctx := NewContext(1)
	ctx.Set("AWS:SourceIp", "10.0.0.1")
	for i := range 40 { // grow the table several times
		ctx.Set("aws:PrincipalTag/k"+strings.Repeat("x", i), "v")
	}
	ctx.Set("aws:username", "alice")
	id := knownID(keyHash("aws:sourceip"), "aws:sourceip")
	if id < 0 {
		t.Fatal("aws:sourceip is not a known key")
	}
	sl := ctx.find(id, keyHash("aws:sourceip"), "aws:sourceip")
	if sl == nil || sl.val.Values[0] != "10.0.0.1" {
		t.Fatalf("find by number: %+v", sl)
	}
	ctx.Delete("aws:sourceip")
	if sl := ctx.find(id, keyHash("aws:sourceip"), "aws:sourceip"); sl != nil {
		t.Fatal("deleted key still found by number")
	}
	uid := knownID(keyHash("aws:username"), "aws:username")
	if v, ok := ctx.Clone().lookupPart(&part{kind: partVar, key: "aws:username", hash: keyHash("aws:username"), known: uid}); !ok || v.Values[0] != "alice" {
		t.Fatal("clone lost a known key")
	}
}
