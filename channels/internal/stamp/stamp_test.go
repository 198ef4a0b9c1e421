package stamp

import (
	"encoding/json"
	"testing"
	"time"
)

func TestUnmarshal(t *testing.T) {
	tests := []struct {
		json string
		raw  string
		want time.Time
		err  bool
	}{
		{`1735706090`, "1735706090", time.Unix(1735706090, 0), false},
		{`1735706999876`, "1735706999876", time.UnixMilli(1735706999876), false},
		{`"1735708200123"`, "1735708200123", time.UnixMilli(1735708200123), false},
		{`"2025-01-01T04:34:50+0000"`, "2025-01-01T04:34:50+0000", time.Unix(1735706090, 0), false},
		{`"2025-01-01T04:34:50Z"`, "2025-01-01T04:34:50Z", time.Unix(1735706090, 0), false},
		{`1735706090.5`, "1735706090.5", time.Unix(1735706090, 5e8), false},
		{`"soon"`, "soon", time.Time{}, false},
		{`-5`, "-5", time.Time{}, false},
		{`null`, "", time.Time{}, false},
		{`{}`, "", time.Time{}, true},
		{`[1]`, "", time.Time{}, true},
		{`true`, "", time.Time{}, true},
	}
	for _, tt := range tests {
		var s Stamp
		err := json.Unmarshal([]byte(tt.json), &s)
		if (err != nil) != tt.err {
			t.Errorf("%s: err %v", tt.json, err)
			continue
		}
		if err == nil && (s.Raw != tt.raw || !s.Time.Equal(tt.want)) {
			t.Errorf("%s: %q %v; want %q %v", tt.json, s.Raw, s.Time, tt.raw, tt.want)
		}
	}
}
