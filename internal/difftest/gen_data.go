package difftest

// The small pools the generator draws from. They are kept small on purpose:
// a policy value and a request value drawn from the same pool match about half
// the time, so conditions, principals and resources decide outcomes instead of
// almost never matching.

const (
	acctA = "111122223333"
	acctB = "444455556666"
	acctC = "777788889999" // not in the organization
)

var genAccounts = []string{acctA, acctB, acctC}

var accountOrg = map[string]string{
	acctA: "o-a1b2c3d4e5",
	acctB: "o-a1b2c3d4e5",
}

var accountOrgPath = map[string]string{
	acctA: "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/",
	acctB: "o-a1b2c3d4e5/r-ab12/ou-ab12-22222222/",
}

var orgIDs = []string{"o-a1b2c3d4e5", "o-f6g7h8i9j0"}

var orgPathPatterns = []string{
	"o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/",
	"o-a1b2c3d4e5/r-ab12/ou-ab12-22222222/",
	"o-a1b2c3d4e5/*",
	"o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*",
	"o-f6g7h8i9j0/*",
}

var regions = []string{"us-east-1", "us-east-1", "eu-west-1"}

var (
	collabIDs     = []string{"3f2b6c1a-8d4e-4f5a-9b7c-0e1d2c3b4a51", "9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c62"}
	membershipIDs = []string{"5d6e7f80-1a2b-4c3d-8e4f-5a6b7c8d9e01", "0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e"}
	templateIDs   = []string{"a1b2c3d4-1111-4222-8333-944455556666", "f0e1d2c3-7777-4888-9999-aaaabbbbcccc"}
	tableIDs      = []string{"1c2d3e4f-aaaa-4bbb-8ccc-dddd0000eeee", "2d3e4f5a-bbbb-4ccc-8ddd-eeee1111ffff"}
	datasetIDs    = []string{"6e7f8091-2a3b-4c5d-9e6f-708192a3b4c5", "7f8091a2-3b4c-4d5e-8f60-8192a3b4c5d6"}
	camIDs        = []string{"8091a2b3-4c5d-4e6f-9071-92a3b4c5d6e7", "91a2b3c4-5d6e-4f70-8182-a3b4c5d6e7f8"}
)

var roleNames = []string{"CleanRoomsQueryRole", "red-analyst", "blue-analyst"}

var roleIDs = map[string]string{
	"CleanRoomsQueryRole": "AROAQUERYROLE0001",
	"red-analyst":         "AROAREDANALYST001",
	"blue-analyst":        "AROABLUEANALYST01",
}

var userNames = []string{"alice", "bob"}

var userIDs = map[string]string{
	"alice": "AIDAALICE00000001",
	"bob":   "AIDABOB0000000001",
}

var sessionNames = []string{"alice", "etl-job", "CleanRooms"}

var buckets = []string{"cr-red-results", "cr-blue-results", "cr-shared-data"}

var bucketOwner = map[string]string{
	"cr-red-results":  acctA,
	"cr-blue-results": acctB,
	"cr-shared-data":  acctC,
}

// Object keys never hold * or ?, which would make the oracle run a wildcard
// simulation; $ is fine and exercises the ${$} escape.
var objectKeys = []string{
	"home/alice/report.csv",
	"home/bob/data.csv",
	"data/part-0001.parquet",
	"red/summary.csv",
	"AIDAALICE00000001/notes.txt",
	"reports/q1$final.csv",
}

var servicePrincipals = []string{"cleanrooms.amazonaws.com", "cleanrooms-ml.amazonaws.com"}

// Instants used by date keys, in both of the forms a request carries.
var (
	isoInstants   = []string{"2024-01-01T00:00:00Z", "2024-06-01T12:00:00Z", "2025-01-01T00:00:00Z"}
	epochInstants = []string{"1704067200", "1717243200", "1735689600"}
	// Policy-side date values: the same instants in other ISO 8601 forms, and
	// instants between them.
	isoPolicyDates = []string{
		"2024-01-01T00:00:00Z", "2024-06-01T12:00:00Z", "2025-01-01T00:00:00Z",
		"2024-06-01", "2024-03-15T08:30:00Z", "2024-06-01T12:00:00.000Z", "2024-06-01T14:00:00+02:00",
		"2030-01-01T00:00:00Z",
	}
	epochPolicyDates = []string{"1704067200", "1717243200", "1735689600", "1710000000", "1893456000"}
)

