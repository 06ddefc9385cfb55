package catalog_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/cleanroom-dev/cleanroom/internal/catalog"
)

func load(t testing.TB) *catalog.Catalog {
	t.Helper()
	c, err := catalog.Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return c
}

func TestLoadIsFreshAndDefaultIsShared(t *testing.T) {
	a, b := load(t), load(t)
	if a == b {
		t.Error("Load returned the same catalog twice")
	}
	if catalog.Default() != catalog.Default() {
		t.Error("Default returned different catalogs")
	}
}

func TestServices(t *testing.T) {
	c := load(t)
	got := c.Services()
	want := []string{"cleanrooms", "cleanrooms-ml", "cloudtrail", "cloudwatch", "ecr", "glue", "iam", "kms", "logs", "organizations", "s3", "sts"}
	if !slices.Equal(got, want) {
		t.Fatalf("Services() = %v, want %v", got, want)
	}
	got[0] = "mutated"
	if c.Services()[0] != "cleanrooms" {
		t.Error("Services() exposes internal state")
	}
	for _, tc := range []struct{ prefix, name string }{
		{"cleanrooms", "AWS Clean Rooms"},
		{"CleanRooms-ML", "AWS Clean Rooms ML"},
		{"s3", "Amazon S3"},
		{"logs", "Amazon CloudWatch Logs"},
	} {
		s, ok := c.Service(tc.prefix)
		if !ok || s.Name != tc.name {
			t.Errorf("Service(%q) = %v, %v; want name %q", tc.prefix, s, ok, tc.name)
		}
	}
	if _, ok := c.Service("s3control"); ok {
		t.Error(`Service("s3control") found; there is no such IAM prefix`)
	}
	s, _ := c.Service("cleanrooms")
	if len(s.Actions) != 107 || len(s.ResourceTypes) != 10 {
		t.Errorf("cleanrooms: %d actions, %d resource types; want 107, 10", len(s.Actions), len(s.ResourceTypes))
	}
}

func TestLookupAction(t *testing.T) {
	c := load(t)
	for _, tc := range []struct {
		in, full, access string
		types            []string // resource type names, in order
		required         []bool
	}{
		{"cleanrooms:GetCollaboration", "cleanrooms:GetCollaboration", "Read", []string{"collaboration"}, []bool{true}},
		{"CleanRooms:getcollaboration", "cleanrooms:GetCollaboration", "Read", []string{"collaboration"}, []bool{true}},
		{"cleanrooms:GetAnalysisTemplate", "cleanrooms:GetAnalysisTemplate", "Read", []string{"analysistemplate"}, []bool{true}},
		// The S3 page lists both types for GetObject, neither marked required.
		{"s3:GetObject", "s3:GetObject", "Read", []string{"accesspointobject", "object"}, []bool{false, false}},
		{"sts:GetCallerIdentity", "sts:GetCallerIdentity", "Read", nil, nil},
		{"iam:PassRole", "iam:PassRole", "Write", []string{"role"}, []bool{true}},
	} {
		a, ok := c.LookupAction(tc.in)
		if !ok {
			t.Errorf("LookupAction(%q) not found", tc.in)
			continue
		}
		if a.FullName() != tc.full || a.AccessLevel != tc.access {
			t.Errorf("LookupAction(%q) = %s (%s), want %s (%s)", tc.in, a.FullName(), a.AccessLevel, tc.full, tc.access)
		}
		var names []string
		var req []bool
		for _, r := range a.ResourceTypes {
			names = append(names, r.Name)
			req = append(req, r.Required)
		}
		if !slices.Equal(names, tc.types) || !slices.Equal(req, tc.required) {
			t.Errorf("%s resource types = %v %v, want %v %v", tc.full, names, req, tc.types, tc.required)
		}
	}
	for _, in := range []string{"", "cleanrooms", "cleanrooms:", "cleanrooms:Get*", "nosuch:GetThing", "cleanrooms:NoSuchAction", strings.Repeat("x", 300)} {
		if a, ok := c.LookupAction(in); ok {
			t.Errorf("LookupAction(%q) = %s, want not found", in, a.FullName())
		}
	}
}

func fullNames(as []*catalog.Action) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.FullName()
	}
	return out
}

