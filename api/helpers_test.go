package api_test

import (
	"encoding/json"
	"strconv"
)

func jsonMarshal(v any) ([]byte, error) { return json.Marshal(v) }

func formatInt(v int64) string { return strconv.FormatInt(v, 10) }
