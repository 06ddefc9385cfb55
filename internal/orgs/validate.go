package orgs

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Parameter checks, with the constraints of the API model's shapes
// (https://docs.aws.amazon.com/organizations/latest/APIReference/ each
// operation's Request Parameters). A failed check is InvalidInputException
// with the reason the model lists for it.

func checkLen(name, v string, min, max int) error {
	n := utf8.RuneCountInString(v)
	if n < min {
		if n == 0 {
			return invalidInput(ReasonInputRequired, "You must specify a value for %s.", name)
		}
		return invalidInput(ReasonMinLengthExceeded, "You provided a value for %s that is shorter than the minimum length of %d.", name, min)
	}
	if max > 0 && n > max {
		return invalidInput(ReasonMaxLengthExceeded, "You provided a value for %s that exceeds the maximum length of %d.", name, max)
	}
	return nil
}

func patternError(name string) error {
	return invalidInput(ReasonInvalidPattern, "You provided a value for %s that does not match the required pattern.", name)
}

// checkEmail: Email, 6 to 64 characters matching [^\s@]+@[^\s@]+\.[^\s@]+.
func checkEmail(v string) error {
	if err := checkLen("Email", v, 6, 64); err != nil {
		return err
	}
	local, domain, ok := strings.Cut(v, "@")
	if !ok || local == "" || strings.ContainsAny(local, " \t\r\n\f\v") || strings.ContainsAny(domain, "@ \t\r\n\f\v") {
		return invalidInput(ReasonInvalidEmailAddress, "You provided an email address that is not valid.")
	}
	dot := strings.LastIndexByte(domain, '.')
	if dot <= 0 || dot == len(domain)-1 {
		return invalidInput(ReasonInvalidEmailAddress, "You provided an email address that is not valid.")
	}
	return nil
}

// checkAccountName: CreateAccountName, 1 to 50 characters of
// [\u0020-\u007E].
func checkAccountName(v string) error {
	if err := checkLen("AccountName", v, 1, 50); err != nil {
		return err
	}
	for i := 0; i < len(v); i++ {
		if v[i] < 0x20 || v[i] > 0x7e {
			return patternError("AccountName")
		}
	}
	return nil
}

// checkRoleName: RoleName, [\w+=,.@-]{1,64}.
func checkRoleName(v string) error {
	if v == "" || len(v) > 64 {
		return invalidInput(ReasonInvalidRoleName, "You provided a role name that isn't valid.")
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("_+=,.@-", c) >= 0) {
			return invalidInput(ReasonInvalidRoleName, "You provided a role name that isn't valid.")
		}
	}
	return nil
}

// checkIDParam validates an id parameter against the kinds it may name; a
// mismatch is InvalidInputException with the given reason.
func checkIDParam(name, v, reason string, kinds ...IDKind) error {
	if v == "" {
		return invalidInput(ReasonInputRequired, "You must specify a value for %s.", name)
	}
	k := ParseID(v)
	for _, want := range kinds {
		if k == want {
			return nil
		}
	}
	return invalidInput(reason, "You specified a value for %s that isn't valid.", name)
}

// tagChar reports the characters of the TagKey and TagValue pattern:
// [\p{L}\p{Z}\p{N}_.:/=+\-@].
func tagChar(r rune) bool {
	return unicode.IsLetter(r) || unicode.In(r, unicode.Z) || unicode.IsNumber(r) || strings.ContainsRune("_.:/=+-@", r)
}

// checkTags validates the tags of a request: TagKey 1 to 128 characters,
// TagValue 0 to 256, both of the tag pattern; no key twice; no key with
// the reserved aws: prefix; at most 50 ("Tagging AWS Organizations
// resources",
// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_tagging.html).
func checkTags(tags []Tag) error {
	seen := make(map[string]bool, len(tags))
	for _, t := range tags {
		if err := checkTagKey(t.Key); err != nil {
			return err
		}
		if err := checkLen("Value", t.Value, 0, 256); err != nil {
			return err
		}
		for _, r := range t.Value {
			if !tagChar(r) {
				return patternError("Value")
			}
		}
		if seen[t.Key] {
			return invalidInput(ReasonDuplicateTagKey, "You provided duplicate tag keys.")
		}
		seen[t.Key] = true
	}
	if len(tags) > maxTags {
		return clone(errTooManyTags)
	}
	return nil
}

func checkTagKey(k string) error {
	if err := checkLen("Key", k, 1, 128); err != nil {
		return err
	}
	for _, r := range k {
		if !tagChar(r) {
			return patternError("Key")
		}
	}
	if strings.HasPrefix(strings.ToLower(k), "aws:") {
		return invalidInput(ReasonInvalidSystemTags, "You specified a tag key that is a system tag. You can't add, edit, or delete system tag keys because they're reserved for AWS use.")
	}
	return nil
}

// mergeTags adds tags to existing ones (a tag with an existing key
// replaces it) within the 50-tag quota.
func mergeTags(existing, add []Tag) ([]Tag, error) {
	out := append([]Tag(nil), existing...)
	for _, t := range add {
		replaced := false
		for i := range out {
			if out[i].Key == t.Key {
				out[i] = t
				replaced = true
				break
			}
		}
		if !replaced {
			out = append(out, t)
		}
	}
	if len(out) > maxTags {
		return nil, clone(errTooManyTags)
	}
	return out, nil
}

func removeTags(existing []Tag, keys []string) []Tag {
	var out []Tag
	for _, t := range existing {
		drop := false
		for _, k := range keys {
			if t.Key == k {
				drop = true
				break
			}
		}
		if !drop {
			out = append(out, t)
		}
	}
	return out
}
