package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// clockTicks is the kernel's USER_HZ, the unit of utime and stime in
// /proc/PID/stat. It is 100 on every Linux architecture Go supports.
const clockTicks = 100

// cpuSeconds reads the CPU time a process has used so far (user plus
// system, its own threads only) from /proc/PID/stat.
func cpuSeconds(pid int) (float64, error) {
	user, sys, err := cpuSplit(pid)
	return user + sys, err
}

// cpuSplit reads the user and the system CPU time a process has used so
// far, in seconds, from /proc/PID/stat.
func cpuSplit(pid int) (user, sys float64, err error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, err
	}
	return parseStatTimes(data)
}

// parseStatCPU returns utime+stime, in seconds, from the contents of a
// /proc/PID/stat file.
func parseStatCPU(data []byte) (float64, error) {
	user, sys, err := parseStatTimes(data)
	return user + sys, err
}

// parseStatTimes returns utime and stime, in seconds, from the contents of
// a /proc/PID/stat file. The command name (field 2) may hold spaces and
// parentheses, so fields are counted from the last ')'.
func parseStatTimes(data []byte) (user, sys float64, err error) {
	end := bytes.LastIndexByte(data, ')')
	if end < 0 {
		return 0, 0, errors.New("failed to parse /proc stat: no command name")
	}
	// After ')': field 3 (state) is rest[0], so field n is rest[n-3];
	// utime is field 14 and stime field 15.
	rest := strings.Fields(string(data[end+1:]))
	if len(rest) < 13 {
		return 0, 0, fmt.Errorf("failed to parse /proc stat: %d fields after the command name", len(rest))
	}
	utime, err := strconv.ParseUint(rest[11], 10, 64)
	if err != nil {
		return 0, 0, fmt.Errorf("failed to parse /proc stat utime: %w", err)
	}
	stime, err := strconv.ParseUint(rest[12], 10, 64)
	if err != nil {
		return 0, 0, fmt.Errorf("failed to parse /proc stat stime: %w", err)
	}
	return float64(utime) / clockTicks, float64(stime) / clockTicks, nil
}

// rssBytes reads a process's resident set size (VmRSS) from
// /proc/PID/status.
func rssBytes(pid int) (int64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	return parseStatusRSS(data)
}

// parseStatusRSS returns VmRSS, in bytes, from the contents of a
// /proc/PID/status file.
func parseStatusRSS(data []byte) (int64, error) {
	for line := range strings.Lines(string(data)) {
		rest, ok := strings.CutPrefix(line, "VmRSS:")
		if !ok {
			continue
		}
		f := strings.Fields(rest)
		if len(f) != 2 || f[1] != "kB" {
			return 0, fmt.Errorf("failed to parse /proc status VmRSS: %q", strings.TrimSpace(line))
		}
		kb, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("failed to parse /proc status VmRSS: %w", err)
		}
		return kb << 10, nil
	}
	return 0, errors.New("failed to parse /proc status: no VmRSS line")
}

// writeCalls reads how many write system calls a process has made so far
// (syscw in /proc/PID/io: write, writev and their kin).
func writeCalls(pid int) (float64, error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/io", pid))
	if err != nil {
		return 0, err
	}
	return parseIOWrites(data)
}

// parseIOWrites returns syscw from the contents of a /proc/PID/io file.
func parseIOWrites(data []byte) (float64, error) {
	for line := range strings.Lines(string(data)) {
		if rest, ok := strings.CutPrefix(line, "syscw:"); ok {
			n, err := strconv.ParseUint(strings.TrimSpace(rest), 10, 64)
			if err != nil {
				return 0, fmt.Errorf("failed to parse /proc io syscw: %w", err)
			}
			return float64(n), nil
		}
	}
	return 0, errors.New("failed to parse /proc io: no syscw line")
}

// machineBusySeconds reads the CPU time all CPUs have spent busy so far
// (everything but idle and iowait) from /proc/stat.
func machineBusySeconds() (float64, error) {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, err
	}
	return parseProcStatBusy(data)
}

// parseProcStatBusy returns the busy time, in seconds, of the aggregate
// "cpu" line of a /proc/stat file: user, nice, system, irq, softirq and
// steal (guest time is already inside user and nice).
func parseProcStatBusy(data []byte) (float64, error) {
	for line := range strings.Lines(string(data)) {
		f := strings.Fields(line)
		if len(f) == 0 || f[0] != "cpu" {
			continue
		}
		if len(f) < 9 {
			return 0, fmt.Errorf("failed to parse /proc/stat: %d fields on the cpu line", len(f))
		}
		var busy uint64
		for _, i := range []int{1, 2, 3, 6, 7, 8} { // user nice system irq softirq steal
			v, err := strconv.ParseUint(f[i], 10, 64)
			if err != nil {
				return 0, fmt.Errorf("failed to parse /proc/stat: %w", err)
			}
			busy += v
		}
		return float64(busy) / clockTicks, nil
	}
	return 0, errors.New("failed to parse /proc/stat: no cpu line")
}
