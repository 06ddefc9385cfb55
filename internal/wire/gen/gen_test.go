package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Model patterns are Java regular expressions; see java.util.regex.Pattern
// (https://docs.oracle.com/javase/8/docs/api/java/util/regex/Pattern.html):
// \uXXXX takes exactly four hex digits; lookarounds, possessive quantifiers
// and class intersections have no RE2 equivalent.
func TestTranslatePattern(t *testing.T) {
	tests := []struct{ java, goPat, why string }{
		{`[\w+=,.@-]+`, `^(?:[\w+=,.@-]+)$`, ""},
		{`[\u0009\u000A\u000D\u0020-\u00FF]+`, `^(?:[\x{0009}\x{000A}\x{000D}\x{0020}-\x{00FF}]+)$`, ""},
		{`[\u10000-\u10FFFF]`, `^(?:[\x{1000}0-\x{10FF}FF])$`, ""},
		{`(\u002F)|(\u002F[\u0021-\u007E]+\u002F)`, `^(?:(\x{002F})|(\x{002F}[\x{0021}-\x{007E}]+\x{002F}))$`, ""},
		{`[\w+=,.@:\/-]*`, `^(?:[\w+=,.@:\/-]*)$`, ""},
		{`^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$`, "", "lookaround or atomic group"},
		{`a++`, "", "possessive quantifier"},
		{`[a-z[^b]]`, "", "nested character classes"},
		{`[a-z&&b]`, "", "character class intersection"},
		{`\Qa.b\E`, "", `Java escape \Q has no Go equivalent`},
		{`\u00G1`, "", `bad \u escape`},
		{`\u12`, "", `truncated \u escape`},
		{`a{2,1}`, "", "Go regexp: error parsing regexp: invalid repeat count: `{2,1}`"},
	}
	for _, tt := range tests {
		goPat, why := translatePattern(tt.java)
		if goPat != tt.goPat || why != tt.why {
			t.Errorf("translatePattern(%s) = %q, %q; want %q, %q", tt.java, goPat, why, tt.goPat, tt.why)
		}
	}
}

func TestNames(t *testing.T) {
	for in, want := range map[string]string{"statusType": "StatusType", "arn": "Arn", "aws-managed": "AwsManaged", "SAMLAssertion": "SAMLAssertion", "1x": "X1x"} {
		if got := exported(in); got != want {
			t.Errorf("exported(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"UserName": "userName", "SAMLAssertion": "sAMLAssertion", "arn": "arn"} {
		if got := pathName(in); got != want {
			t.Errorf("pathName(%q) = %q, want %q", in, got, want)
		}
	}
}

// The committed packages are what the generator makes of the committed
// models: run go generate ./internal/wire/... after changing either.
func TestGeneratedUpToDate(t *testing.T) {
	t.Chdir("..") // internal/wire, where go generate runs
	for _, s := range []struct{ model, pkg string }{
		{"models/sts-2011-06-15.json", "stswire"},
		{"models/iam-2010-05-08.json", "iamwire"},
		{"models/organizations-2016-11-28.json", "orgswire"},
		{"models/cloudtrail-2013-11-01.json", "cloudtrailwire"},
		{"models/cleanrooms-2022-02-17.json", "cleanroomswire"},
		{"models/cleanroomsml-2023-09-06.json", "cleanroomsmlwire"},
		{"gen/testdata/synth-2020-01-01.json", "gen/synthwire"},
		{"gen/testdata/synthrest-2020-01-01.json", "gen/synthrestwire"},
	} {
		out := t.TempDir()
		if err := run(s.model, filepath.Base(s.pkg), out); err != nil {
			t.Fatal(err)
		}
		files, _ := filepath.Glob(filepath.Join(out, "*"))
		if len(files) == 0 {
			t.Fatalf("%s: nothing generated", s.pkg)
		}
		for _, f := range files {
			want, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(filepath.Join(s.pkg, filepath.Base(f)))
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("%s/%s is not what the generator makes (%v): run go generate ./internal/wire/...", s.pkg, filepath.Base(f), err)
			}
		}
	}
}

func TestRefusesUnsupportedTraits(t *testing.T) {
	m, err := loadModel("testdata/synth-2020-01-01.json")
	if err != nil {
		t.Fatal(err)
	}
	m.Shapes["Time"].TimestampFormat = "unixTimestamp"
	m.Shapes["PutRequest"].Members[0].Ref.XMLAttribute = true
	_, err = newGenerator(m, "x", "x.json")
	if err == nil || !strings.Contains(err.Error(), "timestampFormat unixTimestamp") || !strings.Contains(err.Error(), "xmlAttribute") {
		t.Errorf("err = %v", err)
	}
}

// The JSON protocols refuse what the generator does not implement: maps
// bound to headers (prefix headers), jsonvalue members, query traits.
func TestRefusesUnsupportedJSONTraits(t *testing.T) {
	m, err := loadModel("testdata/synthrest-2020-01-01.json")
	if err != nil {
		t.Fatal(err)
	}
	m.Shapes["PutObjectRequest"].Members[2].Ref.Shape = "ValuesMap" // Tags, bound to the query string
	g, err := newGenerator(m, "x", "x.json")
	if err == nil {
		_, err = g.generate()
	}
	if err == nil || !strings.Contains(err.Error(), "map bound to querystring") {
		t.Errorf("map in the query string: err = %v", err)
	}
	m, _ = loadModel("testdata/synthrest-2020-01-01.json")
	m.Shapes["Info"].Members[0].Ref.JSONValue = true
	if _, err := newGenerator(m, "x", "x.json"); err == nil || !strings.Contains(err.Error(), "jsonvalue") {
		t.Errorf("jsonvalue: err = %v", err)
	}
	m, _ = loadModel("testdata/synth-2020-01-01.json")
	m.Shapes["Time"].TimestampFormat = "rfc822"
	if _, err := newGenerator(m, "x", "x.json"); err == nil {
		t.Error("awsQuery accepted timestampFormat rfc822")
	}
}
