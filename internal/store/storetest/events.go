package storetest

import (
	"bytes"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/store"
)

// event is a minimal event of account with id at time at.
func event(account, id string, at time.Time) store.Event {
	return store.Event{
		ID:      id,
		Account: account,
		Time:    at,
		Source:  "iam.amazonaws.com",
		Name:    "CreateUser",
		Data:    fmt.Appendf(nil, `{"eventID":%q}`, id),
	}
}

func events(t *testing.T, s store.Store, q store.EventQuery) []store.Event {
	t.Helper()
	evs, err := s.Events(t.Context(), q)
	if err != nil {
		t.Fatalf("Events %+v: %v", q, err)
	}
	return evs
}

func eventIDs(evs []store.Event) []string {
	out := make([]string, len(evs))
	for i, e := range evs {
		out[i] = e.ID
	}
	return out
}

// sameEvent compares every field; nil and empty slices are alike, and times
// are compared as instants.
func sameEvent(a, b store.Event) bool {
	return a.ID == b.ID && a.Account == b.Account && a.Time.Equal(b.Time) &&
		a.Source == b.Source && a.Name == b.Name && a.ReadOnly == b.ReadOnly &&
		a.Username == b.Username && a.AccessKeyID == b.AccessKeyID &&
		bytes.Equal(a.Data, b.Data) &&
		len(a.Resources) == len(b.Resources) && (len(a.Resources) == 0 || slices.Equal(a.Resources, b.Resources))
}

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

func testEventsWithUpdate(t *testing.T, s store.Store) {
	ctx := t.Context()
	update(t, s, func(tx store.Tx) error {
		if err := tx.Create(ctx, rec(key("111122223333", "iam/user", "alice"), "a")); err != nil {
			return err
		}
		return tx.Append(ctx, event("111122223333", "committed", t0))
	})
	err := s.Update(ctx, func(tx store.Tx) error {
		if err := tx.Append(ctx, event("111122223333", "rolled-back", t0.Add(time.Second))); err != nil {
			return err
		}
		return errTest
	})
	if err != errTest {
		t.Fatalf("Update: %v", err)
	}
	if got := eventIDs(events(t, s, store.EventQuery{Account: "111122223333"})); !slices.Equal(got, []string{"committed"}) {
		t.Fatalf("events: %q, want only the committed one", got)
	}
}

