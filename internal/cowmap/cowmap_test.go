package cowmap_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/cleanroom-dev/cleanroom/internal/cowmap"
)

func TestMap(t *testing.T) {
	var m cowmap.Map[int]
	if _, ok := m.Get("a"); ok {
		t.Fatal("empty map has a")
	}
	if got := m.Add("a", 1, 2); got != 1 {
		t.Fatalf("Add = %d", got)
	}
	if got := m.Add("a", 9, 2); got != 1 {
		t.Fatalf("second Add kept %d, want the first value 1", got)
	}
	m.Add("b", 2, 2)
	if got := m.Add("c", 3, 2); got != 3 {
		t.Fatalf("Add past the bound = %d, want 3 returned as is", got)
	}
	if _, ok := m.Get("c"); ok || m.Len() != 2 {
		t.Fatalf("past the bound the map grew: len %d", m.Len())
	}
	if v, ok := m.GetBytes([]byte("b")); !ok || v != 2 {
		t.Fatalf("GetBytes(b) = %d, %v", v, ok)
	}
}

func TestMapConcurrent(t *testing.T) {
	var m cowmap.Map[string]
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				k := fmt.Sprint(i % 50)
				if v, ok := m.Get(k); ok && v != k {
					t.Errorf("goroutine %d: %s -> %s", g, k, v)
				}
				m.Add(k, k, 100)
			}
		}()
	}
	wg.Wait()
	if m.Len() != 50 {
		t.Fatalf("len %d, want 50", m.Len())
	}
}

func BenchmarkGet(b *testing.B) {
	var m cowmap.Map[int]
	m.Add("cleanrooms:GetCollaboration", 1, 10)
	b.ReportAllocs()
	for b.Loop() {
		m.Get("cleanrooms:GetCollaboration")
	}
}
