package policy_test

import (
	"testing"

	"github.com/cleanroom-dev/cleanroom/internal/policy"
)

func TestCompileCache(t *testing.T) {
	var c policy.CompileCache
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:GetUser","Resource":"*"}]}`
	a, err := c.Compile("p", doc, policy.TypeIdentity)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := c.Compile("p", doc, policy.TypeIdentity); b != a {
		t.Error("the same name, document and type compiled twice")
	}
	if b, _ := c.Compile("q", doc, policy.TypeIdentity); b == a || b.Name != "q" {
		t.Error("another name reused the compilation")
	}
	changed := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:GetUser","Resource":"*"}]}`
	if b, _ := c.Compile("p", changed, policy.TypeIdentity); b == a {
		t.Error("a changed document reused the stale compilation")
	}
	// A trust policy needs a Principal: the type is part of the key.
	if _, err := c.Compile("p", doc, policy.TypeTrust); err == nil {
		t.Error("a document valid as an identity policy was reused as a trust policy")
	}
	if _, err := c.Compile("bad", `{`, policy.TypeIdentity); err == nil {
		t.Error("a malformed document compiled")
	}
}
