package main

import (
	"math"
	"slices"
)

// summary is the spread of one metric over the rounds of a session.
type summary struct {
	N      int
	Median float64
	Min    float64
	Max    float64
}

// summarize returns the median, minimum and maximum of xs, ignoring NaNs
// (a run that could not measure the metric). The median of an even count
// is the mean of the middle two.
func summarize(xs []float64) summary {
	v := make([]float64, 0, len(xs))
	for _, x := range xs {
		if !math.IsNaN(x) {
			v = append(v, x)
		}
	}
	if len(v) == 0 {
		return summary{Median: math.NaN(), Min: math.NaN(), Max: math.NaN()}
	}
	slices.Sort(v)
	n := len(v)
	med := v[n/2]
	if n%2 == 0 {
		med = (v[n/2-1] + v[n/2]) / 2
	}
	return summary{N: n, Median: med, Min: v[0], Max: v[n-1]}
}

// ratio is ours/node of the medians, or NaN when either is missing or
// node's is zero.
func ratio(ours, node summary) float64 {
	if ours.N == 0 || node.N == 0 || node.Median == 0 {
		return math.NaN()
	}
	return ours.Median / node.Median
}
