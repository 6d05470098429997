package main

import (
	"fmt"
	"io"
	"math"
	"strings"
)

// unit says how a metric's values are printed.
type unit int

const (
	unitRate      unit = iota // per second: 1234 → "1.23k/s"
	unitPerCPU                // per server CPU-second: "1.23k"
	unitMicros                // microseconds: "845 µs", "2.31 ms"
	unitCPUMicros             // CPU microseconds, small: "3.42 µs"
	unitKB                    // kilobytes (1024 B): "9.1 KB"
	unitMB                    // megabytes (1024² B): "123.4 MB"
	unitCores                 // CPU-seconds per second: "0.98"
	unitDecimal               // a plain number: "2.00"
	unitCount                 // a whole number: "0"
)

// better says which way a metric improves.
type better int

const (
	higherBetter better = iota
	lowerBetter
	noBetter   // informative only
	mustBeZero // a failure count: ours must be 0 in every round
)

// row is one line of the results table: a metric of a workload, over the
// rounds for each server.
type row struct {
	Workload string
	Metric   string
	Unit     unit
	Better   better
	Ours     summary
	Node     summary // N == 0: not measured for Node
}

// formatValue prints one value of a metric.
func formatValue(v float64, u unit) string {
	if math.IsNaN(v) {
		return "—"
	}
	switch u {
	case unitRate:
		return siPrefix(v) + "/s"
	case unitPerCPU:
		return siPrefix(v)
	case unitMicros:
		if v >= 1000 {
			return fmt.Sprintf("%.2f ms", v/1000)
		}
		return fmt.Sprintf("%.0f µs", v)
	case unitCPUMicros:
		return fmt.Sprintf("%.2f µs", v)
	case unitKB:
		return fmt.Sprintf("%.1f KB", v)
	case unitMB:
		return fmt.Sprintf("%.1f MB", v)
	case unitCores, unitDecimal:
		return fmt.Sprintf("%.2f", v)
	case unitCount:
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprint(v)
}

// siPrefix prints v with three significant digits and a k or M suffix.
func siPrefix(v float64) string {
	a := math.Abs(v)
	switch {
	case a >= 1e6:
		return trimFloat(v/1e6) + "M"
	case a >= 1e3:
		return trimFloat(v/1e3) + "k"
	}
	return trimFloat(v)
}

func trimFloat(v float64) string {
	a := math.Abs(v)
	switch {
	case a >= 100:
		return fmt.Sprintf("%.0f", v)
	case a >= 10:
		return fmt.Sprintf("%.1f", v)
	}
	return fmt.Sprintf("%.2f", v)
}

// formatSummary prints a median with its spread: "69.2k/s (65.0k–71.3k)".
// A single sample, or a spread of nothing, prints the median alone.
func formatSummary(s summary, u unit) string {
	if s.N == 0 {
		return "—"
	}
	med := formatValue(s.Median, u)
	if s.N == 1 || s.Min == s.Max {
		return med
	}
	lo, hi := formatValue(s.Min, u), formatValue(s.Max, u)
	// The unit once, after the range: "(65.0k–71.3k)", "(590–640 µs)".
	if suf := commonUnit(lo, hi); suf != "" {
		lo = strings.TrimSuffix(lo, suf)
	}
	return fmt.Sprintf("%s (%s–%s)", med, lo, hi)
}

// commonUnit is the trailing unit word shared by two printed values ("
// µs", " ms", " KB", " MB", "/s"), or "".
func commonUnit(a, b string) string {
	for _, suf := range []string{" µs", " ms", " KB", " MB", "/s"} {
		if strings.HasSuffix(a, suf) && strings.HasSuffix(b, suf) {
			return suf
		}
	}
	return ""
}

// formatRatio prints ours/Node and says whether that is better for us.
func formatRatio(r row) string {
	if r.Better == mustBeZero && r.Node.N == 0 {
		switch {
		case r.Ours.N == 0:
			return "—"
		case r.Ours.Max == 0:
			return "✓"
		}
		return "✗"
	}
	q := ratio(r.Ours, r.Node)
	if math.IsNaN(q) {
		return "—"
	}
	s := fmt.Sprintf("%.2f", q)
	switch {
	case r.Better == higherBetter && q > 1, r.Better == lowerBetter && q < 1:
		return s + " ✓"
	case r.Better == noBetter:
		return s
	}
	return s + " ✗"
}

// betterText says which way the ratio improves.
func betterText(b better) string {
	switch b {
	case higherBetter:
		return "> 1"
	case lowerBetter:
		return "< 1"
	case mustBeZero:
		return "0 in every round"
	}
	return "info"
}

// writeTable prints rows as a Markdown table. A workload's name is
// printed on its first row only.
func writeTable(w io.Writer, rows []row) error {
	header := []string{"Workload", "Metric", "Ours (Go)", "Node", "ours/Node", "better if"}
	cells := [][]string{header}
	prev := ""
	for _, r := range rows {
		name := r.Workload
		if name == prev {
			name = ""
		}
		prev = r.Workload
		cells = append(cells, []string{
			name, r.Metric, formatSummary(r.Ours, r.Unit), formatSummary(r.Node, r.Unit),
			formatRatio(r), betterText(r.Better),
		})
	}
	width := make([]int, len(header))
	for _, line := range cells {
		for i, c := range line {
			width[i] = max(width[i], runeLen(c))
		}
	}
	var b strings.Builder
	for li, line := range cells {
		b.WriteString("|")
		for i, c := range line {
			b.WriteString(" ")
			b.WriteString(c)
			b.WriteString(strings.Repeat(" ", width[i]-runeLen(c)))
			b.WriteString(" |")
		}
		b.WriteString("\n")
		if li == 0 {
			b.WriteString("|")
			for i := range header {
				b.WriteString(strings.Repeat("-", width[i]+2))
				b.WriteString("|")
			}
			b.WriteString("\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func runeLen(s string) int { return len([]rune(s)) }