func testEventsRoundTrip(t *testing.T, s store.Store) {
	full := store.Event{
		ID:          "0f3c7a52-8a4e-4a0b-9b8e-1d2f3a4b5c6d",
		Account:     "111122223333",
		Time:        time.Date(2025, 3, 1, 12, 34, 56, 789_000_000, time.UTC),
		Source:      "cleanrooms.amazonaws.com",
		Name:        "CreateCollaboration",
		ReadOnly:    false,
		Username:    "mateojackson",
		AccessKeyID: "AKIAIOSFODNN7EXAMPLE",
		Resources: []store.EventResource{
			{Type: "AWS::CleanRooms::Collaboration", Name: "arn:aws:cleanrooms:us-east-1:111122223333:collaboration/abc"},
			{Type: "AWS::CleanRooms::Membership", Name: "arn:aws:cleanrooms:us-east-1:111122223333:membership/def"},
		},
		Data: []byte(`{"eventVersion":"1.08","eventName":"CreateCollaboration","ünïcode":"✓"}`),
	}
	// The same instant in another zone: times come back in UTC.
	inZone := full
	inZone.ID = "in-zone"
	inZone.Time = full.Time.Add(time.Hour).In(time.FixedZone("UTC+5", 5*3600))
	readOnly := store.Event{ID: "read-only", Account: "111122223333", Time: full.Time.Add(-time.Hour), ReadOnly: true, Name: "GetUser", Source: "iam.amazonaws.com"}
	if err := s.AppendEvents(t.Context(), []store.Event{full, inZone, readOnly}); err != nil {
		t.Fatal(err)
	}
	got := events(t, s, store.EventQuery{Account: "111122223333"})
	want := []store.Event{inZone, full, readOnly}
	if len(got) != len(want) {
		t.Fatalf("got %d events, want %d", len(got), len(want))
	}
	for i := range want {
		if !sameEvent(got[i], want[i]) {
			t.Errorf("event %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
		if got[i].Time.Location() != time.UTC {
			t.Errorf("event %d: time %v is not in UTC", i, got[i].Time)
		}
	}
	if len(events(t, s, store.EventQuery{Account: "444455556666"})) != 0 {
		t.Error("another account sees the events")
	}
	if err := s.AppendEvents(t.Context(), nil); err != nil {
		t.Errorf("AppendEvents of none: %v", err)
	}
}

// eventModel holds the events appended to a store, in append order, and
// answers queries the way a backend must.
type eventModel []store.Event

func (m eventModel) query(q store.EventQuery) []store.Event {
	// The listing order of the account: newest first, last appended first
	// among equal times.
	var all []store.Event
	for i := len(m) - 1; i >= 0; i-- {
		if m[i].Account == q.Account {
			all = append(all, m[i])
		}
	}
	slices.SortStableFunc(all, func(a, b store.Event) int { return b.Time.Compare(a.Time) })
	if q.Before != "" {
		i := slices.IndexFunc(all, func(e store.Event) bool { return e.ID == q.Before })
		all = all[i+1:]
	}
	var out []store.Event
	for _, e := range all {
		if !q.Start.IsZero() && e.Time.Before(q.Start) || !q.End.IsZero() && e.Time.After(q.End) {
			continue
		}
		if q.ID != "" && e.ID != q.ID || q.Name != "" && e.Name != q.Name || q.Source != "" && e.Source != q.Source ||
			q.ReadOnly != nil && e.ReadOnly != *q.ReadOnly || q.Username != "" && e.Username != q.Username ||
			q.AccessKeyID != "" && e.AccessKeyID != q.AccessKeyID {
			continue
		}
		if q.ResourceType != "" && !slices.ContainsFunc(e.Resources, func(r store.EventResource) bool { return r.Type == q.ResourceType }) ||
			q.ResourceName != "" && !slices.ContainsFunc(e.Resources, func(r store.EventResource) bool { return r.Name == q.ResourceName }) {
			continue
		}
		if q.Limit > 0 && len(out) == q.Limit {
			break
		}
		out = append(out, e)
	}
	return out
}

// seedEvents appends a varied trail to s, in batches and in Updates, and
// returns the model of it.
func seedEvents(t *testing.T, s store.Store) eventModel {
	t.Helper()
	var m eventModel
	users := []string{"alice", "bob", ""}
	keys := []string{"AKIAALICE", "ASIABOB", ""}
	names := []string{"CreateUser", "GetUser", "DeleteUser", "AssumeRole"}
	sources := []string{"iam.amazonaws.com", "sts.amazonaws.com", "cleanrooms.amazonaws.com"}
	for i := range 40 {
		account := "111122223333"
		if i%5 == 4 {
			account = "444455556666"
		}
		e := store.Event{
			ID:      fmt.Sprintf("ev-%02d", i),
			Account: account,
			// Out of time order, with runs of equal times (i mod 11).
			Time:        t0.Add(time.Duration((i*7)%11) * time.Minute),
			Source:      sources[i%len(sources)],
			Name:        names[i%len(names)],
			ReadOnly:    i%4 == 1,
			Username:    users[i%len(users)],
			AccessKeyID: keys[(i/2)%len(keys)],
			Data:        fmt.Appendf(nil, `{"n":%d}`, i),
		}
		switch i % 4 {
		case 1:
			e.Resources = []store.EventResource{{Type: "AWS::IAM::User", Name: fmt.Sprintf("user%d", i%3)}}
		case 2:
			// Two resources of one type: the event is listed once.
			e.Resources = []store.EventResource{
				{Type: "AWS::IAM::Role", Name: "admin"},
				{Type: "AWS::IAM::Role", Name: fmt.Sprintf("role%d", i%2)},
			}
		case 3:
			e.Resources = []store.EventResource{
				{Type: "AWS::IAM::User", Name: "admin"},
				{Type: "AWS::CleanRooms::Collaboration", Name: "collab"},
			}
		}
		m = append(m, e)
	}
	// Batches of different sizes, and some events inside Updates.
	for i := 0; i < len(m); {
		n := 1 + i%7
		batch := m[i:min(i+n, len(m))]
		if i%3 == 0 {
			update(t, s, func(tx store.Tx) error {
				for _, e := range batch {
					if err := tx.Append(t.Context(), e); err != nil {
						return err
					}
				}
				return nil
			})
		} else if err := s.AppendEvents(t.Context(), batch); err != nil {
			t.Fatal(err)
		}
		i += len(batch)
	}
	return m
}

func eventQueries() []store.EventQuery {
	yes, no := true, false
	const a = "111122223333"
	return []store.EventQuery{
		{Account: a},
		{Account: "444455556666"},
		{Account: "999999999999"},
		{Account: a, Limit: 5},
		{Account: a, ID: "ev-07"},
		{Account: a, ID: "ev-04"}, // another account's event
		{Account: a, Name: "GetUser"},
		{Account: a, Name: "NoSuchCall"},
		{Account: a, Source: "sts.amazonaws.com"},
		{Account: a, ReadOnly: &yes},
		{Account: a, ReadOnly: &no},
		{Account: a, Username: "alice"},
		{Account: a, AccessKeyID: "ASIABOB"},
		{Account: a, ResourceType: "AWS::IAM::Role"},
		{Account: a, ResourceType: "AWS::IAM::User"},
		{Account: a, ResourceName: "admin"},
		{Account: a, ResourceName: "user1"},
		{Account: a, ResourceName: "AWS::IAM::User"}, // a type is not a name
		{Account: a, Start: t0.Add(5 * time.Minute)},
		{Account: a, End: t0.Add(5 * time.Minute)},
		{Account: a, Start: t0.Add(3 * time.Minute), End: t0.Add(9*time.Minute - time.Microsecond)},
		{Account: a, Start: t0.Add(4 * time.Minute), End: t0.Add(4 * time.Minute)},
		{Account: a, Start: t0.Add(9 * time.Minute), End: t0.Add(3 * time.Minute)},
		{Account: a, Start: t0.Add(2 * time.Minute), Name: "CreateUser", Limit: 3},
		{Account: a, End: t0.Add(10 * time.Minute), ResourceType: "AWS::IAM::Role", Limit: 2},
	}
}

func testEventsFilters(t *testing.T, s store.Store) {
	m := seedEvents(t, s)
	// Checks on the model, so that the cases below test something.
	if n := len(m.query(store.EventQuery{Account: "111122223333"})); n != 32 {
		t.Fatalf("model: %d events in the account", n)
	}
	if n := len(m.query(store.EventQuery{Account: "111122223333", Start: t0.Add(4 * time.Minute), End: t0.Add(4 * time.Minute)})); n == 0 {
		t.Fatal("model: no event at the bound of an inclusive range")
	}
	for _, q := range eventQueries() {
		got := events(t, s, q)
		want := m.query(q)
		if !slices.Equal(eventIDs(got), eventIDs(want)) {
			t.Errorf("Events %s:\n got %q\nwant %q", describe(q), eventIDs(got), eventIDs(want))
			continue
		}
		for i := range got {
			if !sameEvent(got[i], want[i]) {
				t.Errorf("Events %s: event %s:\n got %+v\nwant %+v", describe(q), want[i].ID, got[i], want[i])
			}
		}
	}
}

func testEventsPaginate(t *testing.T, s store.Store) {
	m := seedEvents(t, s)
	for _, q := range eventQueries() {
		if q.Limit != 0 {
			continue
		}
		want := eventIDs(m.query(q))
		for _, limit := range []int{1, 2, 3, 7} {
			var got []string
			p := q
			p.Limit = limit
			for pages := 0; ; pages++ {
				if pages > len(m) {
					t.Fatalf("Events %s limit %d: pagination does not end", describe(q), limit)
				}
				page := eventIDs(events(t, s, p))
				if len(page) > limit {
					t.Fatalf("Events %s: %d events with limit %d", describe(q), len(page), limit)
				}
				// Each page as the model has it, Before included.
				if w := eventIDs(m.query(p)); !slices.Equal(page, w) {
					t.Fatalf("Events %s:\n got %q\nwant %q", describe(p), page, w)
				}
				got = append(got, page...)
				if len(page) < limit {
					break
				}
				p.Before = page[len(page)-1]
			}
			if !slices.Equal(got, want) {
				t.Errorf("Events %s limit %d pages:\n got %q\nwant %q", describe(q), limit, got, want)
			}
		}
	}
	// Before an event the filter does not select: the position still counts.
	q := store.EventQuery{Account: "111122223333", Before: "ev-01", Name: "CreateUser"}
	if got, want := eventIDs(events(t, s, q)), eventIDs(m.query(q)); !slices.Equal(got, want) {
		t.Errorf("Events %s:\n got %q\nwant %q", describe(q), got, want)
	}
}

func testEventsDuplicateID(t *testing.T, s store.Store) {
	ctx := t.Context()
	a := event("111122223333", "dup", t0)
	if err := s.AppendEvents(ctx, []store.Event{a}); err != nil {
		t.Fatal(err)
	}
	// The whole batch fails.
	err := s.AppendEvents(ctx, []store.Event{event("111122223333", "other", t0), event("111122223333", "dup", t0)})
	wantErr(t, "AppendEvents with a duplicate ID", err, store.ErrExists)
	err = s.AppendEvents(ctx, []store.Event{event("111122223333", "twice", t0), event("111122223333", "twice", t0)})
	wantErr(t, "AppendEvents with an ID twice", err, store.ErrExists)
	if got := eventIDs(events(t, s, store.EventQuery{Account: "111122223333"})); !slices.Equal(got, []string{"dup"}) {
		t.Fatalf("events after failed batches: %q", got)
	}
	// IDs are unique per account.
	if err := s.AppendEvents(ctx, []store.Event{event("444455556666", "dup", t0)}); err != nil {
		t.Fatalf("the same ID in another account: %v", err)
	}
	err = s.Update(ctx, func(tx store.Tx) error { return tx.Append(ctx, event("111122223333", "dup", t0)) })
	wantErr(t, "Append of a duplicate ID", err, store.ErrExists)
}

func testEventsBeforeUnknown(t *testing.T, s store.Store) {
	if err := s.AppendEvents(t.Context(), []store.Event{event("111122223333", "a", t0), event("444455556666", "b", t0)}); err != nil {
		t.Fatal(err)
	}
	for _, before := range []string{"nonexistent", "b"} {
		_, err := s.Events(t.Context(), store.EventQuery{Account: "111122223333", Before: before})
		wantErr(t, fmt.Sprintf("Events before %q", before), err, store.ErrNotFound)
	}
	if _, err := s.Events(t.Context(), store.EventQuery{Account: "111122223333", Before: "a"}); err != nil {
		t.Fatal(err)
	}
}

// describe prints a query's set fields.
func describe(q store.EventQuery) string {
	var b bytes.Buffer
	fmt.Fprintf(&b, "{Account:%s", q.Account)
	add := func(name string, v any) { fmt.Fprintf(&b, " %s:%v", name, v) }
	if !q.Start.IsZero() {
		add("Start", q.Start.Format(time.RFC3339Nano))
	}
	if !q.End.IsZero() {
		add("End", q.End.Format(time.RFC3339Nano))
	}
	for _, f := range []struct{ name, v string }{
		{"Before", q.Before}, {"ID", q.ID}, {"Name", q.Name}, {"Source", q.Source},
		{"Username", q.Username}, {"AccessKeyID", q.AccessKeyID},
		{"ResourceType", q.ResourceType}, {"ResourceName", q.ResourceName},
	} {
		if f.v != "" {
			add(f.name, f.v)
		}
	}
	if q.ReadOnly != nil {
		add("ReadOnly", *q.ReadOnly)
	}
	if q.Limit != 0 {
		add("Limit", q.Limit)
	}
	b.WriteString("}")
	return b.String()
}

// testEventsDeleteBefore: retention deletes the events of every account that
// are strictly older than the bound, and nothing else.
func testEventsDeleteBefore(t *testing.T, s store.Store) {
	ctx := t.Context()
	var evs []store.Event
	for i := range 6 {
		acct := []string{"111111111111", "222222222222"}[i%2]
		evs = append(evs, event(acct, fmt.Sprintf("e%d", i), t0.Add(time.Duration(i)*time.Hour)))
	}
	evs[0].Resources = []store.EventResource{{Type: "AWS::IAM::User", Name: "alice"}}
	if err := s.AppendEvents(ctx, evs); err != nil {
		t.Fatal(err)
	}
	n, err := s.DeleteEventsBefore(ctx, t0.Add(2*time.Hour))
	if err != nil || n != 2 {
		t.Fatalf("DeleteEventsBefore = %d, %v; want 2 (e0, e1)", n, err)
	}
	for acct, want := range map[string][]string{"111111111111": {"e4", "e2"}, "222222222222": {"e5", "e3"}} {
		if got := eventIDs(events(t, s, store.EventQuery{Account: acct})); !slices.Equal(got, want) {
			t.Errorf("%s after deletion: %v, want %v", acct, got, want)
		}
	}
	if got := events(t, s, store.EventQuery{Account: "111111111111", ResourceType: "AWS::IAM::User"}); len(got) != 0 {
		t.Errorf("a deleted event's resources still match: %v", eventIDs(got))
	}
	if n, err := s.DeleteEventsBefore(ctx, t0); err != nil || n != 0 {
		t.Fatalf("DeleteEventsBefore with nothing older = %d, %v", n, err)
	}
}
