package audit

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/store"
	"github.com/cleanroom-dev/cleanroom/internal/store/sqlite"
)

// fakeAppender records the batches it is given. A batch that holds an
// event whose id is in bad fails whole; gate, when set, holds every call
// until it is closed.
type fakeAppender struct {
	mu      sync.Mutex
	batches [][]string
	bad     map[string]bool
	gate    chan struct{}
}

func (a *fakeAppender) AppendEvents(ctx context.Context, evs []store.Event) error {
	if a.gate != nil {
		select {
		case <-a.gate:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	ids := make([]string, len(evs))
	for i, e := range evs {
		if a.bad[e.ID] {
			return fmt.Errorf("%w: event %s", store.ErrExists, e.ID)
		}
		ids[i] = e.ID
	}
	a.batches = append(a.batches, ids)
	return nil
}

func (a *fakeAppender) sizes() []int {
	a.mu.Lock()
	defer a.mu.Unlock()
	var s []int
	for _, b := range a.batches {
		s = append(s, len(b))
	}
	return s
}

func (a *fakeAppender) ids() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	var s []string
	for _, b := range a.batches {
		s = append(s, b...)
	}
	return s
}

func ev(i int) store.Event {
	return store.Event{ID: fmt.Sprintf("e%05d", i), Account: acct, Time: t0, Source: "iam.amazonaws.com", Name: "GetUser", ReadOnly: true, Data: []byte(`{}`)}
}

// waitFor polls cond for up to 5 seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

func TestRecorderBatches(t *testing.T) {
	a := &fakeAppender{}
	r := NewRecorder(RecorderOptions{Store: a, BatchSize: 10, FlushInterval: time.Hour})
	defer r.Close()
	ctx := context.Background()
	for i := range 25 {
		if err := r.Record(ctx, ev(i)); err != nil {
			t.Fatal(err)
		}
	}
	// Full batches go at once; the rest waits for the interval (an hour)
	// or a flush.
	waitFor(t, "two full batches", func() bool { return len(a.sizes()) == 2 })
	if err := r.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got := a.sizes(); !slices.Equal(got, []int{10, 10, 5}) {
		t.Errorf("batches %v; want [10 10 5]", got)
	}
	want := make([]string, 25)
	for i := range want {
		want[i] = ev(i).ID
	}
	if got := a.ids(); !slices.Equal(got, want) {
		t.Errorf("stored %v; want every event in order", got)
	}
	if s := r.Stats(); s.Queued != 25 || s.Stored != 25 || s.Dropped != 0 || s.Failed != 0 {
		t.Errorf("stats %+v", s)
	}
	// A flush with nothing queued returns at once.
	if err := r.Flush(ctx); err != nil {
		t.Fatal(err)
	}
}

func TestRecorderFlushInterval(t *testing.T) {
	a := &fakeAppender{}
	r := NewRecorder(RecorderOptions{Store: a, BatchSize: 1000, FlushInterval: 20 * time.Millisecond})
	defer r.Close()
	for i := range 3 {
		r.Record(context.Background(), ev(i))
	}
	start := time.Now()
	waitFor(t, "the interval's flush", func() bool { return len(a.ids()) == 3 })
	if got := a.sizes(); !slices.Equal(got, []int{3}) {
		t.Errorf("batches %v; want one of 3", got)
	}
	if time.Since(start) > 2*time.Second {
		t.Error("the interval's flush came late")
	}
}

func TestRecorderClose(t *testing.T) {
	a := &fakeAppender{}
	r := NewRecorder(RecorderOptions{Store: a, BatchSize: 7, FlushInterval: time.Hour})
	ctx := context.Background()
	for i := range 100 {
		r.Record(ctx, ev(i))
	}
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if n := len(a.ids()); n != 100 {
		t.Errorf("Close stored %d of 100 events", n)
	}
	if err := r.Record(ctx, ev(100)); !errors.Is(err, ErrRecorderClosed) {
		t.Errorf("Record after Close: %v", err)
	}
	if err := r.Flush(ctx); !errors.Is(err, ErrRecorderClosed) {
		t.Errorf("Flush after Close: %v", err)
	}
	if err := r.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if s := r.Stats(); s.Stored != 100 || s.Dropped != 1 {
		t.Errorf("stats %+v", s)
	}
}

// TestRecorderQueueFull: with the store stalled, Record waits FullWait for
// room and then drops the event and counts it; nothing accepted is lost.
func TestRecorderQueueFull(t *testing.T) {
	a := &fakeAppender{gate: make(chan struct{})}
	r := NewRecorder(RecorderOptions{Store: a, BatchSize: 1, FlushInterval: time.Hour, QueueSize: 4, FullWait: 5 * time.Millisecond})
	ctx := context.Background()
	accepted, dropped := 0, 0
	for i := range 20 {
		start := time.Now()
		err := r.Record(ctx, ev(i))
		switch {
		case err == nil:
			accepted++
		case errors.Is(err, ErrQueueFull):
			dropped++
			if time.Since(start) < 5*time.Millisecond {
				t.Errorf("dropped without waiting FullWait")
			}
		default:
			t.Fatal(err)
		}
	}
	// The run loop holds one event while the store is stalled, the queue
	// four more.
	if dropped == 0 || accepted > 6 {
		t.Errorf("accepted %d, dropped %d with a queue of 4", accepted, dropped)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := r.Record(cctx, ev(99)); err == nil || (!errors.Is(err, context.Canceled) && !errors.Is(err, ErrQueueFull)) {
		t.Errorf("Record with a cancelled context on a full queue: %v", err)
	}
	dropped++
	close(a.gate)
	r.Close()
	s := r.Stats()
	if int(s.Stored) != accepted || int(s.Dropped) != dropped || int(s.Queued) != accepted {
		t.Errorf("stats %+v; accepted %d, dropped %d", s, accepted, dropped)
	}

	// FullWait < 0: no wait at all.
	b := &fakeAppender{gate: make(chan struct{})}
	r = NewRecorder(RecorderOptions{Store: b, BatchSize: 1, QueueSize: 1, FullWait: -1})
	var err error
	for i := 0; err == nil && i < 10; i++ {
		err = r.Record(ctx, ev(i))
	}
	if !errors.Is(err, ErrQueueFull) {
		t.Errorf("FullWait < 0: %v", err)
	}
	close(b.gate)
	r.Close()
}

// TestRecorderIsolatesBadEvents: a batch the store refuses is stored event
// by event, so one bad event (a duplicate id) costs only itself.
func TestRecorderIsolatesBadEvents(t *testing.T) {
	a := &fakeAppender{bad: map[string]bool{ev(3).ID: true}}
	r := NewRecorder(RecorderOptions{Store: a, BatchSize: 100, FlushInterval: time.Hour})
	defer r.Close()
	ctx := context.Background()
	for i := range 6 {
		r.Record(ctx, ev(i))
	}
	err := r.Flush(ctx)
	if err == nil || !errors.Is(err, store.ErrExists) {
		t.Errorf("Flush: %v; want the store's refusal", err)
	}
	got := a.ids()
	want := []string{ev(0).ID, ev(1).ID, ev(2).ID, ev(4).ID, ev(5).ID}
	if !slices.Equal(got, want) {
		t.Errorf("stored %v; want %v", got, want)
	}
	if s := r.Stats(); s.Stored != 5 || s.Failed != 1 {
		t.Errorf("stats %+v", s)
	}
}

func TestRecorderSkipsEventsWithoutAccount(t *testing.T) {
	a := &fakeAppender{}
	r := NewRecorder(RecorderOptions{Store: a})
	e := ev(1)
	e.Account = ""
	if err := r.Record(context.Background(), e); err != nil {
		t.Fatal(err)
	}
	r.Close()
	if len(a.ids()) != 0 || r.Stats().Skipped != 1 {
		t.Errorf("an event of no account was stored (%v, %+v)", a.ids(), r.Stats())
	}
}

// TestRecorderConcurrent records from many goroutines while flushing and
// closing (run with -race).
func TestRecorderConcurrent(t *testing.T) {
	a := &fakeAppender{}
	r := NewRecorder(RecorderOptions{Store: a, BatchSize: 16, FlushInterval: time.Millisecond, QueueSize: 64, FullWait: time.Second})
	ctx := context.Background()
	const workers, each = 8, 200
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				if err := r.Record(ctx, ev(w*each+i)); err != nil {
					t.Error(err)
					return
				}
				if i%50 == 0 {
					r.Flush(ctx)
				}
			}
		}()
	}
	wg.Wait()
	r.Close()
	got := a.ids()
	slices.Sort(got)
	if len(got) != workers*each || len(slices.Compact(got)) != workers*each {
		t.Errorf("stored %d distinct of %d events", len(got), workers*each)
	}
}

// TestRecorderSQLite stores through the real store: the events are there,
// for their own account, after Close.
func TestRecorderSQLite(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	clk := newClock(t0)
	b := testBuilder(t, clk)
	r := NewRecorder(RecorderOptions{Store: st, BatchSize: 50, FlushInterval: 10 * time.Millisecond})
	for i := range 120 {
		clk.Advance(time.Millisecond)
		a := acct
		if i%3 == 0 {
			a = other
		}
		r.Record(ctx, b.Event(Call{Caller: userCaller(a, "alice"), Source: "iam.amazonaws.com", Operation: "GetUser"}))
	}
	r.Close()
	mine, err := st.Events(ctx, store.EventQuery{Account: acct})
	if err != nil {
		t.Fatal(err)
	}
	theirs, err := st.Events(ctx, store.EventQuery{Account: other})
	if err != nil {
		t.Fatal(err)
	}
	if len(mine) != 80 || len(theirs) != 40 {
		t.Errorf("stored %d + %d events; want 80 + 40", len(mine), len(theirs))
	}
}
