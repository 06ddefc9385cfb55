package policy_test

import (
	"errors"
	"fmt"

	"github.com/cleanroom-dev/cleanroom/internal/policy"
)

// A policy is parsed once with the rules of its type, compiled once, and then
// evaluated against requests. Actions and condition key names are not
// case-sensitive; policy variables take their values from the request context.
func Example() {
	doc := []byte(`{
	  "Version": "2012-10-17",
	  "Statement": [
	    {
	      "Sid": "ReadOwnTeam",
	      "Effect": "Allow",
	      "Action": ["cleanrooms:Get*", "cleanrooms:List*"],
	      "Resource": "arn:aws:cleanrooms:us-east-1:111122223333:collaboration/*",
	      "Condition": {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}
	    },
	    {"Sid": "NoDeletes", "Effect": "Deny", "Action": "cleanrooms:Delete*", "Resource": "*"}
	  ]
	}`)
	p, err := policy.Parse(doc, policy.TypeIdentity)
	if err != nil {
		fmt.Println(err)
		return
	}
	c := policy.Compile(p, "AnalystAccess")

	alice := policy.ParsePrincipal("arn:aws:iam::111122223333:user/alice")
	ctx := policy.NewContext(2)
	ctx.Set("aws:PrincipalTag/team", "red")
	ctx.Set("AWS:RESOURCETAG/TEAM", "red")
	const collab = "arn:aws:cleanrooms:us-east-1:111122223333:collaboration/c-1"
	for _, action := range []string{
		"cleanrooms:GetCollaboration",
		"CLEANROOMS:getcollaboration",
		"cleanrooms:DeleteCollaboration",
		"cleanrooms:UpdateCollaboration",
	} {
		o := c.Evaluate(&policy.Request{Action: action, Resource: collab, Principal: &alice, Context: ctx})
		fmt.Printf("%-31s denied=%-5v allowed=%v\n", action, o.Denied, o.Allowed)
	}

	// The condition compares the resource's tag with the caller's.
	ctx.Set("aws:ResourceTag/team", "blue")
	o := c.Evaluate(&policy.Request{Action: "cleanrooms:GetCollaboration", Resource: collab, Principal: &alice, Context: ctx})
	fmt.Println("other team's collaboration: allowed =", o.Allowed)
	// Output:
	// cleanrooms:GetCollaboration     denied=false allowed=true
	// CLEANROOMS:getcollaboration     denied=false allowed=true
	// cleanrooms:DeleteCollaboration  denied=true  allowed=false
	// cleanrooms:UpdateCollaboration  denied=false allowed=false
	// other team's collaboration: allowed = false
}

// Parse refuses what IAM refuses, and says where.
func ExampleParse_syntaxError() {
	doc := []byte(`{"Version": "2012-10-17", "Statement": [
	  {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket/*"},
	  {"Sid": "Write", "Effect": "Allow", "Action": "s3:PutObject"}
	]}`)
	_, err := policy.Parse(doc, policy.TypeIdentity)
	var se *policy.SyntaxError
	if errors.As(err, &se) {
		fmt.Printf("statement %d (Sid %s), element %s\n", se.Statement, se.Sid, se.Element)
	}

	// The same statements are fine in a role trust policy once they name a
	// principal and no resource.
	trust := []byte(`{"Version": "2012-10-17", "Statement":
	  {"Effect": "Allow", "Principal": {"Service": "cleanrooms.amazonaws.com"}, "Action": "sts:AssumeRole"}}`)
	p, err := policy.Parse(trust, policy.TypeTrust)
	fmt.Println(len(p.Statements), p.SingleStatement, err)
	// Output:
	// statement 1 (Sid Write), element Resource
	// 1 true <nil>
}
