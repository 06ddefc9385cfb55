package policy

// knownKeys are the global condition keys without a variable part (the
// "AWS global condition context keys" page; the same list as the catalog's
// global keys, which a test checks), lower-cased. A request context and the
// compiled conditions find these keys by number: no hashing, no string
// comparison on the decision path.
var knownKeys = [...]string{
	"aws:assumedroot",
	"aws:calledvia",
	"aws:calledviaawsmcp",
	"aws:calledviafirst",
	"aws:calledvialast",
	"aws:chatbotsourcearn",
	"aws:currenttime",
	"aws:ec2instancesourceprivateipv4",
	"aws:ec2instancesourcevpc",
	"aws:epochtime",
	"aws:federatedprovider",
	"aws:ismcpserviceaction",
	"aws:multifactorauthage",
	"aws:multifactorauthpresent",
	"aws:principalaccount",
	"aws:principalarn",
	"aws:principalisawsservice",
	"aws:principalorgid",
	"aws:principalorgpaths",
	"aws:principalservicename",
	"aws:principalservicenameslist",
	"aws:principaltype",
	"aws:referer",
	"aws:requestedregion",
	"aws:resourceaccount",
	"aws:resourceorgid",
	"aws:resourceorgpaths",
	"aws:securetransport",
	"aws:signinsessionarn",
	"aws:sourceaccount",
	"aws:sourcearn",
	"aws:sourceidentity",
	"aws:sourceip",
	"aws:sourceorgid",
	"aws:sourceorgpaths",
	"aws:sourceowner",
	"aws:sourcevpc",
	"aws:sourcevpcarn",
	"aws:sourcevpce",
	"aws:tagkeys",
	"aws:tokenissuetime",
	"aws:useragent",
	"aws:userid",
	"aws:username",
	"aws:viaawsmcpservice",
	"aws:viaawsservice",
	"aws:vpceaccount",
	"aws:vpceorgid",
	"aws:vpceorgpaths",
	"aws:vpcsourceip",
	"codebuild:buildarn",
	"codebuild:projectarn",
	"ec2:roledelivery",
	"ec2:sourceinstancearn",
	"glue:credentialissuingservice",
	"glue:roleassumedby",
	"identitystore:userid",
	"lambda:sourcefunctionarn",
	"ssm:sourceinstancearn",
}

const numKnown = len(knownKeys)

// knownByHash maps keyHash of a known key to its index in knownKeys. It is
// built once and never changes.
var knownByHash = func() map[uint64]int16 {
	m := make(map[uint64]int16, numKnown)
	for i, k := range knownKeys {
		h := keyHash(k)
		if _, dup := m[h]; dup {
			panic("policy: two known keys share a hash: " + k)
		}
		m[h] = int16(i)
	}
	return m
}()

// knownID returns the index of a lower-cased key among knownKeys, or -1.
func knownID(h uint64, lowerKey string) int16 {
	if id, ok := knownByHash[h]; ok && knownKeys[id] == lowerKey {
		return id
	}
	return -1
}