func TestExpandActions(t *testing.T) {
	c := load(t)
	get := fullNames(c.ExpandActions("cleanrooms:Get*"))
	if !slices.Contains(get, "cleanrooms:GetCollaboration") {
		t.Errorf("cleanrooms:Get* lacks GetCollaboration: %v", get)
	}
	for _, n := range get {
		if !strings.HasPrefix(n, "cleanrooms:Get") {
			t.Errorf("cleanrooms:Get* yields %s", n)
		}
	}
	if !slices.IsSorted(get) {
		t.Errorf("cleanrooms:Get* not sorted: %v", get)
	}
	if upper := fullNames(c.ExpandActions("CLEANROOMS:get*")); !slices.Equal(upper, get) {
		t.Errorf("CLEANROOMS:get* = %v, want %v", upper, get)
	}
	for _, tc := range []struct {
		pattern string
		min     int
		check   func(string) bool
	}{
		{"nosuch:*", 0, nil},
		{"cleanrooms:NoSuch*", 0, nil},
		{"*:Get*", 100, func(n string) bool { _, a, _ := strings.Cut(n, ":"); return strings.HasPrefix(a, "Get") }},
		{"cleanrooms:*", 107, func(n string) bool { return strings.HasPrefix(n, "cleanrooms:") }},
		{"cleanrooms*:*", 107 + 59, func(n string) bool { return strings.HasPrefix(n, "cleanrooms") }},
		{"cleanrooms-ml:?etTrainedModel", 1, func(n string) bool { return n == "cleanrooms-ml:GetTrainedModel" }},
		{"*", 1000, nil},
	} {
		got := fullNames(c.ExpandActions(tc.pattern))
		if tc.min == 0 && len(got) != 0 || len(got) < tc.min {
			t.Errorf("ExpandActions(%q): %d actions, want at least %d (0 means none)", tc.pattern, len(got), tc.min)
		}
		for _, n := range got {
			if tc.check != nil && !tc.check(n) {
				t.Errorf("ExpandActions(%q) yields %s", tc.pattern, n)
			}
		}
	}
	all := c.ExpandActions("*")
	n := 0
	for _, p := range c.Services() {
		s, _ := c.Service(p)
		n += len(s.Actions)
	}
	if len(all) != n {
		t.Errorf(`ExpandActions("*") = %d actions, services hold %d`, len(all), n)
	}
}

func TestResourceTypesFor(t *testing.T) {
	c := load(t)
	const cr = "arn:aws:cleanrooms:us-east-1:123456789012:"
	for _, tc := range []struct {
		action, arn string
		want        []string
	}{
		{"s3:GetObject", "arn:aws:s3:::b/k/x", []string{"object"}},
		{"s3:GetObject", "arn:aws:s3:::b/2024-01-01T00:00:00Z.json", []string{"object"}},
		{"s3:GetObject", "arn:aws:s3:::b", nil},
		{"s3:ListBucket", "arn:aws:s3:::b", []string{"bucket"}},
		{"s3:ListBucket", "arn:aws:s3:::b/k", nil},
		{"cleanrooms:GetAnalysisTemplate", cr + "membership/abc/analysistemplate/def", []string{"analysistemplate"}},
		{"cleanrooms:GetMembership", cr + "membership/abc", []string{"membership"}},
		{"cleanrooms:GetMembership", cr + "membership/abc/analysistemplate/def", nil},
		{"cleanrooms:GetCollaboration", cr + "collaboration/abc", []string{"collaboration"}},
		{"cleanrooms:GetCollaboration", "arn:aws:cleanrooms:us-east-1::collaboration/abc", nil},
		{"cleanrooms:GetCollaboration", "arn:aws:cleanrooms:us:east:1:123456789012:collaboration/abc", nil},
		{"cleanrooms:GetCollaboration", "arn:aws:cleanroom:us-east-1:123456789012:collaboration/abc", nil},
		{"iam:PassRole", "arn:aws:iam::123456789012:role/service-role/my-role", []string{"role"}},
		{"sts:AssumeRole", "arn:aws:iam::123456789012:role/r", []string{"role"}},
		{"sts:GetCallerIdentity", "arn:aws:iam::123456789012:role/r", nil},
		{"logs:PutLogEvents", "arn:aws:logs:us-east-1:123456789012:log-group:/aws/x:log-stream:2024/01/01/abc", []string{"log-stream"}},
		{"glue:GetTable", "arn:aws:glue:us-east-1:123456789012:table/db/t", []string{"table"}},
	} {
		a, ok := c.LookupAction(tc.action)
		if !ok {
			t.Errorf("LookupAction(%q) not found", tc.action)
			continue
		}
		var got []string
		for _, rt := range c.ResourceTypesFor(a, tc.arn) {
			got = append(got, rt.Name)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("ResourceTypesFor(%s, %s) = %v, want %v", tc.action, tc.arn, got, tc.want)
		}
	}
	if got := c.ResourceTypesFor(nil, "arn:aws:s3:::b"); got != nil {
		t.Errorf("ResourceTypesFor(nil) = %v", got)
	}
}

