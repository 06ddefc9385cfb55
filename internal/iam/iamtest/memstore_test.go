package iamtest

import (
	"testing"

	"github.com/cleanroom-dev/cleanroom/internal/store"
	"github.com/cleanroom-dev/cleanroom/internal/store/storetest"
)

// The in-memory store passes the conformance suite every backend runs.
func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return NewMemStore(nil) })
}
