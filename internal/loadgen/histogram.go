package loadgen

import (
	"math"
	"math/bits"
	"time"
)

// The histogram is log-linear, in the manner of HdrHistogram: values below
// 2^histSubBits nanoseconds have a bucket each, and every power-of-two range
// above is split into 2^(histSubBits-1) equal buckets, so a bucket's width is
// at most 1/128 of its values (a relative error under 0.8%).
const (
	histSubBits = 8
	histSub     = 1 << histSubBits       // exact buckets below this value
	histHalf    = 1 << (histSubBits - 1) // buckets per power of two above it
	histBuckets = (64-histSubBits)*histHalf + histSub
)

// A Histogram records durations with a bounded relative error, in constant
// space and without allocating. The zero value is an empty histogram ready to
// use. It is not safe for concurrent use; record into one histogram per
// goroutine and Merge them.
type Histogram struct {
	counts [histBuckets]uint64
	n      uint64
	sum    uint64
	max    uint64
}

func histIndex(v uint64) int {
	if v < histSub {
		return int(v)
	}
	shift := bits.Len64(v) - histSubBits
	return shift*histHalf + int(v>>shift)
}

// histUpper is the highest value that lands in bucket i.
func histUpper(i int) uint64 {
	if i < histSub {
		return uint64(i)
	}
	shift := i/histHalf - 1
	m := uint64(i%histHalf + histHalf)
	return (m+1)<<shift - 1
}

// Record adds one duration; negative durations count as zero.
func (h *Histogram) Record(d time.Duration) {
	v := uint64(max(d, 0))
	h.counts[histIndex(v)]++
	h.n++
	h.sum += v
	h.max = max(h.max, v)
}

// Merge adds the values recorded in o to h.
func (h *Histogram) Merge(o *Histogram) {
	if o.n == 0 {
		return
	}
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	h.sum += o.sum
	h.max = max(h.max, o.max)
}

// Count is the number of recorded values.
func (h *Histogram) Count() uint64 { return h.n }

// Max is the largest recorded value, exactly.
func (h *Histogram) Max() time.Duration { return time.Duration(h.max) }

// Mean is the average of the recorded values, or 0 when there are none.
func (h *Histogram) Mean() time.Duration {
	if h.n == 0 {
		return 0
	}
	return time.Duration(h.sum / h.n)
}

// Quantile returns the value below or at which the fraction q of the recorded
// values lie (q in [0, 1]), as the highest value of its bucket, never above
// Max. It returns 0 when nothing has been recorded.
func (h *Histogram) Quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	if math.IsNaN(q) || q < 0 {
		q = 0
	}
	rank := uint64(math.Ceil(min(q, 1) * float64(h.n)))
	rank = min(max(rank, 1), h.n)
	var seen uint64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			return time.Duration(min(histUpper(i), h.max))
		}
	}
	return time.Duration(h.max)
}