func TestMatchARN(t *testing.T) {
	c := load(t)
	rt := func(svc, name string) *catalog.ResourceType {
		s, ok := c.Service(svc)
		if !ok {
			t.Fatalf("no service %s", svc)
		}
		r, ok := s.ResourceTypes[strings.ToLower(name)]
		if !ok {
			t.Fatalf("no resource type %s:%s", svc, name)
		}
		return r
	}
	for _, tc := range []struct {
		svc, typ, arn string
		want          bool
	}{
		{"s3", "object", "arn:aws:s3:::bucket/key/with/slashes", true},
		{"s3", "object", "arn:aws-cn:s3:::bucket/k", true},
		{"s3", "object", "arn:aws:s3:::bucket/", false},
		{"s3", "object", "arn:aws:s3:us-east-1::bucket/k", false},
		{"s3", "bucket", "arn:aws:s3:::bucket", true},
		{"s3", "bucket", "arn:aws:s3:::", false},
		{"s3", "accesspoint", "arn:aws:s3:us-east-1:123456789012:accesspoint/ap", true},
		{"s3", "accesspointobject", "arn:aws:s3:us-east-1:123456789012:accesspoint/ap/object/a/b", true},
		{"s3", "accesspoint", "arn:aws:s3:us-east-1:123456789012:accesspoint/ap/object/a/b", false},
		{"cleanrooms", "membership", "arn:aws:cleanrooms:us-east-1:123456789012:membership/abc", true},
		{"cleanrooms", "membership", "arn:aws:cleanrooms:us-east-1:123456789012:membership/abc/analysistemplate/def", false},
		{"cleanrooms", "analysistemplate", "arn:aws:cleanrooms:us-east-1:123456789012:membership/abc/analysistemplate/def", true},
		{"cleanrooms", "analysistemplate", "arn:aws:cleanrooms:us-east-1:123456789012:membership//analysistemplate/def", false},
		{"cleanrooms-ml", "TrainedModel", "arn:aws:cleanrooms-ml:us-east-1:123456789012:membership/m/trained-model/t", true},
		{"iam", "role", "arn:aws:iam::123456789012:role/a/b/c", true},
		{"iam", "role", "arn:aws:iam:us-east-1:123456789012:role/a", false},
		{"iam", "user", "arn:aws:iam::123456789012:user/u", true},
		{"iam", "oidc-provider", "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC", true},
		{"iam", "policy", "arn:aws:iam::aws:policy/aws-service-role/AWSCleanRoomsServiceRolePolicy", true},
		{"sts", "root-user", "arn:aws:iam::123456789012:root", true},
		{"sts", "root-user", "arn:aws:iam::123456789012:rootx", false},
		{"organizations", "awspolicy", "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess", true},
		{"organizations", "account", "arn:aws:organizations::111111111111:account/o-abc/222222222222", true},
		{"organizations", "account", "arn:aws:organizations::111111111111:account/abc/222222222222", false},
		{"kms", "alias", "arn:aws:kms:us-east-1:123456789012:alias/aws/s3", true},
		{"kms", "key", "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab", true},
		{"logs", "log-group", "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/fn", true},
		{"logs", "log-group", "arn:aws:logs:us-east-1:123456789012:log-group:/aws/x:log-stream:s", false},
		{"glue", "rootcatalog", "arn:aws:glue:us-east-1:123456789012:catalog", true},
		{"glue", "catalog", "arn:aws:glue:us-east-1:123456789012:catalog", false},
		{"glue", "table", "arn:aws:glue:us-east-1:123456789012:table/db/t", true},
		{"glue", "table", "arn:aws:glue:us-east-1:123456789012:table/db/t/x", false},
		{"cloudwatch", "dashboard", "arn:aws:cloudwatch::123456789012:dashboard/d", true},
		{"ecr", "repository", "arn:aws:ecr:us-east-1:123456789012:repository/team/app", true},
	} {
		if got := rt(tc.svc, tc.typ).MatchARN(tc.arn); got != tc.want {
			t.Errorf("%s:%s MatchARN(%s) = %v, want %v", tc.svc, tc.typ, tc.arn, got, tc.want)
		}
	}
}

