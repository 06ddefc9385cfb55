package orgs

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/cleanroom-dev/cleanroom/internal/policy"
)

// The API model's id patterns, anchored: ParseID must agree with them.
var idPatterns = map[IDKind]*regexp.Regexp{
	KindOrganization:         regexp.MustCompile(`^o-[a-z0-9]{10,32}$`),
	KindRoot:                 regexp.MustCompile(`^r-[0-9a-z]{4,32}$`),
	KindOU:                   regexp.MustCompile(`^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$`),
	KindAccount:              regexp.MustCompile(`^\d{12}$`),
	KindPolicy:               regexp.MustCompile(`^p-[0-9a-zA-Z_]{8,128}$`),
	KindCreateAccountRequest: regexp.MustCompile(`^car-[a-z0-9]{8,32}$`),
}

// TestParseID: the id forms of the API Reference's shapes.
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_PolicyTargetSummary.html
func TestParseID(t *testing.T) {
	for _, tc := range []struct {
		id   string
		want IDKind
	}{
		{"o-exampleorgid", KindOrganization},
		{"o-a1b2c3d4e5", KindOrganization},
		{"o-a1b2c3d4e", KindInvalid},
		{"r-examplerootid111", KindRoot},
		{"r-ab12", KindRoot},
		{"r-ab1", KindInvalid},
		{"r-AB12", KindInvalid},
		{"ou-examplerootid111-exampleouid111", KindOU},
		{"ou-ab12-cd34ef56", KindOU},
		{"ou-ab12-cd34ef5", KindInvalid},
		{"ou-ab12cd34ef56", KindInvalid},
		{"123456789012", KindAccount},
		{"12345678901", KindInvalid},
		{"12345678901a", KindInvalid},
		{"p-examplepolicyid111", KindPolicy},
		{"p-FullAWSAccess", KindPolicy},
		{"p-RCPFullAWSAccess", KindPolicy},
		{"p-abc", KindInvalid},
		{"car-examplecreateaccountrequestid1111", KindInvalid}, // 33 characters after car-
		{"car-examplecreateaccountrequestid111", KindCreateAccountRequest},
		{"car-0123456789abcdef0123456789abcdef", KindCreateAccountRequest},
		{"", KindInvalid},
		{"x-abcd", KindInvalid},
	} {
		if got := ParseID(tc.id); got != tc.want {
			t.Errorf("ParseID(%q) = %v, want %v", tc.id, got, tc.want)
		}
	}
}

func FuzzParseID(f *testing.F) {
	for _, s := range []string{"o-a1b2c3d4e5", "r-ab12", "ou-ab12-cd34ef56", "123456789012", "p-FullAWSAccess", "p-abcdefgh",
		"car-0123456789abcdef", "", "ou--", "p-", "0", "o-\u00e9aaaaaaaaa"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		k := ParseID(id)
		matched := KindInvalid
		for kind, re := range idPatterns {
			if re.MatchString(id) {
				if matched != KindInvalid {
					t.Fatalf("%q matches the patterns of %v and %v", id, matched, kind)
				}
				matched = kind
			}
		}
		if k != matched {
			t.Fatalf("ParseID(%q) = %v, the model's patterns say %v", id, k, matched)
		}
	})
}

// The ids the Service makes parse as their kind and match the forms
// Organizations issues.
func TestNewIDs(t *testing.T) {
	e := newBareEnv(t)
	for range 200 {
		org, _ := e.s.newOrgID()
		root, _ := e.s.newRootID()
		ou, _ := e.s.newOUID(root)
		p, _ := e.s.newPolicyID()
		car, _ := e.s.newCARID()
		if !reOrgID.MatchString(org) || !reRootID.MatchString(root) || !reOUID.MatchString(ou) || !rePolicyID.MatchString(p) || !reCARID.MatchString(car) ||
			ParseID(org) != KindOrganization || ParseID(root) != KindRoot || ParseID(ou) != KindOU || ParseID(p) != KindPolicy || ParseID(car) != KindCreateAccountRequest ||
			!strings.HasPrefix(ou, "ou-"+root[2:]+"-") {
			t.Fatalf("ids %s %s %s %s %s", org, root, ou, p, car)
		}
	}
}

// FuzzCheckContent: policy content is refused or accepted without panics,
// and what is accepted keeps to the size quota and the type's rules.
func FuzzCheckContent(f *testing.F) {
	f.Add(true, scpDeny("s3:*"))
	f.Add(false, rcpDeny("s3:*"))
	f.Add(false, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}}`)
	f.Add(true, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"iam:*","NotResource":"arn:aws:s3:::b/*"}]}`)
	f.Add(true, `{"Statement":[]}`)
	f.Add(true, `[]`)
	f.Fuzz(func(t *testing.T, scp bool, content string) {
		typ := PolicyTypeRCP
		if scp {
			typ = PolicyTypeSCP
		}
		p, err := checkContent(typ, content)
		if err != nil {
			if ErrorCode(err) == "" {
				t.Fatalf("error without a code: %v", err)
			}
			return
		}
		if utf8.RuneCountInString(content) > 5120 {
			t.Fatalf("accepted %d characters", utf8.RuneCountInString(content))
		}
		for _, st := range p.Statements {
			if st.Principal != nil && scp {
				t.Fatal("SCP with a principal accepted")
			}
			if !scp && (st.Effect != policy.Deny || st.NotAction) {
				t.Fatal("RCP with Allow or NotAction accepted")
			}
		}
	})
}

// FuzzNextToken: any token is a page or InvalidInputException.
func FuzzNextToken(f *testing.F) {
	f.Add("", 0)
	f.Add("cC0x", 5)
	f.Add("!!", 20)
	f.Add("cC16", -3)
	items := []string{"p-1", "p-2", "p-3", "p-4", "p-5"}
	f.Fuzz(func(t *testing.T, token string, max int) {
		pg, err := paginate(items, func(s string) string { return s }, Page{NextToken: token, MaxResults: max})
		if err != nil {
			if ErrorCode(err) != CodeInvalidInput {
				t.Fatalf("error %v", err)
			}
			return
		}
		if len(pg.Items) > 20 || (max > 0 && len(pg.Items) > max) {
			t.Fatalf("page of %d for MaxResults %d", len(pg.Items), max)
		}
	})
}

// FuzzCheckEmail: the address check never panics and what it accepts has
// the model's form.
func FuzzCheckEmail(f *testing.F) {
	for _, s := range []string{"a@example.com", "a@b", "@b.c", "a b@c.de", "é@é.é", "a@b.c."} {
		f.Add(s)
	}
	re := regexp.MustCompile(`^[^\s@]+@[^\s@]+\.[^\s@]+$`)
	f.Fuzz(func(t *testing.T, s string) {
		if checkEmail(s) == nil && (!re.MatchString(s) || utf8.RuneCountInString(s) < 6 || utf8.RuneCountInString(s) > 64) {
			t.Fatalf("accepted %q", s)
		}
	})
}
