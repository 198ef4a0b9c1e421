package reports

import (
	"embed"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sync"
)

// The Liberation Serif 2.x fonts (SIL OFL 1.1, see fonts/LICENSE): metrically
// compatible with Times New Roman, which Decree 30/2020/ND-CP asks for.
//
//go:embed fonts/LiberationSerif-Regular.ttf fonts/LiberationSerif-Bold.ttf fonts/LiberationSerif-Italic.ttf fonts/LiberationSerif-BoldItalic.ttf
var fontFS embed.FS

// fontFamily is the family name the fonts are registered under in gofpdf.
const fontFamily = "LiberationSerif"

// style is a font style as gofpdf spells it.
type style string

const (
	styleRegular    style = ""
	styleBold       style = "B"
	styleItalic     style = "I"
	styleBoldItalic style = "BI"
)

var fontFiles = []struct {
	style style
	file  string
}{
	{styleRegular, "fonts/LiberationSerif-Regular.ttf"},
	{styleBold, "fonts/LiberationSerif-Bold.ttf"},
	{styleItalic, "fonts/LiberationSerif-Italic.ttf"},
	{styleBoldItalic, "fonts/LiberationSerif-BoldItalic.ttf"},
}

// fontMetrics is what this package needs of one font file: which BMP runes
// it can draw and how wide they are, in thousandths of an em (computed the
// way gofpdf computes them, so that our line breaking agrees with its
// drawing).
type fontMetrics struct {
	data    []byte
	covered [65536 / 64]uint64
	widths  []uint16 // indexed by rune < 65536
	missing uint16   // width of glyph 0
}

func (m *fontMetrics) has(r rune) bool {
	return r >= 0 && r < 65536 && m.covered[r>>6]&(1<<(uint(r)&63)) != 0
}

func (m *fontMetrics) width(r rune) int {
	if r >= 0 && r < 65536 {
		if m.has(r) {
			return int(m.widths[r])
		}
	}
	return int(m.missing)
}

// fontSet holds the parsed embedded fonts. It is immutable once loaded.
type fontSet struct {
	byStyle map[style]*fontMetrics
}

// covers reports whether every embedded style can draw r.
func (fs *fontSet) covers(r rune) bool {
	for _, m := range fs.byStyle {
		if !m.has(r) {
			return false
		}
	}
	return true
}

var (
	fontsOnce sync.Once
	fontsVal  *fontSet
	fontsErr  error
)

// loadFonts parses the embedded fonts once per process. The result is
// read-only and shared by every report.
func loadFonts() (*fontSet, error) {
	fontsOnce.Do(func() {
		fs := &fontSet{byStyle: make(map[style]*fontMetrics, len(fontFiles))}
		for _, f := range fontFiles {
			data, err := fontFS.ReadFile(f.file)
			if err != nil {
				fontsErr = fmt.Errorf("reports: read font %s: %w", f.file, err)
				return
			}
			m, err := parseMetrics(data)
			if err != nil {
				fontsErr = fmt.Errorf("reports: parse font %s: %w", f.file, err)
				return
			}
			fs.byStyle[f.style] = m
		}
		fontsVal = fs
	})
	return fontsVal, fontsErr
}

var errBadFont = errors.New("malformed TrueType font")

// parseMetrics reads the cmap (format 4, Unicode BMP), head, hhea and hmtx
// tables of a TrueType font.
func parseMetrics(data []byte) (*fontMetrics, error) {
	be := binary.BigEndian
	if len(data) < 12 {
		return nil, errBadFont
	}
	numTables := int(be.Uint16(data[4:]))
	tables := make(map[string][]byte, numTables)
	for i := 0; i < numTables; i++ {
		rec := 12 + 16*i
		if rec+16 > len(data) {
			return nil, errBadFont
		}
		tag := string(data[rec : rec+4])
		off := int(be.Uint32(data[rec+8:]))
		n := int(be.Uint32(data[rec+12:]))
		if off < 0 || n < 0 || off+n > len(data) {
			return nil, errBadFont
		}
		tables[tag] = data[off : off+n]
	}
	head, hhea, hmtx, cmap := tables["head"], tables["hhea"], tables["hmtx"], tables["cmap"]
	if len(head) < 54 || len(hhea) < 36 || cmap == nil {
		return nil, errBadFont
	}
	unitsPerEm := float64(be.Uint16(head[18:]))
	if unitsPerEm == 0 {
		return nil, errBadFont
	}
	scale := 1000 / unitsPerEm
	nMetrics := int(be.Uint16(hhea[34:]))
	if nMetrics == 0 || len(hmtx) < 4*nMetrics {
		return nil, errBadFont
	}
	advance := func(gid int) int {
		if gid >= nMetrics {
			gid = nMetrics - 1
		}
		return int(be.Uint16(hmtx[4*gid:]))
	}
	sub, err := findCmap4(cmap)
	if err != nil {
		return nil, err
	}
	m := &fontMetrics{data: data, widths: make([]uint16, 65536)}
	m.missing = uint16(math.Round(scale * float64(advance(0))))
	err = walkCmap4(sub, func(r rune, gid int) {
		if gid == 0 || r == 0 || r == 0xFFFF {
			return
		}
		m.covered[r>>6] |= 1 << (uint(r) & 63)
		m.widths[r] = uint16(math.Round(scale * float64(advance(gid))))
	})
	return m, err
}

func findCmap4(cmap []byte) ([]byte, error) {
	be := binary.BigEndian
	if len(cmap) < 4 {
		return nil, errBadFont
	}
	n := int(be.Uint16(cmap[2:]))
	for i := 0; i < n; i++ {
		rec := 4 + 8*i
		if rec+8 > len(cmap) {
			return nil, errBadFont
		}
		platform, encoding := be.Uint16(cmap[rec:]), be.Uint16(cmap[rec+2:])
		off := int(be.Uint32(cmap[rec+4:]))
		if off+4 > len(cmap) {
			continue
		}
		if (platform == 3 && encoding == 1) || platform == 0 {
			if be.Uint16(cmap[off:]) == 4 {
				return cmap[off:], nil
			}
		}
	}
	return nil, fmt.Errorf("%w: no Unicode BMP cmap", errBadFont)
}

func walkCmap4(sub []byte, fn func(r rune, gid int)) error {
	be := binary.BigEndian
	if len(sub) < 14 {
		return errBadFont
	}
	segs := int(be.Uint16(sub[6:])) / 2
	ends := 14
	starts := ends + 2*segs + 2
	deltas := starts + 2*segs
	offsets := deltas + 2*segs
	if offsets+2*segs > len(sub) {
		return errBadFont
	}
	for i := 0; i < segs; i++ {
		end := int(be.Uint16(sub[ends+2*i:]))
		start := int(be.Uint16(sub[starts+2*i:]))
		delta := int(be.Uint16(sub[deltas+2*i:]))
		ro := int(be.Uint16(sub[offsets+2*i:]))
		for c := start; c <= end && c < 0xFFFF; c++ {
			var gid int
			if ro == 0 {
				gid = (c + delta) & 0xFFFF
			} else {
				p := offsets + 2*i + ro + 2*(c-start)
				if p+2 > len(sub) {
					return errBadFont
				}
				gid = int(be.Uint16(sub[p:]))
				if gid != 0 {
					gid = (gid + delta) & 0xFFFF
				}
			}
			fn(rune(c), gid)
		}
	}
	return nil
}