func TestConditionKey(t *testing.T) {
	c := load(t)
	for _, tc := range []struct {
		in, key, typ        string
		global, multivalued bool
	}{
		{"aws:ResourceTag/Team", "aws:ResourceTag/${TagKey}", "String", true, false},
		{"AWS:resourcetag/team", "aws:ResourceTag/${TagKey}", "String", true, false},
		{"aws:RequestTag/a/b:c", "aws:RequestTag/${TagKey}", "String", true, false},
		{"aws:PrincipalTag/Dept", "aws:PrincipalTag/${TagKey}", "String", true, false},
		{"aws:TagKeys", "aws:TagKeys", "ArrayOfString", true, true},
		{"aws:CalledVia", "aws:CalledVia", "ArrayOfString", true, true},
		{"aws:SourceIp", "aws:SourceIp", "IPAddress", true, false},
		{"aws:MultiFactorAuthPresent", "aws:MultiFactorAuthPresent", "Bool", true, false},
		{"aws:SourceArn", "aws:SourceArn", "ARN", true, false},
		{"cleanrooms-ml:CollaborationId", "cleanrooms-ml:CollaborationId", "String", false, false},
		{"iam:PassedToService", "iam:PassedToService", "String", false, false},
		{"iam:ResourceTag/x", "iam:ResourceTag/${TagKey}", "String", false, false},
		{"s3:ExistingObjectTag/x", "s3:ExistingObjectTag/<key>", "String", false, false},
		{"sts:RequestContext/x", "sts:RequestContext/${ContextKey}", "String", false, false},
		{"sts:ExternalId", "sts:ExternalId", "String", false, false},
		{"sts:TransitiveTagKeys", "sts:TransitiveTagKeys", "ArrayOfString", false, true},
		{"saml:sub", "saml:sub", "String", false, false},
		{"accounts.google.com:aud", "accounts.google.com:aud", "String", false, false},
		{"token.actions.example.ghe.com:actor", "token.actions.${Domain}.ghe.com:actor", "String", false, false},
		{"kms:EncryptionContext:purpose", "kms:EncryptionContext:${EncryptionContextKey}", "String", false, false},
	} {
		k, ok := c.ConditionKey(tc.in)
		if !ok {
			t.Errorf("ConditionKey(%q) not found", tc.in)
			continue
		}
		if k.Key != tc.key || k.Type != tc.typ || k.Global != tc.global || k.Multivalued != tc.multivalued {
			t.Errorf("ConditionKey(%q) = {%s %s global=%v multi=%v}, want {%s %s global=%v multi=%v}",
				tc.in, k.Key, k.Type, k.Global, k.Multivalued, tc.key, tc.typ, tc.global, tc.multivalued)
		}
		if !k.Matches(tc.in) {
			t.Errorf("ConditionKey(%q).Matches(itself) = false", tc.in)
		}
	}
	for _, in := range []string{"", "nosuch:key", "aws:ResourceTag/", "aws:NoSuchKey", "cleanrooms:CollaborationId"} {
		if k, ok := c.ConditionKey(in); ok {
			t.Errorf("ConditionKey(%q) = %s, want not found", in, k.Key)
		}
	}
}

