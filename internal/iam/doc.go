// Package iam is cleanroom's AWS Identity and Access Management: the
// resource model and AWS's rules for users, groups, roles, managed and
// inline policies, permissions boundaries, tags, access keys, virtual MFA
// devices, OpenID Connect providers and account aliases, over a
// store.Store. It has no HTTP: package iam/iamapi binds it to the Query API.
//
// # Conventions
//
// Every method takes the context and the account id it acts in. Results and
// errors follow the IAM API Reference
// (https://docs.aws.amazon.com/IAM/latest/APIReference/): ids and ARNs are
// made as IAM makes them (21-character unique ids with the AIDA, AGPA, AROA
// and ANPA prefixes; 20-character AKIA access key ids; 40-character secret
// keys; arn:aws:iam::ACCOUNT:user/PATH/NAME ...), names are unique without
// regard to case, and refusals are *Error values with AWS's code and
// wording. Quotas are those of "IAM and AWS STS quotas"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
//
// Policy documents are validated with package policy (identity policies,
// trust policies) and stored and returned as given: the wire layer
// URL-encodes them in responses, as IAM does.
//
// # Writes and audit
//
// Every write runs in one store.Update that also appends the operation's
// audit event; write methods take an Audit, which builds the event from the
// operation's result (see Audit).
//
// # The request path
//
// LookupAccessKey, KeyCaller, UserCaller, GetRoleForAssume and
// IdentityPolicies answer from an in-memory cache that lives as long as the
// store's generation does: this node's writes invalidate it at once, and a
// commit on another node within Options.CacheCheckInterval (one second by
// default), when the generation is read again.
// RecordAccessKeyUse keeps access key use in memory and writes it at most
// once a minute per key. SimulatePrincipalPolicy and SimulateCustomPolicy
// evaluate with package authz.
package iam
