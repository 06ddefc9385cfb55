package awsproto_test

import (
	"encoding/xml"
	"math"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/cleanroom-dev/cleanroom/internal/awsproto"
)

func TestXMLWriter(t *testing.T) {
	w := awsproto.NewXMLWriter(make([]byte, 0, 64))
	w.StartNS("R", `urn:a"b&c`)
	w.String("S", "a<b>&c\"d'e\r\n\tf\x00g\xffh\uFFFEi")
	w.Int("I", -42)
	w.Bool("B", true)
	w.Float("F", 0.5)
	w.Float("N", math.Inf(1))
	w.Time("T", time.Date(2026, 11, 23, 18, 2, 18, 0, time.FixedZone("x", 3600)))
	w.Time("M", time.Date(2026, 11, 23, 17, 2, 18, 250_000_000, time.UTC))
	w.Blob("L", []byte("hi"))
	w.Empty("E")
	w.End("R")
	want := `<R xmlns="urn:a&quot;b&amp;c"><S>a&lt;b&gt;&amp;c"d'e&#xD;` + "\n\t" + `f` + "\uFFFD" + `g` + "\uFFFD" + `h` + "\uFFFD" + `i</S>` +
		`<I>-42</I><B>true</B><F>0.5</F><N>Infinity</N><T>2026-11-23T17:02:18Z</T><M>2026-11-23T17:02:18.25Z</M><L>aGk=</L><E/></R>`
	if got := string(w.Bytes()); got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	w.Reset()
	if w.Len() != 0 {
		t.Error("Reset")
	}
}

func TestSortedKeys(t *testing.T) {
	got := awsproto.SortedKeys(map[string]int{"b": 1, "a": 2, "c": 3})
	if strings.Join(got, ",") != "a,b,c" {
		t.Errorf("SortedKeys = %v", got)
	}
}

// isXMLChar reports whether XML 1.0 can carry r
// (https://www.w3.org/TR/xml/#charsets).
func isXMLChar(r rune) bool {
	return r == 0x9 || r == 0xA || r == 0xD || (r >= 0x20 && r <= 0xD7FF) ||
		(r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}

// FuzzXMLText writes arbitrary text and reads it back with encoding/xml:
// the document always parses, and the text survives except for characters
// XML cannot carry, which become U+FFFD.
func FuzzXMLText(f *testing.F) {
	for _, s := range []string{"", "plain", "<&>\"'", "\r\n\t", "\x00\x1f\x7f", "\xff\xfe", "\uFFFE\uFFFF", "\U0001F600", "]]>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var w awsproto.XMLWriter
		w.StartNS("R", s)
		w.String("S", s)
		w.End("R")
		var doc struct {
			NS string `xml:"xmlns,attr"`
			S  string
		}
		if err := xml.Unmarshal(w.Bytes(), &doc); err != nil {
			t.Fatalf("%v: %q", err, w.Bytes())
		}
		want := strings.Map(func(r rune) rune {
			if !isXMLChar(r) {
				return utf8.RuneError
			}
			return r
		}, s)
		if doc.S != want || doc.NS != want {
			t.Fatalf("read back %q / %q, want %q", doc.S, doc.NS, want)
		}
	})
}

func BenchmarkXMLWriter(b *testing.B) {
	b.ReportAllocs()
	w := awsproto.NewXMLWriter(make([]byte, 0, 1024))
	now := time.Date(2026, 11, 23, 17, 2, 18, 0, time.UTC)
	for b.Loop() {
		w.Reset()
		w.StartNS("GetUserResponse", "https://iam.amazonaws.com/doc/2010-05-08/")
		w.Start("GetUserResult")
		w.Start("User")
		w.String("Path", "/")
		w.String("UserName", "Bob")
		w.String("UserId", "AIDAEXAMPLE")
		w.String("Arn", "arn:aws:iam::123456789012:user/Bob")
		w.Time("CreateDate", now)
		w.End("User")
		w.End("GetUserResult")
		w.WriteResponseMetadata("4442587f-a8e3-11e0-9fb1-6f7b52fcb7f0")
		w.End("GetUserResponse")
	}
}

func TestAppendTimestamp(t *testing.T) {
	for _, tt := range []struct {
		t    time.Time
		want string
	}{
		{time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), "2026-01-02T03:04:05Z"},
		{time.Date(2026, 1, 2, 3, 4, 5, 999_999_999, time.UTC), "2026-01-02T03:04:05.999Z"},
		{time.Date(2026, 1, 2, 3, 4, 5, 100_000_000, time.UTC), "2026-01-02T03:04:05.1Z"},
		{time.Date(2026, 1, 2, 3, 4, 5, 120_000, time.UTC), "2026-01-02T03:04:05Z"},
		{time.Date(2026, 12, 31, 23, 30, 0, 0, time.FixedZone("", -3600)), "2027-01-01T00:30:00Z"},
		{time.Date(12026, 1, 2, 3, 4, 5, 0, time.UTC), "12026-01-02T03:04:05Z"},
	} {
		got := string(awsproto.AppendTimestamp(nil, tt.t))
		if got != tt.want {
			t.Errorf("AppendTimestamp(%v) = %s, want %s", tt.t, got, tt.want)
		}
		if tt.t.Year() < 10000 {
			if back, err := time.Parse(time.RFC3339Nano, got); err != nil || !back.Equal(tt.t.Truncate(time.Millisecond)) {
				t.Errorf("%s reads back as %v %v", got, back, err)
			}
		}
	}
}
