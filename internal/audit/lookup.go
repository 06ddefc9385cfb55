package audit

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/store"
)

// EventReader reads stored events; store.Store implements it.
type EventReader interface {
	Events(ctx context.Context, q store.EventQuery) ([]store.Event, error)
}

// DefaultRetention is how long events can be looked up: CloudTrail's event
// history holds "the past 90 days of management events" ("Working with
// CloudTrail event history").
const DefaultRetention = 90 * 24 * time.Hour

// Lookup attribute keys (LookupAttributeKey in the CloudTrail API
// Reference).
const (
	AttrEventID      = "EventId"
	AttrEventName    = "EventName"
	AttrReadOnly     = "ReadOnly"
	AttrUsername     = "Username"
	AttrResourceType = "ResourceType"
	AttrResourceName = "ResourceName"
	AttrEventSource  = "EventSource"
	AttrAccessKeyID  = "AccessKeyId"
)

// EventCategoryInsight is the one value of LookupEvents' EventCategory.
const EventCategoryInsight = "insight"

// LookupEvents' bounds ("Possible values are 1 through 50. The default is
// 50."; "The maximum length for the AttributeValue is 2000 characters.").
const (
	DefaultMaxResults = 50
	MaxMaxResults     = 50
	maxAttributeValue = 2000
)

// Error codes of LookupEvents (its errors in the CloudTrail API Reference).
const (
	CodeInvalidLookupAttributes = "InvalidLookupAttributesException"
	CodeInvalidTimeRange        = "InvalidTimeRangeException"
	CodeInvalidMaxResults       = "InvalidMaxResultsException"
	CodeInvalidNextToken        = "InvalidNextTokenException"
	CodeInvalidEventCategory    = "InvalidEventCategoryException"
)

// Error is a refusal of LookupEvents, with CloudTrail's error code. The
// messages are cleanroom's: AWS's API Reference documents the codes and
// when they occur, not the wording.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

