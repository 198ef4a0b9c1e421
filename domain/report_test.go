package domain

import (
	"strings"
	"testing"
)

func TestRankUnitsBestFirstAndTheIdleLast(t *testing.T) {
	in := []Breakdown{
		{Name: "Xã C", Resolved: 0},
		{Name: "Xã B", Resolved: 10, OnTimeRate: 0.9},
		{Name: "Xã A", Resolved: 20, OnTimeRate: 0.9},
		{Name: "Xã D", Resolved: 5, OnTimeRate: 1},
		{Name: "Xã E", Resolved: 10, OnTimeRate: 0.9},
	}
	got := RankUnits(in)
	var names []string
	for _, b := range got {
		names = append(names, b.Name)
	}
	if s := strings.Join(names, ","); s != "Xã D,Xã A,Xã B,Xã E,Xã C" {
		t.Errorf("ranked %s", s)
	}
	if in[0].Name != "Xã C" {
		t.Error("RankUnits reordered its argument")
	}
}
