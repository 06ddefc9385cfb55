package catalog

import (
	"fmt"
	"strings"
)

// arnFormat is a compiled Service Authorization Reference ARN format such as
// "arn:${Partition}:s3:::${BucketName}/${ObjectName}": literal text and
// ${Name} placeholders.
//
// Matching rules for a concrete ARN:
//   - Literal text must appear exactly (ARNs are case-sensitive), so a format
//     whose region or account field is empty ("s3:::") requires it empty.
//   - Every placeholder matches one or more characters.
//   - Placeholders in the partition, service, region and account fields
//     never match ':'.
//   - Placeholders in the resource part match neither ':' nor '/', except
//     where the value is itself a path: names ending in "Path" or "WithPath"
//     (IAM paths), S3 object keys, log group and log stream names, ECR
//     repository names (namespace/repo), KMS alias names (alias/aws/s3),
//     CloudWatch alarm names, and OIDC provider names (host/path) may
//     contain '/', and S3 object keys may also contain ':'. So
//     arn:aws:s3:::b/k/x fits the s3 object format, and
//     .../membership/m/analysistemplate/t fits the cleanrooms analysistemplate
//     format but not the membership format.
type arnFormat struct {
	toks []arnTok
}

type arnTok struct {
	lit   string // literal text, when !ph
	ph    bool
	slash bool // a placeholder value may contain '/'
	colon bool // a placeholder value may contain ':'
}

// pathPlaceholder reports whether a resource-part placeholder's value may
// hold '/' (AWS allows '/' in these names), beyond the "...Path" names.
func pathPlaceholder(name string) bool {
	switch name {
	case "ObjectName", // S3 object key
		"LogGroupName",     // /aws/lambda/fn
		"LogStreamName",    // 2024/01/01/[$LATEST]abc
		"RepositoryName",   // ECR namespace/repo
		"Alias",            // KMS alias/aws/s3
		"AlarmName",        // TargetTracking-table/T-AlarmHigh-...
		"OidcProviderName": // oidc.eks.us-east-1.amazonaws.com/id/X
		return true
	}
	return strings.HasSuffix(name, "Path")
}

// colonPlaceholder reports whether a resource-part placeholder's value may hold ':'.
func colonPlaceholder(name string) bool { return name == "ObjectName" }

func compileARNFormat(f string) (arnFormat, error) {
	var toks []arnTok
	colons := 0
	rest := f
	for rest != "" {
		i := strings.Index(rest, "${")
		if i < 0 {
			colons += strings.Count(rest, ":")
			toks = append(toks, arnTok{lit: rest})
			break
		}
		if i > 0 {
			lit := rest[:i]
			colons += strings.Count(lit, ":")
			toks = append(toks, arnTok{lit: lit})
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return arnFormat{}, fmt.Errorf("ARN format %q: unterminated placeholder", f)
		}
		name := rest[i+2 : i+j]
		if name == "" {
			return arnFormat{}, fmt.Errorf("ARN format %q: empty placeholder", f)
		}
		t := arnTok{ph: true}
		if colons >= 5 { // resource part
			t.slash = pathPlaceholder(name)
			t.colon = colonPlaceholder(name)
		} else {
			t.slash = true
		}
		toks = append(toks, t)
		rest = rest[i+j+1:]
	}
	if colons < 5 {
		return arnFormat{}, fmt.Errorf("ARN format %q: fewer than six fields", f)
	}
	return arnFormat{toks: toks}, nil
}

func (f *arnFormat) match(arn string) bool { return matchToks(f.toks, arn) }

func matchToks(toks []arnTok, s string) bool {
	for len(toks) > 0 && !toks[0].ph {
		if !strings.HasPrefix(s, toks[0].lit) {
			return false
		}
		s = s[len(toks[0].lit):]
		toks = toks[1:]
	}
	if len(toks) == 0 {
		return s == ""
	}
	t := toks[0]
	last := len(toks) == 1
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ':':
			if !t.colon {
				return false
			}
		case '/':
			if !t.slash {
				return false
			}
		}
		if last {
			continue
		}
		if matchToks(toks[1:], s[i+1:]) {
			return true
		}
	}
	return last && s != ""
}