func lookupError(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// LookupAttribute is one lookup attribute.
type LookupAttribute struct {
	Key   string
	Value string
}

// LookupInput is LookupEvents' request.
type LookupInput struct {
	// Attributes holds at most one attribute.
	Attributes []LookupAttribute
	// StartTime and EndTime bound the events' time, both inclusive.
	StartTime, EndTime *time.Time
	// EventCategory is "" (management events) or "insight".
	EventCategory string
	// MaxResults is 1 to 50; DefaultMaxResults when nil.
	MaxResults *int
	// NextToken continues a listing; the other parameters must be those
	// of the call that returned it.
	NextToken *string
}

// LookupOutput is LookupEvents' answer.
type LookupOutput struct {
	// Events are newest first.
	Events []EventSummary
	// NextToken is set when more events follow.
	NextToken *string
}

// EventSummary is one event of LookupEvents' answer (Event in the API
// Reference).
type EventSummary struct {
	EventID     string
	EventName   string
	ReadOnly    string // "true" or "false", a string as in the API
	AccessKeyID string
	EventTime   time.Time
	EventSource string
	Username    string
	Resources   []store.EventResource
	// CloudTrailEvent is the whole record, JSON.
	CloudTrailEvent string
}

// TrailOptions configure a Trail.
type TrailOptions struct {
	// Store holds the events (required).
	Store EventReader
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// Retention is how far back events can be looked up;
	// DefaultRetention when zero.
	Retention time.Duration
	// TokenKey authenticates NextTokens (HMAC-SHA-256). Nodes that share a
	// database must share it, and a token outlives a restart only if the
	// key does; a random key is made when it is empty.
	TokenKey []byte
}

// Trail answers LookupEvents from the stored events. It is safe for
// concurrent use.
//
// Retention is a filter: events older than it are not returned, but they
// stay in the store until Prune deletes them, which needs a store method
// store.Store does not have yet (EventPruner).
type Trail struct {
	store     EventReader
	now       func() time.Time
	retention time.Duration
	key       []byte
}

// EventPruner deletes every account's events older than a time: the store
// method that retention needs to free space. store.Store has none yet; a
// backend that adds one satisfies this interface.
type EventPruner interface {
	DeleteEventsBefore(ctx context.Context, before time.Time) (deleted int64, err error)
}

// Prune deletes the events that have aged out of the retention, from a
// store that can (see EventPruner), and returns how many it deleted.
// Lookup never returns them either way.
func (t *Trail) Prune(ctx context.Context, p EventPruner) (int64, error) {
	n, err := p.DeleteEventsBefore(ctx, t.now().UTC().Add(-t.retention))
	if err != nil {
		return n, fmt.Errorf("audit: pruning events: %w", err)
	}
	return n, nil
}

// NewTrail returns a Trail.
func NewTrail(opt TrailOptions) *Trail {
	t := &Trail{store: opt.Store, now: opt.Now, retention: opt.Retention, key: opt.TokenKey}
	if t.now == nil {
		t.now = time.Now
	}
	if t.retention <= 0 {
		t.retention = DefaultRetention
	}
	if len(t.key) == 0 {
		t.key = make([]byte, 32)
		rand.Read(t.key)
	}
	return t
}

// Lookup looks up account's events as LookupEvents does
// (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html):
// newest first, at most one lookup attribute, StartTime and EndTime
// inclusive, 1 to 50 events a page (50 by default). An account sees only
// its own events, and only those within the retention.
//
// Paging is stable: a NextToken continues after the last event returned
// (in time order, then append order), and pins the listing's upper bound
// to the first page's (the current time, or EndTime if earlier), so events
// that arrive while a client pages through are not mixed into later pages
// and no event is listed twice. A NextToken is authenticated and bound to
// the account and the parameters of the call that returned it; any other
// is InvalidNextTokenException.
func (t *Trail) Lookup(ctx context.Context, account string, in LookupInput) (LookupOutput, error) {
	q := store.EventQuery{Account: account}
	if err := applyAttributes(&q, in.Attributes); err != nil {
		return LookupOutput{}, err
	}
	if in.EventCategory != "" && in.EventCategory != EventCategoryInsight {
		return LookupOutput{}, lookupError(CodeInvalidEventCategory, "Event category %q is not valid. The valid value is insight.", in.EventCategory)
	}
	limit := DefaultMaxResults
	if in.MaxResults != nil {
		limit = *in.MaxResults
		if limit < 1 || limit > MaxMaxResults {
			return LookupOutput{}, lookupError(CodeInvalidMaxResults, "A max results value of %d is invalid. Specify max results between 1 and %d.", limit, MaxMaxResults)
		}
	}
	if in.StartTime != nil && in.EndTime != nil && in.StartTime.After(*in.EndTime) {
		return LookupOutput{}, lookupError(CodeInvalidTimeRange, "The start time must not be after the end time.")
	}
	params := paramsHash(account, &in)

	now := t.now().UTC()
	upper := now.Truncate(time.Microsecond)
	if in.EndTime != nil && in.EndTime.Before(upper) {
		upper = in.EndTime.UTC()
	}
	if in.NextToken != nil {
		tok, err := t.parseToken(*in.NextToken, params)
		if err != nil {
			return LookupOutput{}, err
		}
		upper, q.Before = tok.upper, tok.before
	}
	lower := now.Add(-t.retention)
	if in.StartTime != nil && in.StartTime.After(lower) {
		lower = in.StartTime.UTC()
	}
	// cleanroom records no Insights events.
	if in.EventCategory == EventCategoryInsight || lower.After(upper) {
		return LookupOutput{Events: []EventSummary{}}, nil
	}
	q.Start, q.End, q.Limit = lower, upper, limit+1

	evs, err := t.store.Events(ctx, q)
	if errors.Is(err, store.ErrNotFound) && q.Before != "" {
		return LookupOutput{}, lookupError(CodeInvalidNextToken, "The next token is not valid.")
	}
	if err != nil {
		return LookupOutput{}, fmt.Errorf("audit: looking up events: %w", err)
	}
	out := LookupOutput{Events: make([]EventSummary, 0, min(len(evs), limit))}
	if len(evs) > limit {
		evs = evs[:limit]
		tok := t.makeToken(token{upper: upper, before: evs[len(evs)-1].ID}, params)
		out.NextToken = &tok
	}
	for i := range evs {
		out.Events = append(out.Events, summary(&evs[i]))
	}
	return out, nil
}

func summary(e *store.Event) EventSummary {
	return EventSummary{
		EventID: e.ID, EventName: e.Name, ReadOnly: strconv.FormatBool(e.ReadOnly), AccessKeyID: e.AccessKeyID,
		EventTime: e.Time, EventSource: e.Source, Username: e.Username, Resources: e.Resources,
		CloudTrailEvent: string(e.Data),
	}
}

// applyAttributes checks the lookup attributes and sets q's filter.
func applyAttributes(q *store.EventQuery, attrs []LookupAttribute) error {
	if len(attrs) > 1 {
		return lookupError(CodeInvalidLookupAttributes, "You cannot specify more than one lookup attribute.")
	}
	if len(attrs) == 0 {
		return nil
	}
	a := attrs[0]
	if n := attributeValueLen(a.Value); n < 1 || n > maxAttributeValue {
		return lookupError(CodeInvalidLookupAttributes, "Lookup attribute value is not valid: it must be 1 to %d characters.", maxAttributeValue)
	}
	switch a.Key {
	case AttrEventID:
		q.ID = a.Value
	case AttrEventName:
		q.Name = a.Value
	case AttrReadOnly:
		var ro bool
		switch {
		case strings.EqualFold(a.Value, "true"):
			ro = true
		case strings.EqualFold(a.Value, "false"):
		default:
			return lookupError(CodeInvalidLookupAttributes, "Lookup attribute value is not valid: ReadOnly must be true or false.")
		}
		q.ReadOnly = &ro
	case AttrUsername:
		q.Username = a.Value
	case AttrResourceType:
		q.ResourceType = a.Value
	case AttrResourceName:
		q.ResourceName = a.Value
	case AttrEventSource:
		q.Source = a.Value
	case AttrAccessKeyID:
		q.AccessKeyID = a.Value
	default:
		return lookupError(CodeInvalidLookupAttributes, "Lookup attribute key %q is not valid.", a.Key)
	}
	return nil
}

// attributeValueLen is an attribute value's length as LookupEvents counts
// it: "The following characters ('_', ' ', ',', '\\n') count as two
// characters towards the 2000 character limit."
func attributeValueLen(v string) int {
	n := 0
	for _, r := range v {
		switch r {
		case '_', ' ', ',', '\n':
			n += 2
		default:
			n++
		}
	}
	return n
}

// paramsHash digests what a NextToken is bound to: the account and the
// parameters other than MaxResults and NextToken ("This token must be passed
// in with the same parameters that were specified in the original call").
// MaxResults may change between pages, as paginators with a maximum item
// count change it.
func paramsHash(account string, in *LookupInput) [16]byte {
	h := sha256.New()
	field := func(s string) {
		var n [4]byte
		binary.BigEndian.PutUint32(n[:], uint32(len(s)))
		h.Write(n[:])
		h.Write([]byte(s))
	}
	timeField := func(t *time.Time) {
		if t == nil {
			field("")
			return
		}
		field(strconv.FormatInt(t.UnixNano(), 10))
	}
	field(account)
	field(strconv.Itoa(len(in.Attributes)))
	for _, a := range in.Attributes {
		field(a.Key)
		field(a.Value)
	}
	timeField(in.StartTime)
	timeField(in.EndTime)
	field(in.EventCategory)
	var out [16]byte
	copy(out[:], h.Sum(nil))
	return out
}

// token is a NextToken's content: the listing's pinned upper bound and the
// last event returned.
type token struct {
	upper  time.Time
	before string
}

// Token layout: version | upper bound (Unix µs, 8 bytes) | parameters
// digest (16) | last event id | HMAC-SHA-256 of all that (first 16 bytes),
// base64url without padding.
const (
	tokenVersion   = 1
	tokenMACLen    = 16
	tokenHeaderLen = 1 + 8 + 16
	maxTokenID     = 256
)

func (t *Trail) makeToken(tok token, params [16]byte) string {
	b := make([]byte, 0, tokenHeaderLen+len(tok.before)+tokenMACLen)
	b = append(b, tokenVersion)
	b = binary.BigEndian.AppendUint64(b, uint64(tok.upper.UnixMicro()))
	b = append(b, params[:]...)
	b = append(b, tok.before...)
	b = append(b, t.mac(b)...)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (t *Trail) mac(b []byte) []byte {
	m := hmac.New(sha256.New, t.key)
	m.Write(b)
	return m.Sum(nil)[:tokenMACLen]
}

// parseToken checks a NextToken: its MAC, and that it was made for the same
// account and parameters.
func (t *Trail) parseToken(s string, params [16]byte) (token, error) {
	bad := lookupError(CodeInvalidNextToken, "The next token is not valid.")
	if len(s) > base64.RawURLEncoding.EncodedLen(tokenHeaderLen+maxTokenID+tokenMACLen) {
		return token{}, bad
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) <= tokenHeaderLen+tokenMACLen || b[0] != tokenVersion {
		return token{}, bad
	}
	body, sum := b[:len(b)-tokenMACLen], b[len(b)-tokenMACLen:]
	if !hmac.Equal(sum, t.mac(body)) {
		return token{}, bad
	}
	if !bytes.Equal(body[9:tokenHeaderLen], params[:]) {
		return token{}, lookupError(CodeInvalidNextToken, "The next token does not match the parameters of the call that returned it.")
	}
	upper := time.UnixMicro(int64(binary.BigEndian.Uint64(body[1:9]))).UTC()
	return token{upper: upper, before: string(body[tokenHeaderLen:])}, nil
}
