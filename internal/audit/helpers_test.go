package audit

import (
	"sync"
	"time"

	"github.com/cleanroom-dev/cleanroom/internal/identity"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock(t time.Time) *clock { return &clock{t: t} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

var t0 = time.Date(2026, 3, 14, 15, 9, 26, 535897000, time.UTC)

func userCaller(account, name string) *identity.Caller {
	return &identity.Caller{Type: identity.IAMUser, Account: account, ARN: "arn:aws:iam::" + account + ":user/" + name,
		UserID: "AIDA" + name, PrincipalID: "AIDA" + name, Name: name, AccessKeyID: "AKIA" + name + account[:4]}
}
