package simulate_test

import (
	"fmt"
	"strings"

	"github.com/cleanroom-dev/cleanroom/internal/catalog"
	"github.com/cleanroom-dev/cleanroom/internal/scenario"
	"github.com/cleanroom-dev/cleanroom/internal/simulate"
)

// A scenario names the policies that bear on one request, in the shape of
// @cloud-copilot/iam-simulate's runSimulation input; Run decides it as AWS
// would and, when asked, explains the decision statement by statement.
func ExampleSimulator_Run() {
	sc, err := scenario.Decode([]byte(`{
	  "identityPolicies": [{"name": "AnalystAccess", "policy": {
	    "Version": "2012-10-17",
	    "Statement": [{
	      "Sid": "ReadOwnTeam", "Effect": "Allow", "Action": "cleanrooms:Get*",
	      "Resource": "arn:aws:cleanrooms:us-east-1:111122223333:collaboration/*",
	      "Condition": {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}
	    }]}}],
	  "serviceControlPolicies": [
	    {"orgIdentifier": "r-abcd", "policies": [{"name": "FullAWSAccess",
	      "policy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}}]}
	  ],
	  "resourceControlPolicies": [],
	  "request": {
	    "principal": "arn:aws:iam::111122223333:user/analyst",
	    "action": "cleanrooms:GetCollaboration",
	    "resource": {"resource": "arn:aws:cleanrooms:us-east-1:111122223333:collaboration/c-1", "accountId": "111122223333"},
	    "contextVariables": {"aws:PrincipalTag/team": "sales", "aws:ResourceTag/team": "marketing"}
	  }
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := simulate.New(catalog.Default()).Run(sc, simulate.Options{Explain: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Decision, res.BlockedBy)
	fmt.Println(strings.Replace(res.Message, " because", "\n  because", 1))
	for _, p := range res.Explain.Policies {
		for _, s := range p.Statements {
			fmt.Printf("%s %s statement %d: %s\n", p.Type, p.Name, s.Index, s.Reason)
		}
	}
	// Output:
	// ImplicitlyDenied [identity]
	// User: arn:aws:iam::111122223333:user/analyst is not authorized to perform: cleanrooms:GetCollaboration on resource: arn:aws:cleanrooms:us-east-1:111122223333:collaboration/c-1
	//   because no identity-based policy allows the cleanrooms:GetCollaboration action
	// scp FullAWSAccess statement 0: applies: action, resource, principal and conditions all match
	// identity AnalystAccess statement 0: the condition StringEquals on aws:ResourceTag/team does not hold for the request's value
}

// Policies that AWS would not apply to the request are left out with a
// warning, and the request is still decided.
func ExampleSimulator_Run_warnings() {
	sc, err := scenario.Decode([]byte(`{
	  "identityPolicies": [{"name": "all", "policy": {"Version": "2012-10-17",
	    "Statement": [{"Effect": "Allow", "Action": "cleanrooms:*", "Resource": "*"}]}}],
	  "resourceControlPolicies": [{"orgIdentifier": "r-abcd", "policies": [{"name": "DenyAll", "policy":
	    {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}]}}]}],
	  "request": {
	    "principal": "arn:aws:iam::111122223333:user/analyst",
	    "action": "cleanrooms:GetCollaborationWidget",
	    "resource": {"resource": "arn:aws:cleanrooms:us-east-1:111122223333:collaboration/c-1", "accountId": "111122223333"}
	  }
	}`))
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := simulate.New(catalog.Default()).Run(sc, simulate.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Decision)
	for _, w := range res.Warnings {
		fmt.Println("warning:", w)
	}
	// Output:
	// Allowed
	// warning: resource control policies do not apply to cleanrooms; ignored
	// warning: unknown action cleanrooms:GetCollaborationWidget
}