func TestActionSupportsKey(t *testing.T) {
	c := load(t)
	rt := func(svc, name string) *catalog.ResourceType {
		s, _ := c.Service(svc)
		return s.ResourceTypes[name]
	}
	for _, tc := range []struct {
		action string
		rt     *catalog.ResourceType
		key    string
		want   bool
	}{
		{"cleanrooms:GetCollaboration", nil, "aws:SourceIp", true},
		{"cleanrooms:GetCollaboration", nil, "aws:ResourceTag/Team", true},
		{"cleanrooms:GetCollaboration", nil, "cleanrooms-ml:CollaborationId", false},
		{"cleanrooms:GetCollaboration", nil, "iam:PassedToService", false},
		{"iam:PassRole", nil, "iam:PassedToService", true},
		{"iam:PassRole", nil, "IAM:passedtoservice", true},
		{"iam:PassRole", rt("iam", "role"), "iam:ResourceTag/Team", true},
		{"iam:PassRole", rt("iam", "role"), "iam:AssociatedResourceArn", true},
		{"s3:GetObject", nil, "s3:ExistingObjectTag/Class", true},
		{"s3:GetObject", rt("s3", "object"), "s3:BucketTag/Env", true},
		{"s3:GetObject", nil, "s3:prefix", false},
		{"s3:ListBucket", nil, "s3:prefix", true},
		{"sts:AssumeRole", nil, "sts:ExternalId", true},
		{"sts:AssumeRoleWithWebIdentity", nil, "accounts.google.com:aud", true},
		{"sts:AssumeRoleWithSAML", nil, "saml:sub", true},
		// The reference lists SAML and web-identity keys on AssumeRole too (role chaining).
		{"sts:AssumeRole", nil, "saml:sub", true},
		{"sts:GetCallerIdentity", nil, "sts:ExternalId", false},
		{"sts:AssumeRoleWithSAML", nil, "accounts.google.com:aud", false},
	} {
		a, ok := c.LookupAction(tc.action)
		if !ok {
			t.Errorf("LookupAction(%q) not found", tc.action)
			continue
		}
		if got := c.ActionSupportsKey(a, tc.rt, tc.key); got != tc.want {
			t.Errorf("ActionSupportsKey(%s, %v, %s) = %v, want %v", tc.action, tc.rt != nil, tc.key, got, tc.want)
		}
	}
	ml := c.ExpandActions("cleanrooms-ml:*")
	n := 0
	for _, a := range ml {
		if c.ActionSupportsKey(a, nil, "cleanrooms-ml:CollaborationId") {
			n++
		}
	}
	if n != 9 {
		t.Errorf("cleanrooms-ml:CollaborationId supported by %d actions, want 9", n)
	}
	if c.ActionSupportsKey(nil, nil, "aws:SourceIp") {
		t.Error("ActionSupportsKey(nil) = true")
	}
}

func TestRCPApplies(t *testing.T) {
	c := load(t)
	for _, tc := range []struct {
		prefix string
		want   bool
	}{
		{"s3", true}, {"S3", true}, {"sts", true}, {"kms", true},
		{"cleanrooms", false}, {"cleanrooms-ml", false}, {"iam", false}, {"glue", false}, {"organizations", false}, {"", false},
	} {
		if got := c.RCPApplies(tc.prefix); got != tc.want {
			t.Errorf("RCPApplies(%q) = %v, want %v", tc.prefix, got, tc.want)
		}
	}
}

