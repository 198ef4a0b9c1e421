package reports

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
)

// gofpdf compresses each page with a new zlib writer (about 1 MB of
// allocations a page: 2 GB for a 2,000-page appendix). Instead the document
// is built uncompressed and compressStreams deflates its plain streams with
// one reused writer while copying it out.

// compressingWriter receives the whole uncompressed document from gofpdf's
// Output (a single Write) and writes the compressed document to w.
type compressingWriter struct {
	w    io.Writer
	done bool
}

func (cw *compressingWriter) Write(p []byte) (int, error) {
	if cw.done {
		return 0, errors.New("reports: document written in more than one piece")
	}
	cw.done = true
	if err := compressStreams(cw.w, p); err != nil {
		return 0, err
	}
	return len(p), nil
}

// compressStreams copies the PDF doc to w, replacing every object of the
// exact form "N 0 obj\n<</Length L>>\nstream\n…\nendstream\nendobj\n" by its
// FlateDecode equivalent, and rewrites the cross-reference table. A
// document it does not understand is written unchanged (it stays valid).
func compressStreams(w io.Writer, doc []byte) error {
	offs, xrefAt, trailer, ok := parseXref(doc)
	if !ok {
		_, err := w.Write(doc)
		return err
	}
	order := make([]int, 0, len(offs))
	for i := 1; i < len(offs); i++ {
		order = append(order, i)
	}
	sort.Slice(order, func(a, b int) bool { return offs[order[a]] < offs[order[b]] })
	if len(order) == 0 || offs[order[0]] <= 0 {
		_, err := w.Write(doc)
		return err
	}

	cw := &countWriter{w: w}
	cw.write(doc[:offs[order[0]]])
	newOffs := make([]int, len(offs))
	var zbuf bytes.Buffer
	zw, _ := zlib.NewWriterLevel(&zbuf, zlib.BestSpeed)
	for k, n := range order {
		end := xrefAt
		if k+1 < len(order) {
			end = offs[order[k+1]]
		}
		obj := doc[offs[n]:end]
		newOffs[n] = cw.n
		data, ok := plainStream(obj, n)
		if !ok {
			cw.write(obj)
			continue
		}
		zbuf.Reset()
		zw.Reset(&zbuf)
		if _, err := zw.Write(data); err != nil {
			return err
		}
		if err := zw.Close(); err != nil {
			return err
		}
		cw.printf("%d 0 obj\n<</Filter /FlateDecode /Length %d>>\nstream\n", n, zbuf.Len())
		cw.write(zbuf.Bytes())
		cw.write([]byte("\nendstream\nendobj\n"))
	}
	xref := cw.n
	cw.printf("xref\n0 %d\n0000000000 65535 f \n", len(offs))
	for i := 1; i < len(offs); i++ {
		cw.printf("%010d 00000 n \n", newOffs[i])
	}
	cw.write(trailer)
	cw.printf("startxref\n%d\n%%%%EOF\n", xref)
	return cw.err
}

// plainStream returns the data of an uncompressed stream object numbered n.
func plainStream(obj []byte, n int) ([]byte, bool) {
	head := strconv.Itoa(n) + " 0 obj\n<</Length "
	if !bytes.HasPrefix(obj, []byte(head)) {
		return nil, false
	}
	rest := obj[len(head):]
	i := bytes.IndexByte(rest, '>')
	if i <= 0 || i > 12 {
		return nil, false
	}
	l, err := strconv.Atoi(string(rest[:i]))
	const open, tail = ">>\nstream\n", "\nendstream\nendobj\n"
	if err != nil || l < 0 || !bytes.HasPrefix(rest[i:], []byte(open)) {
		return nil, false
	}
	data := rest[i+len(open):]
	if len(data) != l+len(tail) || string(data[l:]) != tail {
		return nil, false
	}
	return data[:l], true
}

// parseXref reads gofpdf's cross-reference table: the offset of each object
// (index = object number), where the table starts, and the trailer (from
// "trailer" up to "startxref").
func parseXref(doc []byte) (offs []int, xrefAt int, trailer []byte, ok bool) {
	sx := bytes.LastIndex(doc, []byte("startxref\n"))
	if sx < 0 {
		return nil, 0, nil, false
	}
	line := doc[sx+len("startxref\n"):]
	if i := bytes.IndexByte(line, '\n'); i >= 0 {
		line = line[:i]
	}
	xrefAt, err := strconv.Atoi(string(line))
	if err != nil || xrefAt <= 0 || xrefAt >= sx || !bytes.HasPrefix(doc[xrefAt:], []byte("xref\n0 ")) {
		return nil, 0, nil, false
	}
	p := doc[xrefAt+len("xref\n0 "):]
	nl := bytes.IndexByte(p, '\n')
	if nl < 0 {
		return nil, 0, nil, false
	}
	count, err := strconv.Atoi(string(p[:nl]))
	p = p[nl+1:]
	if err != nil || count < 1 || len(p) < 20*count {
		return nil, 0, nil, false
	}
	offs = make([]int, count)
	for i := 1; i < count; i++ {
		e := p[20*i : 20*i+20]
		if string(e[10:]) != " 00000 n \n" {
			return nil, 0, nil, false
		}
		if offs[i], err = strconv.Atoi(string(e[:10])); err != nil || offs[i] >= xrefAt {
			return nil, 0, nil, false
		}
	}
	trailerAt := xrefAt + len("xref\n0 ") + nl + 1 + 20*count
	if trailerAt > sx || !bytes.HasPrefix(doc[trailerAt:], []byte("trailer")) {
		return nil, 0, nil, false
	}
	return offs, xrefAt, doc[trailerAt:sx], true
}

// countWriter counts what it writes and keeps the first error.
type countWriter struct {
	w   io.Writer
	n   int
	err error
}

func (c *countWriter) write(p []byte) {
	if c.err != nil {
		return
	}
	n, err := c.w.Write(p)
	c.n += n
	c.err = err
}

func (c *countWriter) printf(format string, a ...any) {
	c.write(fmt.Appendf(nil, format, a...))
}
