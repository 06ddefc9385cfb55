package server

import (
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the server's Prometheus metrics.
type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
}

func newMetrics(reg *prometheus.Registry) *metrics {
	m := &metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "cleanroom_requests_total",
			Help: "AWS API requests by service, operation and outcome (the AWS error code, or OK).",
		}, []string{"service", "operation", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "cleanroom_request_duration_seconds",
			Help:    "Time to serve an AWS API request, from reading its headers to writing its response.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"service"}),
	}
	reg.MustRegister(m.requests, m.duration,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) handler(reg *prometheus.Registry) http.Handler {
	return promhttp.HandlerFor(reg, promhttp.HandlerOpts{})
}

// observe counts a finished call; code is its AWS error code, or "OK".
func (m *metrics) observe(c *call, code string, d time.Duration) {
	svc, op := c.serviceName(), c.op
	if c.svc == nil {
		svc, op = "unknown", ""
	} else if !c.svc.knows(op) {
		op = "unknown" // bound the label values a client can create
	}
	m.requests.WithLabelValues(svc, op, code).Inc()
	m.duration.WithLabelValues(svc).Observe(d.Seconds())
}
