package loadgen

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestHistogramEmpty(t *testing.T) {
	var h Histogram
	if h.Count() != 0 || h.Quantile(0.5) != 0 || h.Max() != 0 || h.Mean() != 0 {
		t.Errorf("empty histogram: count %d p50 %v max %v mean %v", h.Count(), h.Quantile(0.5), h.Max(), h.Mean())
	}
}

// Values below 256ns have a bucket each, so small values come back exactly.
func TestHistogramSmallValuesExact(t *testing.T) {
	var h Histogram
	for v := range 200 {
		h.Record(time.Duration(v + 1))
	}
	tests := []struct {
		q    float64
		want time.Duration
	}{
		{0, 1}, {0.005, 1}, {0.5, 100}, {0.9, 180}, {0.999, 200}, {1, 200},
		{-1, 1}, {2, 200}, {math.NaN(), 1},
	}
	for _, tt := range tests {
		if got := h.Quantile(tt.q); got != tt.want {
			t.Errorf("Quantile(%v) = %v, want %v", tt.q, got, tt.want)
		}
	}
	if h.Mean() != 100 || h.Max() != 200 {
		t.Errorf("mean %v max %v", h.Mean(), h.Max())
	}
}

func TestHistogramNegativeIsZero(t *testing.T) {
	var h Histogram
	h.Record(-time.Second)
	if h.Count() != 1 || h.Max() != 0 || h.Quantile(1) != 0 {
		t.Errorf("count %d max %v", h.Count(), h.Max())
	}
}

// TestHistogramQuantiles compares the histogram's quantiles, merged from
// several, with exact ones over skewed latencies from 10µs to seconds.
func TestHistogramQuantiles(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	parts := make([]Histogram, 4)
	var all []time.Duration
	for i := range 100000 {
		d := time.Duration(10e3 * math.Exp(rng.ExpFloat64()*2))
		parts[i%len(parts)].Record(d)
		all = append(all, d)
	}
	var h Histogram
	for i := range parts {
		h.Merge(&parts[i])
	}
	h.Merge(new(Histogram))
	slices.Sort(all)
	if h.Count() != uint64(len(all)) || h.Max() != all[len(all)-1] {
		t.Fatalf("count %d max %v, want %d %v", h.Count(), h.Max(), len(all), all[len(all)-1])
	}
	for _, q := range []float64{0.01, 0.5, 0.9, 0.99, 0.999, 0.9999, 1} {
		exact := all[int(math.Ceil(q*float64(len(all))))-1]
		got := h.Quantile(q)
		if got < exact || float64(got-exact) > float64(exact)/128 {
			t.Errorf("Quantile(%v) = %v, exact %v", q, got, exact)
		}
	}
	var sum time.Duration
	for _, d := range all {
		sum += d
	}
	if mean := sum / time.Duration(len(all)); h.Mean() != mean {
		t.Errorf("mean %v, want %v", h.Mean(), mean)
	}
}

// FuzzHistogramBucket checks that every value lands in a bucket whose upper
// bound is at or above it and within 1/128 of it, and that buckets are
// ordered.
func FuzzHistogramBucket(f *testing.F) {
	for _, v := range []uint64{0, 1, 255, 256, 257, 511, 512, 1e6, 1 << 40, math.MaxInt64, math.MaxUint64} {
		f.Add(v)
	}
	f.Fuzz(func(t *testing.T, v uint64) {
		i := histIndex(v)
		if i < 0 || i >= histBuckets {
			t.Fatalf("index %d of %d out of range", i, v)
		}
		up := histUpper(i)
		if up < v || (v >= histSub && (up-v) > v/128) {
			t.Fatalf("value %d in bucket %d with upper bound %d", v, i, up)
		}
		if i > 0 && histUpper(i-1) >= v {
			t.Fatalf("value %d in bucket %d, but bucket %d reaches %d", v, i, i-1, histUpper(i-1))
		}
	})
}
