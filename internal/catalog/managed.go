package catalog

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"
)

const policyDir = "data/managed-policies"

// ManagedPolicy is an AWS managed policy: an IAM managed policy
// (arn:aws:iam::aws:policy/...) or one of the AWS managed Organizations
// policies (FullAWSAccess, RCPFullAWSAccess).
type ManagedPolicy struct {
	// Name is the policy name, e.g. "AWSCleanRoomsFullAccess".
	Name string
	// ARN is the policy ARN, e.g. "arn:aws:iam::aws:policy/AWSCleanRoomsFullAccess".
	ARN string
	// ID is the Organizations policy id ("p-FullAWSAccess"); empty for IAM
	// policies, whose ids the data does not record.
	ID string
	// Path is the IAM path ("/", or "/aws-service-role/"); empty for
	// Organizations policies.
	Path string
	// DefaultVersionID is the IAM default version ("v7"); empty for
	// Organizations policies, which have no versions.
	DefaultVersionID string
	// Versions lists the versions known, oldest first, exactly one of them
	// the default. Organizations policies have one version, with an empty
	// VersionID.
	Versions []PolicyVersion
	// Kind is "iam", "scp" or "rcp".
	Kind string
	// CreateDate and UpdateDate are IAM's policy dates (zero when unknown,
	// as for Organizations policies).
	CreateDate, UpdateDate time.Time
}

// PolicyVersion is one version of a managed policy.
type PolicyVersion struct {
	// VersionID is "v1", "v2", ...
	VersionID string
	// IsDefault marks the default version.
	IsDefault bool
	// CreateDate is when the version was created (zero when unknown).
	CreateDate time.Time
	// Document is the policy document's JSON text: for the default version
	// the file exactly as published, for older versions the recorded
	// document with its key order kept, indented by two spaces. Callers
	// must not modify it.
	Document []byte
}

// Default returns the default version (the zero PolicyVersion if there is
// none, which Load does not allow).
func (m *ManagedPolicy) Default() PolicyVersion {
	for _, v := range m.Versions {
		if v.IsDefault {
			return v
		}
	}
	return PolicyVersion{}
}

// ManagedPolicy finds a managed policy by name ("AWSCleanRoomsFullAccess"),
// ARN, or Organizations policy id ("p-FullAWSAccess"), matched exactly.
func (c *Catalog) ManagedPolicy(nameOrARN string) (*ManagedPolicy, bool) {
	m, ok := c.policies[nameOrARN]
	return m, ok
}

// ManagedPolicies returns every managed policy, sorted by name.
func (c *Catalog) ManagedPolicies() []*ManagedPolicy { return slices.Clone(c.policyByName) }

// indexEntry is one row of managed-policies/index.json.
type indexEntry struct {
	Name             string `json:"name"`
	Kind             string `json:"kind"`
	Document         string `json:"document"`
	History          string `json:"history"`
	ARN              string `json:"arn"`
	ID               string `json:"id"`
	Path             string `json:"path"`
	DefaultVersionID string `json:"defaultVersionId"`
	CreateDate       string `json:"createDate"`
	UpdateDate       string `json:"updateDate"`
}

// rawHistory is the shape of managed-policies/history/<Name>.json.
type rawHistory struct {
	PolicyName       string `json:"policyName"`
	ARN              string `json:"arn"`
	DefaultVersionID string `json:"defaultVersionId"`
	CreateDate       string `json:"createDate"`
	UpdateDate       string `json:"updateDate"`
	Versions         []struct {
		VersionID        string          `json:"versionId"`
		IsDefaultVersion bool            `json:"isDefaultVersion"`
		CreateDate       string          `json:"createDate"`
		Document         json.RawMessage `json:"document"`
	} `json:"versions"`
}

func (c *Catalog) loadPolicies() error {
	var index []indexEntry
	if err := readJSON(path.Join(policyDir, "index.json"), &index); err != nil {
		return err
	}
	for _, e := range index {
		m, err := loadPolicy(e)
		if err != nil {
			return fmt.Errorf("catalog: managed policy %s: %w", e.Name, err)
		}
		for _, k := range []string{m.Name, m.ARN, m.ID} {
			if k == "" {
				continue
			}
			if _, dup := c.policies[k]; dup {
				return fmt.Errorf("catalog: managed policy %s: duplicate name, ARN or id %q", m.Name, k)
			}
			c.policies[k] = m
		}
		c.policyByName = append(c.policyByName, m)
	}
	slices.SortFunc(c.policyByName, func(a, b *ManagedPolicy) int { return strings.Compare(a.Name, b.Name) })
	return nil
}

