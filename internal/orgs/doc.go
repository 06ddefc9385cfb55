// Package orgs is cleanroom's AWS Organizations: the organization, its
// root, organizational units and member accounts, service control
// policies (SCPs) and resource control policies (RCPs), their attachments
// and tags, over a store.Store. It has no HTTP: the server binds it to the
// awsJson1_1 wire types.
//
// # Conventions
//
// Every method takes the context and the account id of the caller.
// Organizations' own rules apply on top of the caller's IAM authorization
// (which is the server's business): an account in no organization gets
// AWSOrganizationsNotInUseException, and a member account calling an
// operation that only the management account may call gets
// AccessDeniedException. Results and errors follow the Organizations API
// Reference (https://docs.aws.amazon.com/organizations/latest/APIReference/):
// ids and ARNs are made as Organizations makes them (see ParseID and the
// ARN builders), refusals are *Error values with the API model's exception
// names and reasons, and the quotas are those of "Quotas and service
// limits for AWS Organizations"
// (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html).
//
// CreateAccount creates the account with package account and has a
// RoleMaker create its OrganizationAccountAccessRole; see RoleMaker.
//
// # Writes and audit
//
// Every write runs in one store.Update that also appends the operation's
// audit event (see Audit), in the caller's trail.
//
// # The request path
//
// SCPLevels, RCPLevels and OrgContext answer from an in-memory cache that
// lives as long as the store's generation does, as package iam's request
// path does: this node's writes invalidate it at once, commits elsewhere
// within Options.CacheCheckInterval.
package orgs