func TestManagedPolicies(t *testing.T) {
	c := load(t)
	for _, tc := range []struct {
		lookup, name, arn, path, def, kind string
		versions                           int
	}{
		{"AWSCleanRoomsFullAccessNoQuerying", "AWSCleanRoomsFullAccessNoQuerying", "arn:aws:iam::aws:policy/AWSCleanRoomsFullAccessNoQuerying", "/", "v7", "iam", 7},
		{"arn:aws:iam::aws:policy/AWSCleanRoomsFullAccess", "AWSCleanRoomsFullAccess", "arn:aws:iam::aws:policy/AWSCleanRoomsFullAccess", "/", "v2", "iam", 2},
		{"AWSCleanRoomsReadOnlyAccess", "AWSCleanRoomsReadOnlyAccess", "arn:aws:iam::aws:policy/AWSCleanRoomsReadOnlyAccess", "/", "v1", "iam", 1},
		{"AWSCleanRoomsMLFullAccess", "AWSCleanRoomsMLFullAccess", "arn:aws:iam::aws:policy/AWSCleanRoomsMLFullAccess", "/", "v4", "iam", 4},
		{"AWSCleanRoomsMLReadOnlyAccess", "AWSCleanRoomsMLReadOnlyAccess", "arn:aws:iam::aws:policy/AWSCleanRoomsMLReadOnlyAccess", "/", "v4", "iam", 4},
		{"AWSCleanRoomsServiceRolePolicy", "AWSCleanRoomsServiceRolePolicy", "arn:aws:iam::aws:policy/aws-service-role/AWSCleanRoomsServiceRolePolicy", "/aws-service-role/", "v1", "iam", 1},
		{"AdministratorAccess", "AdministratorAccess", "arn:aws:iam::aws:policy/AdministratorAccess", "/", "v1", "iam", 1},
		{"IAMFullAccess", "IAMFullAccess", "arn:aws:iam::aws:policy/IAMFullAccess", "/", "v2", "iam", 1},
		{"arn:aws:iam::aws:policy/IAMReadOnlyAccess", "IAMReadOnlyAccess", "arn:aws:iam::aws:policy/IAMReadOnlyAccess", "/", "v4", "iam", 1},
		{"p-FullAWSAccess", "FullAWSAccess", "arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess", "", "", "scp", 1},
		{"RCPFullAWSAccess", "RCPFullAWSAccess", "arn:aws:organizations::aws:policy/resource_control_policy/p-RCPFullAWSAccess", "", "", "rcp", 1},
	} {
		m, ok := c.ManagedPolicy(tc.lookup)
		if !ok {
			t.Errorf("ManagedPolicy(%q) not found", tc.lookup)
			continue
		}
		if m.Name != tc.name || m.ARN != tc.arn || m.Path != tc.path || m.DefaultVersionID != tc.def || m.Kind != tc.kind || len(m.Versions) != tc.versions {
			t.Errorf("ManagedPolicy(%q) = {%s %s %q %q %s %d versions}, want {%s %s %q %q %s %d}",
				tc.lookup, m.Name, m.ARN, m.Path, m.DefaultVersionID, m.Kind, len(m.Versions),
				tc.name, tc.arn, tc.path, tc.def, tc.kind, tc.versions)
		}
		d := m.Default()
		if !d.IsDefault || d.VersionID != tc.def {
			t.Errorf("%s: Default() = %s (default %v), want %s", m.Name, d.VersionID, d.IsDefault, tc.def)
		}
		var doc struct {
			Version   string
			Statement []json.RawMessage
		}
		if err := json.Unmarshal(d.Document, &doc); err != nil || doc.Version != "2012-10-17" || len(doc.Statement) == 0 {
			t.Errorf("%s: default document does not parse as a policy: %v", m.Name, err)
		}
		if m.Kind == "iam" && (m.CreateDate.IsZero() || m.UpdateDate.Before(m.CreateDate)) {
			t.Errorf("%s: dates %v, %v", m.Name, m.CreateDate, m.UpdateDate)
		}
	}
	for _, in := range []string{"", "NoSuchPolicy", "awscleanroomsfullaccess", "arn:aws:iam::aws:policy/NoSuch"} {
		if _, ok := c.ManagedPolicy(in); ok {
			t.Errorf("ManagedPolicy(%q) found", in)
		}
	}

	m, _ := c.ManagedPolicy("AWSCleanRoomsFullAccessNoQuerying")
	var ids []string
	for _, v := range m.Versions {
		ids = append(ids, v.VersionID)
		if v.CreateDate.IsZero() {
			t.Errorf("%s %s: no create date", m.Name, v.VersionID)
		}
	}
	if want := []string{"v1", "v2", "v3", "v4", "v5", "v6", "v7"}; !slices.Equal(ids, want) {
		t.Errorf("%s versions = %v, want %v", m.Name, ids, want)
	}
	if !sameJSON(t, m.Versions[4].Document, m.Versions[6].Document) || sameJSON(t, m.Versions[0].Document, m.Versions[6].Document) {
		t.Errorf("%s: v5 and v7 should be identical, v1 and v7 not", m.Name)
	}
}

func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal(a, &x); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &y); err != nil {
		t.Fatal(err)
	}
	xb, _ := json.Marshal(x)
	yb, _ := json.Marshal(y)
	return string(xb) == string(yb)
}

func TestEveryManagedPolicyDocumentIsValid(t *testing.T) {
	c := load(t)
	ps := c.ManagedPolicies()
	if len(ps) != 11 {
		t.Errorf("%d managed policies, want 11", len(ps))
	}
	if !slices.IsSortedFunc(ps, func(a, b *catalog.ManagedPolicy) int { return strings.Compare(a.Name, b.Name) }) {
		t.Error("ManagedPolicies() not sorted by name")
	}
	for _, m := range ps {
		defaults := 0
		for _, v := range m.Versions {
			if !json.Valid(v.Document) {
				t.Errorf("%s %s: invalid JSON", m.Name, v.VersionID)
			}
			if v.IsDefault {
				defaults++
			}
		}
		if defaults != 1 {
			t.Errorf("%s: %d default versions", m.Name, defaults)
		}
		if got, ok := c.ManagedPolicy(m.ARN); !ok || got != m {
			t.Errorf("ManagedPolicy(%s) does not find %s", m.ARN, m.Name)
		}
	}
}