func loadPolicy(e indexEntry) (*ManagedPolicy, error) {
	switch e.Kind {
	case "iam", "scp", "rcp":
	default:
		return nil, fmt.Errorf("unknown kind %q", e.Kind)
	}
	doc, err := data.ReadFile(path.Join(policyDir, e.Document))
	if err != nil {
		return nil, err
	}
	if !json.Valid(doc) {
		return nil, fmt.Errorf("%s is not valid JSON", e.Document)
	}
	m := &ManagedPolicy{
		Name:             e.Name,
		ARN:              e.ARN,
		ID:               e.ID,
		Path:             e.Path,
		DefaultVersionID: e.DefaultVersionID,
		Kind:             e.Kind,
	}
	if m.CreateDate, err = parseDate(e.CreateDate); err != nil {
		return nil, err
	}
	if m.UpdateDate, err = parseDate(e.UpdateDate); err != nil {
		return nil, err
	}
	if e.History == "" {
		m.Versions = []PolicyVersion{{VersionID: m.DefaultVersionID, IsDefault: true, CreateDate: m.UpdateDate, Document: doc}}
	} else if err := m.loadHistory(e.History, doc); err != nil {
		return nil, err
	}
	if m.ARN == "" || m.Name == "" {
		return nil, fmt.Errorf("missing name or ARN")
	}
	if m.Kind == "iam" {
		if m.Path == "" {
			m.Path = iamPolicyPath(m.ARN)
		}
		if m.DefaultVersionID == "" {
			return nil, fmt.Errorf("missing default version id")
		}
	}
	defaults := 0
	for _, v := range m.Versions {
		if v.IsDefault {
			defaults++
			if v.VersionID != m.DefaultVersionID {
				return nil, fmt.Errorf("default version %q is not %q", v.VersionID, m.DefaultVersionID)
			}
		}
	}
	if defaults != 1 {
		return nil, fmt.Errorf("%d default versions", defaults)
	}
	return m, nil
}

// loadHistory fills m from a history file; doc is the standalone
// default-version document, which must agree with the history's.
func (m *ManagedPolicy) loadHistory(file string, doc []byte) error {
	var h rawHistory
	if err := readJSON(path.Join(policyDir, file), &h); err != nil {
		return err
	}
	if h.PolicyName != m.Name {
		return fmt.Errorf("%s names policy %q", file, h.PolicyName)
	}
	m.ARN, m.DefaultVersionID = h.ARN, h.DefaultVersionID
	var err error
	if m.CreateDate, err = parseDate(h.CreateDate); err != nil {
		return err
	}
	if m.UpdateDate, err = parseDate(h.UpdateDate); err != nil {
		return err
	}
	for _, v := range h.Versions {
		pv := PolicyVersion{VersionID: v.VersionID, IsDefault: v.IsDefaultVersion}
		if pv.CreateDate, err = parseDate(v.CreateDate); err != nil {
			return err
		}
		var ind bytes.Buffer
		if err := json.Indent(&ind, v.Document, "", "  "); err != nil {
			return fmt.Errorf("%s version %s: %w", file, v.VersionID, err)
		}
		pv.Document = ind.Bytes()
		if pv.IsDefault {
			if !sameJSONText(pv.Document, doc) {
				return fmt.Errorf("%s: default version %s differs from the published document", file, v.VersionID)
			}
			pv.Document = doc
		}
		m.Versions = append(m.Versions, pv)
	}
	return nil
}

// sameJSONText reports whether two JSON texts differ at most in insignificant
// white space.
func sameJSONText(a, b []byte) bool {
	var ca, cb bytes.Buffer
	if json.Compact(&ca, a) != nil || json.Compact(&cb, b) != nil {
		return false
	}
	return bytes.Equal(ca.Bytes(), cb.Bytes())
}

// iamPolicyPath derives the path from an IAM policy ARN:
// arn:aws:iam::aws:policy/aws-service-role/X has path "/aws-service-role/".
func iamPolicyPath(arn string) string {
	_, res, ok := strings.Cut(arn, ":policy/")
	if !ok {
		return "/"
	}
	i := strings.LastIndexByte(res, '/')
	if i < 0 {
		return "/"
	}
	return "/" + res[:i+1]
}

func parseDate(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("date %q: %w", s, err)
	}
	return t.UTC(), nil
}
