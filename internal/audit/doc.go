// Package audit is cleanroom's audit trail: the CloudTrail record of every
// API call, the asynchronous recording of the calls that change nothing,
// and LookupEvents over the stored events.
//
// # Records
//
// A [Builder] turns one call — who called ([identity.Caller], nil for an
// unsigned call), how ([Request]: source address, user agent, region,
// request id, TLS), what (service, operation, parameters, response, error)
// — into a [store.Event] whose Data is a CloudTrail [Record] ("CloudTrail
// record contents",
// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html)
// and whose other fields are the copies LookupEvents searches. Request
// parameters and response elements pass through [Redact], which removes
// secrets (secret access keys, session tokens, passwords, private keys, MFA
// seeds and codes, SAML assertions, web identity tokens) wherever they are
// nested; policy documents are kept. A call that reaches resources of other
// accounts is recorded in each of them ([Builder.ForAccounts]), the events
// sharing a sharedEventID.
//
// # Recording
//
// A write appends its event inside its own store.Update, so that the change
// and its record commit together (the domain packages do this). Read-only
// and refused calls change nothing and must not cost an fsync each: a
// [Recorder] queues their events and stores them in batches with
// store.Store.AppendEvents.
//
// # Lookup
//
// A [Trail] answers LookupEvents
// (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html)
// for one account: one lookup attribute at most, a time range, pages of 1
// to 50 events, newest first, and NextTokens that are authenticated and
// pin the listing's upper bound so that paging is stable while events
// arrive. Events older than the retention (CloudTrail's 90 days of event
// history by default) are not returned.
package audit