// TestDataIntegrity walks every service: each action's resource-type rows
// resolve to a resource type of the same service, every listed condition key
// is known, and every ARN format accepts an ARN built from it.
func TestDataIntegrity(t *testing.T) {
	c := load(t)
	for _, p := range c.Services() {
		s, _ := c.Service(p)
		if s.Prefix != p || s.Name == "" {
			t.Errorf("service %q: prefix %q name %q", p, s.Prefix, s.Name)
		}
		if len(s.Actions) == 0 {
			t.Errorf("service %s has no actions", p)
		}
		for lk, a := range s.Actions {
			if lk != strings.ToLower(a.Name) || a.Service != p || a.FullName() != p+":"+a.Name {
				t.Errorf("action %s keyed %q", a.FullName(), lk)
			}
			if got, ok := c.LookupAction(a.FullName()); !ok || got != a {
				t.Errorf("LookupAction(%s) does not find it", a.FullName())
			}
			if a.AccessLevel == "" {
				t.Errorf("%s: no access level", a.FullName())
			}
			for _, r := range a.ResourceTypes {
				if r.Name == "" || r.Type == nil || r.Type != s.ResourceTypes[strings.ToLower(r.Name)] || r.Type.Service != p {
					t.Errorf("%s: resource type %q does not resolve", a.FullName(), r.Name)
				}
				for _, k := range r.ConditionKeys {
					if _, ok := c.ConditionKey(k); !ok {
						t.Errorf("%s on %s: unknown condition key %s", a.FullName(), r.Name, k)
					}
				}
			}
			for _, k := range a.ConditionKeys {
				if _, ok := c.ConditionKey(k); !ok {
					t.Errorf("%s: unknown condition key %s", a.FullName(), k)
				}
				if !c.ActionSupportsKey(a, nil, k) {
					t.Errorf("%s: ActionSupportsKey(%s) = false", a.FullName(), k)
				}
			}
		}
		for lk, r := range s.ResourceTypes {
			if lk != strings.ToLower(r.Name) {
				t.Errorf("%s resource type %s keyed %q", p, r.Name, lk)
			}
			if arn := sampleARN(r.ARNFormat); !r.MatchARN(arn) {
				t.Errorf("%s:%s does not match its own sample %s", p, r.Name, arn)
			}
			for _, k := range r.ConditionKeys {
				if _, ok := c.ConditionKey(k); !ok {
					t.Errorf("%s:%s: unknown condition key %s", p, r.Name, k)
				}
			}
		}
		for lk, k := range s.ConditionKeys {
			if lk != strings.ToLower(k.Key) || k.Type == "" {
				t.Errorf("%s condition key %s keyed %q, type %q", p, k.Key, lk, k.Type)
			}
			if k.Multivalued != strings.HasPrefix(k.Type, "ArrayOf") {
				t.Errorf("%s: Multivalued %v for type %s", k.Key, k.Multivalued, k.Type)
			}
			if strings.HasPrefix(lk, "aws:") && !k.Global {
				t.Errorf("%s: aws: key not marked global", k.Key)
			}
		}
	}
}

// sampleARN fills every ${...} placeholder of an ARN format with a value.
func sampleARN(format string) string {
	var b strings.Builder
	for {
		i := strings.Index(format, "${")
		if i < 0 {
			b.WriteString(format)
			return b.String()
		}
		j := strings.IndexByte(format[i:], '}')
		b.WriteString(format[:i])
		switch format[i+2 : i+j] {
		case "Partition":
			b.WriteString("aws")
		case "Region":
			b.WriteString("us-east-1")
		case "Account":
			b.WriteString("123456789012")
		default:
			b.WriteString("x1")
		}
		format = format[i+j+1:]
	}
}

func BenchmarkLookupAction(b *testing.B) {
	c, err := catalog.Load()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := c.LookupAction("CleanRooms:GetCollaboration"); !ok {
			b.Fatal("not found")
		}
	}
}

func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := catalog.Load(); err != nil {
			b.Fatal(err)
		}
	}
}
