package audit

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/store"
)

// Appender stores events outside any change; store.Store implements it.
type Appender interface {
	AppendEvents(ctx context.Context, events []store.Event) error
}

// Errors of Recorder.Record.
var (
	// ErrQueueFull: the queue stayed full for RecorderOptions.FullWait and
	// the event was dropped.
	ErrQueueFull = errors.New("audit: event queue full; event dropped")
	// ErrRecorderClosed: the Recorder was closed.
	ErrRecorderClosed = errors.New("audit: recorder closed")
)

// Defaults of RecorderOptions.
const (
	DefaultBatchSize     = 256
	DefaultFlushInterval = 50 * time.Millisecond
	DefaultQueueSize     = 8192
	DefaultFullWait      = 100 * time.Millisecond
	DefaultWriteTimeout  = 30 * time.Second
)

// RecorderOptions configure a Recorder.
type RecorderOptions struct {
	// Store receives the batches (required).
	Store Appender
	// BatchSize is the most events stored in one AppendEvents (one
	// transaction, one fsync); a full batch is stored at once.
	// DefaultBatchSize when zero.
	BatchSize int
	// FlushInterval is the longest an event waits in a batch that is not
	// full. DefaultFlushInterval when zero.
	FlushInterval time.Duration
	// QueueSize bounds the events waiting to be stored. DefaultQueueSize
	// when zero.
	QueueSize int
	// FullWait is how long Record waits for room in a full queue before it
	// drops the event; negative means not at all. DefaultFullWait when
	// zero.
	FullWait time.Duration
	// WriteTimeout bounds each AppendEvents. DefaultWriteTimeout when zero.
	WriteTimeout time.Duration
	// Logger receives storage failures and drops (event ids and counts,
	// never contents); nothing when nil.
	Logger *slog.Logger
}

// RecorderStats are a Recorder's counters since it started.
type RecorderStats struct {
	// Queued events were accepted by Record.
	Queued uint64
	// Stored events were stored.
	Stored uint64
	// Dropped events were refused by Record: queue full, or closed.
	Dropped uint64
	// Failed events were accepted but the store refused them (alone, not
	// only in a batch).
	Failed uint64
	// Skipped events belonged to no account (unsigned calls without a
	// caller) and were not stored.
	Skipped uint64
}

// Recorder stores the events of read-only and refused calls asynchronously,
// in batches: such calls change nothing, so their events do not ride on a
// transaction of their own and must not cost an fsync each.
//
// The queue is bounded. When it is full, Record waits up to FullWait for
// room and then drops the event, counting it in RecorderStats.Dropped and
// logging the drops: a stalled disk slows the read path by at most FullWait
// a call instead of stopping it, and the loss is visible. (Writes never
// pass through a Recorder: their events commit with their changes.)
// A Recorder is safe for concurrent use. Close stores what is queued.
type Recorder struct {
	opt  RecorderOptions
	log  *slog.Logger
	q    chan item
	mu   sync.RWMutex // guards closed and the closing of q
	done chan struct{}

	closed bool

	queued, stored, dropped, failed, skipped atomic.Uint64
	lastDropped                              uint64 // run's own: drops already logged
}

// item is an event, or a flush request (flush != nil).
type item struct {
	e     store.Event
	flush chan error
}

// NewRecorder starts a Recorder; Close stops it.
func NewRecorder(opt RecorderOptions) *Recorder {
	if opt.BatchSize <= 0 {
		opt.BatchSize = DefaultBatchSize
	}
	if opt.FlushInterval <= 0 {
		opt.FlushInterval = DefaultFlushInterval
	}
	if opt.QueueSize <= 0 {
		opt.QueueSize = DefaultQueueSize
	}
	if opt.FullWait == 0 {
		opt.FullWait = DefaultFullWait
	}
	if opt.WriteTimeout <= 0 {
		opt.WriteTimeout = DefaultWriteTimeout
	}
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	r := &Recorder{opt: opt, log: log, q: make(chan item, opt.QueueSize), done: make(chan struct{})}
	go r.run()
	return r
}