// resKind is the type of the requested resource.
type resKind int

const (
	rkCollaboration resKind = iota
	rkMembership
	rkAnalysisTemplate
	rkConfiguredTable
	rkTrainingDataset
	rkAudienceModel
	rkRole
	rkUser
	rkObject
	rkBucket
)

// actionSpec is an action the generator requests, with the resource type it
// acts on and the service-specific context keys that apply to it (the global
// aws: keys are handled apart).
type actionSpec struct {
	name   string
	kind   resKind
	keys   []string
	weight int
}

var (
	resTag     = []string{"aws:ResourceTag/team", "aws:ResourceTag/project"}
	iamResTag  = []string{"aws:ResourceTag/team", "iam:ResourceTag/team"}
	reqTags    = []string{"aws:RequestTag/team", "aws:RequestTag/project", "aws:TagKeys"}
	s3Common   = []string{"s3:authType", "s3:signatureversion", "s3:TlsVersion", "s3:signatureAge", "s3:ResourceAccount"}
	s3Existing = []string{"s3:ExistingObjectTag/classification"}
	s3ReqTags  = []string{"s3:RequestObjectTag/classification", "s3:RequestObjectTagKeys"}
)

func cat(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

var actionSpecs = []actionSpec{
	{"cleanrooms:GetCollaboration", rkCollaboration, resTag, 4},
	{"cleanrooms:UpdateCollaboration", rkCollaboration, resTag, 2},
	{"cleanrooms:ListMembers", rkCollaboration, resTag, 2},
	{"cleanrooms:GetMembership", rkMembership, resTag, 3},
	{"cleanrooms:StartProtectedQuery", rkMembership, resTag, 3},
	{"cleanrooms:GetAnalysisTemplate", rkAnalysisTemplate, resTag, 3},
	{"cleanrooms:GetConfiguredTable", rkConfiguredTable, resTag, 2},
	{"cleanrooms:TagResource", rkCollaboration, cat(resTag, reqTags), 2},
	{"cleanrooms:UntagResource", rkMembership, cat(resTag, []string{"aws:TagKeys"}), 1},
	{"cleanrooms-ml:GetTrainingDataset", rkTrainingDataset, resTag, 3},
	{"cleanrooms-ml:DeleteTrainingDataset", rkTrainingDataset, resTag, 1},
	{"cleanrooms-ml:GetConfiguredAudienceModel", rkAudienceModel, resTag, 2},
	{"cleanrooms-ml:StartAudienceGenerationJob", rkAudienceModel, cat(resTag, []string{"cleanrooms-ml:CollaborationId"}), 2},
	{"cleanrooms-ml:TagResource", rkTrainingDataset, cat(resTag, reqTags), 1},
	{"iam:GetRole", rkRole, iamResTag, 3},
	{"iam:PassRole", rkRole, cat(iamResTag, []string{"iam:PassedToService", "iam:AssociatedResourceArn"}), 4},
	{"iam:GetUser", rkUser, iamResTag, 2},
	{"iam:TagRole", rkRole, cat(iamResTag, reqTags), 1},
	{"iam:CreateRole", rkRole, cat(reqTags, []string{"iam:PermissionsBoundary"}), 1},
	{"sts:AssumeRole", rkRole, cat(iamResTag, reqTags, []string{"sts:ExternalId", "sts:RoleSessionName", "sts:SourceIdentity", "sts:TransitiveTagKeys"}), 9},
	{"sts:TagSession", rkRole, cat(reqTags, []string{"sts:TransitiveTagKeys"}), 2},
	{"sts:SetSourceIdentity", rkRole, []string{"sts:SourceIdentity"}, 1},
	{"s3:GetObject", rkObject, cat(s3Common, s3Existing), 6},
	{"s3:PutObject", rkObject, cat(s3Common, s3ReqTags, []string{"s3:x-amz-server-side-encryption", "s3:x-amz-acl", "s3:object-lock-remaining-retention-days", "s3:object-lock-retain-until-date"}), 5},
	{"s3:DeleteObject", rkObject, s3Common, 2},
	{"s3:GetObjectTagging", rkObject, cat(s3Common, s3Existing), 1},
	{"s3:PutObjectTagging", rkObject, cat(s3Common, s3Existing, s3ReqTags), 1},
	{"s3:ListBucket", rkBucket, cat(s3Common, []string{"s3:prefix", "s3:delimiter", "s3:max-keys"}), 5},
	{"s3:GetBucketPolicy", rkBucket, s3Common, 1},
	{"s3:PutBucketPolicy", rkBucket, s3Common, 1},
}

// otherActions are real actions that policies name without the generator
// requesting them, so that Action elements sometimes miss.
var otherActions = map[string][]string{
	"cleanrooms":    {"cleanrooms:CreateCollaboration", "cleanrooms:DeleteMember", "cleanrooms:ListCollaborations", "cleanrooms:GetProtectedQuery", "cleanrooms:CreateConfiguredTable"},
	"cleanrooms-ml": {"cleanrooms-ml:CreateTrainingDataset", "cleanrooms-ml:ListTrainingDatasets", "cleanrooms-ml:DeleteConfiguredAudienceModel"},
	"iam":           {"iam:DeleteRole", "iam:ListRoles", "iam:AttachRolePolicy", "iam:CreateUser"},
	"sts":           {"sts:GetCallerIdentity", "sts:AssumeRoleWithWebIdentity", "sts:GetSessionToken"},
	"s3":            {"s3:PutObjectAcl", "s3:ListAllMyBuckets", "s3:DeleteBucket", "s3:GetBucketTagging", "s3:GetObjectVersion"},
}

// keyType is the type of a condition key, which decides the operators that
// are written against it.
type keyType int

const (
	kString keyType = iota
	kArn
	kNum
	kDate
	kBool
	kIP
	kBinary
)

type keyDef struct {
	typ   keyType
	multi bool
	// alsoNumeric marks date keys whose value is a number (aws:EpochTime),
	// which policies also test with Numeric operators.
	alsoNumeric bool
}

// keyDefs lists every condition key the generator writes into policies or
// requests. Types follow the AWS Service Authorization Reference.
var keyDefs = map[string]keyDef{
	// Principal keys.
	"aws:PrincipalArn":              {typ: kArn},
	"aws:PrincipalAccount":          {typ: kString},
	"aws:PrincipalType":             {typ: kString},
	"aws:userid":                    {typ: kString},
	"aws:username":                  {typ: kString},
	"aws:PrincipalOrgID":            {typ: kString},
	"aws:PrincipalOrgPaths":         {typ: kString, multi: true},
	"aws:PrincipalTag/team":         {typ: kString},
	"aws:PrincipalTag/project":      {typ: kString},
	"aws:PrincipalTag/cert":         {typ: kBinary},
	"aws:PrincipalIsAWSService":     {typ: kBool},
	"aws:PrincipalServiceName":      {typ: kString},
	"aws:PrincipalServiceNamesList": {typ: kString, multi: true},
	"aws:MultiFactorAuthPresent":    {typ: kBool},
	"aws:MultiFactorAuthAge":        {typ: kNum},
	"aws:TokenIssueTime":            {typ: kDate},
	"aws:SourceIdentity":            {typ: kString},
	"aws:CalledVia":                 {typ: kString, multi: true},
	"aws:CalledViaFirst":            {typ: kString},
	"aws:CalledViaLast":             {typ: kString},
	"aws:ViaAWSService":             {typ: kBool},
	// Network and request keys.
	"aws:SourceIp":        {typ: kIP},
	"aws:CurrentTime":     {typ: kDate},
	"aws:EpochTime":       {typ: kDate, alsoNumeric: true},
	"aws:SecureTransport": {typ: kBool},
	"aws:RequestedRegion": {typ: kString},
	"aws:UserAgent":       {typ: kString},
	"aws:SourceArn":       {typ: kArn},
	"aws:SourceAccount":   {typ: kString},
	// Resource keys.
	"aws:ResourceAccount":     {typ: kString},
	"aws:ResourceOrgID":       {typ: kString},
	"aws:ResourceTag/team":    {typ: kString},
	"aws:ResourceTag/project": {typ: kString},
	"iam:ResourceTag/team":    {typ: kString},
	// Tagging keys.
	"aws:RequestTag/team":    {typ: kString},
	"aws:RequestTag/project": {typ: kString},
	"aws:TagKeys":            {typ: kString, multi: true},
	// Service keys.
	"iam:PassedToService":                     {typ: kString},
	"iam:AssociatedResourceArn":               {typ: kArn},
	"iam:PermissionsBoundary":                 {typ: kArn},
	"sts:ExternalId":                          {typ: kString},
	"sts:RoleSessionName":                     {typ: kString},
	"sts:SourceIdentity":                      {typ: kString},
	"sts:TransitiveTagKeys":                   {typ: kString, multi: true},
	"cleanrooms-ml:CollaborationId":           {typ: kString},
	"s3:prefix":                               {typ: kString},
	"s3:delimiter":                            {typ: kString},
	"s3:max-keys":                             {typ: kNum},
	"s3:authType":                             {typ: kString},
	"s3:signatureversion":                     {typ: kString},
	"s3:TlsVersion":                           {typ: kNum},
	"s3:signatureAge":                         {typ: kNum},
	"s3:ResourceAccount":                      {typ: kString},
	"s3:ExistingObjectTag/classification":     {typ: kString},
	"s3:RequestObjectTag/classification":      {typ: kString},
	"s3:RequestObjectTagKeys":                 {typ: kString, multi: true},
	"s3:x-amz-server-side-encryption":         {typ: kString},
	"s3:x-amz-acl":                            {typ: kString},
	"s3:object-lock-remaining-retention-days": {typ: kNum},
	"s3:object-lock-retain-until-date":        {typ: kDate},
}

// keyNames is keyDefs' keys in a fixed order, so that generation is
// deterministic for a seed.
var keyNames = sortedKeys(keyDefs)

// staticPools are the values of keys that do not derive from the principal
// or the resource: a request draws its value from the pool and a policy its
// condition values.
var staticPools = map[string][]string{
	"aws:PrincipalTag/team":                   {"red", "blue"},
	"aws:PrincipalTag/project":                {"alpha", "beta"},
	"aws:PrincipalTag/cert":                   {"QmluYXJ5VmFsdWU=", "b3RoZXJWYWx1ZQ=="},
	"aws:PrincipalType":                       {"User", "AssumedRole", "Account", "FederatedUser"},
	"aws:PrincipalOrgID":                      orgIDs,
	"aws:PrincipalOrgPaths":                   orgPathPatterns,
	"aws:PrincipalServiceName":                servicePrincipals,
	"aws:PrincipalServiceNamesList":           servicePrincipals,
	"aws:MultiFactorAuthAge":                  {"30", "3600", "90000"},
	"aws:SourceIdentity":                      {"alice", "etl"},
	"aws:CalledVia":                           {"cleanrooms.amazonaws.com", "cleanrooms-ml.amazonaws.com", "athena.amazonaws.com"},
	"aws:CalledViaFirst":                      {"cleanrooms.amazonaws.com", "cleanrooms-ml.amazonaws.com"},
	"aws:CalledViaLast":                       {"cleanrooms.amazonaws.com", "athena.amazonaws.com"},
	"aws:SourceIp":                            {"203.0.113.5", "198.51.100.7", "10.1.2.3", "2001:db8::1"},
	"aws:RequestedRegion":                     {"us-east-1", "eu-west-1"},
	"aws:UserAgent":                           {"aws-cli/2.15 md/*", "aws-cli/2.15 md/x", "Boto3/1.34 ?", "$sdk/1.0"},
	"aws:ResourceOrgID":                       orgIDs,
	"aws:ResourceTag/team":                    {"red", "blue"},
	"aws:ResourceTag/project":                 {"alpha", "beta"},
	"iam:ResourceTag/team":                    {"red", "blue"},
	"aws:RequestTag/team":                     {"red", "blue", "green"},
	"aws:RequestTag/project":                  {"alpha", "beta"},
	"aws:TagKeys":                             {"team", "project", "cost-center"},
	"iam:PassedToService":                     {"cleanrooms.amazonaws.com", "cleanrooms-ml.amazonaws.com", "glue.amazonaws.com"},
	"sts:RoleSessionName":                     {"alice", "etl-job", "CleanRooms"},
	"sts:SourceIdentity":                      {"alice", "etl"},
	"sts:TransitiveTagKeys":                   {"team", "project"},
	"cleanrooms-ml:CollaborationId":           collabIDs,
	"s3:prefix":                               {"home/alice/", "home/bob/", "home/", "data/", "data*", "red/"},
	"s3:delimiter":                            {"/", "|"},
	"s3:max-keys":                             {"10", "1000"},
	"s3:authType":                             {"REST-HEADER", "REST-QUERY-STRING"},
	"s3:signatureversion":                     {"AWS4-HMAC-SHA256", "AWS"},
	"s3:TlsVersion":                           {"1.2", "1.3"},
	"s3:signatureAge":                         {"1000", "600000"},
	"s3:ExistingObjectTag/classification":     {"public", "confidential"},
	"s3:RequestObjectTag/classification":      {"public", "confidential"},
	"s3:RequestObjectTagKeys":                 {"classification", "owner"},
	"s3:x-amz-server-side-encryption":         {"AES256", "aws:kms"},
	"s3:x-amz-acl":                            {"private", "bucket-owner-full-control", "public-read"},
	"s3:object-lock-remaining-retention-days": {"1", "30", "365"},
}

// numericPolicyPools are the numbers policies compare numeric keys with.
var numericPolicyPools = map[string][]string{
	"aws:MultiFactorAuthAge":                  {"60", "3600", "86400", "30"},
	"s3:max-keys":                             {"10", "100", "1000"},
	"s3:TlsVersion":                           {"1.2", "1.3", "1.25"},
	"s3:signatureAge":                         {"600000", "1000", "5000"},
	"s3:object-lock-remaining-retention-days": {"30", "90", "1"},
	"aws:EpochTime":                           epochPolicyDates,
}

// variablePools are condition values with policy variables (and the ${*}
// ${?} ${$} escapes), written only in Version 2012-10-17 policies.
var variablePools = map[string][]string{
	"aws:ResourceTag/team":                {"${aws:PrincipalTag/team}", "${aws:PrincipalTag/team, 'red'}"},
	"iam:ResourceTag/team":                {"${aws:PrincipalTag/team}"},
	"aws:RequestTag/team":                 {"${aws:PrincipalTag/team}", "${aws:PrincipalTag/team, 'blue'}"},
	"aws:RequestTag/project":              {"${aws:PrincipalTag/project, 'alpha'}"},
	"s3:prefix":                           {"home/${aws:username}/", "home/${aws:username}/*", "${aws:PrincipalTag/team}/*", "data${*}", "data${?}", "${aws:username, 'home'}/*"},
	"sts:RoleSessionName":                 {"${aws:username}", "${aws:PrincipalTag/team, 'etl'}-*"},
	"sts:SourceIdentity":                  {"${aws:username}", "${aws:SourceIdentity}"},
	"aws:PrincipalArn":                    {"arn:aws:iam::*:user/${aws:username}", "arn:aws:iam::*:role/${aws:PrincipalTag/team}-analyst", "arn:aws:iam::" + acctA + ":role/${aws:PrincipalTag/team, 'red'}-analyst"},
	"aws:userid":                          {"*:${aws:username}", "AROA*:${aws:PrincipalTag/team, 'alice'}"},
	"aws:PrincipalAccount":                {"${aws:ResourceAccount}"},
	"aws:SourceAccount":                   {"${aws:ResourceAccount}"},
	"aws:UserAgent":                       {"aws-cli/2.15 md/${*}", "${$}sdk*", "Boto3/1.34 ${?}", "*${?}", "${*}*"},
	"s3:ExistingObjectTag/classification": {"${aws:PrincipalTag/project, 'public'}"},
	"sts:ExternalId":                      {"arn:aws:cleanrooms:*:${aws:SourceAccount}:dbuser:*"},
}

// stringOnlyVariablePools are variables in the region or account part of an
// ARN: they are written only with String operators. (With Arn operators and
// in Resource elements the oracle splits the ARN at the variable's own colon
// or does not substitute, and whether AWS substitutes there is not
// documented.)
var stringOnlyVariablePools = map[string][]string{
	"aws:PrincipalArn": {"arn:aws:iam::${aws:PrincipalAccount}:user/${aws:username}", "arn:aws:iam::${aws:ResourceAccount}:role/${aws:PrincipalTag/team}-analyst"},
	"aws:SourceArn":    {"arn:aws:cleanrooms:${aws:RequestedRegion}:${aws:SourceAccount}:membership/*"},
}
