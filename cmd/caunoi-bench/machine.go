package main

import (
	"bufio"
	"context"
	"os"
	"runtime"
	"strings"

	"github.com/jmoiron/sqlx"
)

// Machine is what the figures were measured on.
type Machine struct {
	Cores      int    `json:"cores"`
	CPU        string `json:"cpu_model"`
	MemoryMB   int    `json:"memory_mb"`
	PostgreSQL string `json:"postgresql"`
	Go         string `json:"go"`
	LoadAvg    string `json:"load_average_at_start"`
}

func machine(ctx context.Context, db *sqlx.DB) Machine {
	m := Machine{Cores: runtime.NumCPU(), Go: runtime.Version(), CPU: procField("/proc/cpuinfo", "model name")}
	if kb := procField("/proc/meminfo", "MemTotal"); kb != "" {
		var n int
		for _, r := range kb {
			if r >= '0' && r <= '9' {
				n = n*10 + int(r-'0')
			}
		}
		m.MemoryMB = n / 1024
	}
	m.LoadAvg = loadAvg()
	_ = db.GetContext(ctx, &m.PostgreSQL, "SELECT version()")
	if i := strings.Index(m.PostgreSQL, " on "); i > 0 {
		m.PostgreSQL = m.PostgreSQL[:i]
	}
	return m
}

// loadAvg returns the 1, 5 and 15 minute load averages of /proc/loadavg.
func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return ""
}

// procField returns the value of the first "key: value" line of a /proc file.
func procField(path, key string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if ok && strings.TrimSpace(k) == key {
			return strings.TrimSpace(v)
		}
	}
	return ""
}