// Record queues an event to be stored. It returns ErrQueueFull when the
// queue stayed full (the event is dropped), ErrRecorderClosed after Close,
// or ctx's error when ctx ends while it waits. An event without an Account
// belongs to no trail: it is counted as skipped and not stored.
func (r *Recorder) Record(ctx context.Context, e store.Event) error {
	if e.Account == "" {
		r.skipped.Add(1)
		return nil
	}
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.closed {
		r.dropped.Add(1)
		return ErrRecorderClosed
	}
	select {
	case r.q <- item{e: e}:
		r.queued.Add(1)
		return nil
	default:
	}
	if r.opt.FullWait < 0 {
		r.dropped.Add(1)
		return ErrQueueFull
	}
	t := time.NewTimer(r.opt.FullWait)
	defer t.Stop()
	select {
	case r.q <- item{e: e}:
		r.queued.Add(1)
		return nil
	case <-t.C:
		r.dropped.Add(1)
		return ErrQueueFull
	case <-ctx.Done():
		r.dropped.Add(1)
		return ctx.Err()
	}
}

// Flush waits until every event queued before it was called has been
// stored (or refused by the store: then it returns an error).
func (r *Recorder) Flush(ctx context.Context) error {
	ch := make(chan error, 1)
	r.mu.RLock()
	if r.closed {
		r.mu.RUnlock()
		return ErrRecorderClosed
	}
	select {
	case r.q <- item{flush: ch}:
		r.mu.RUnlock()
	case <-ctx.Done():
		r.mu.RUnlock()
		return ctx.Err()
	}
	select {
	case err := <-ch:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close stores the queued events and stops the Recorder. Record fails
// afterwards. Close is idempotent.
func (r *Recorder) Close() error {
	r.mu.Lock()
	if !r.closed {
		r.closed = true
		close(r.q)
	}
	r.mu.Unlock()
	<-r.done
	return nil
}

// Stats returns the Recorder's counters.
func (r *Recorder) Stats() RecorderStats {
	return RecorderStats{
		Queued: r.queued.Load(), Stored: r.stored.Load(), Dropped: r.dropped.Load(),
		Failed: r.failed.Load(), Skipped: r.skipped.Load(),
	}
}

// run stores batches until the queue is closed and drained.
func (r *Recorder) run() {
	defer close(r.done)
	batch := make([]store.Event, 0, r.opt.BatchSize)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	var tick <-chan time.Time
	flush := func() error {
		err := r.write(batch)
		clear(batch) // drop references to the events' data
		batch = batch[:0]
		timer.Stop()
		tick = nil
		return err
	}
	for {
		select {
		case it, ok := <-r.q:
			if !ok {
				flush()
				return
			}
			if it.flush != nil {
				it.flush <- flush()
				continue
			}
			batch = append(batch, it.e)
			if len(batch) == 1 {
				timer.Reset(r.opt.FlushInterval)
				tick = timer.C
			}
			if len(batch) >= r.opt.BatchSize {
				flush()
			}
		case <-tick:
			flush()
		}
	}
}

// write stores a batch. When the store refuses it, the events are stored
// one by one so that one bad event (a duplicate id) costs only itself.
func (r *Recorder) write(batch []store.Event) error {
	if d := r.dropped.Load(); d != r.lastDropped {
		r.log.Warn("audit: events dropped: queue full or recorder closed", "dropped", d-r.lastDropped, "totalDropped", d)
		r.lastDropped = d
	}
	if len(batch) == 0 {
		return nil
	}
	err := r.append(batch)
	if err == nil {
		r.stored.Add(uint64(len(batch)))
		return nil
	}
	r.log.Warn("audit: storing a batch of events failed", "events", len(batch), "err", err)
	if len(batch) == 1 || errors.Is(err, store.ErrClosed) {
		r.failed.Add(uint64(len(batch)))
		return fmt.Errorf("audit: %d events not stored: %w", len(batch), err)
	}
	failed := 0
	for i := range batch {
		if err := r.append(batch[i : i+1]); err != nil {
			failed++
			r.log.Warn("audit: storing an event failed", "eventId", batch[i].ID, "account", batch[i].Account, "err", err)
			continue
		}
		r.stored.Add(1)
	}
	if failed > 0 {
		r.failed.Add(uint64(failed))
		return fmt.Errorf("audit: %d of %d events not stored: %w", failed, len(batch), err)
	}
	return nil
}

func (r *Recorder) append(events []store.Event) error {
	ctx, cancel := context.WithTimeout(context.Background(), r.opt.WriteTimeout)
	defer cancel()
	return r.opt.Store.AppendEvents(ctx, events)
}
