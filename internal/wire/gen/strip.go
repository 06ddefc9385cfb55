package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
)

// strip copies a botocore model (gzipped or plain) to out without its
// documentation: every "documentation" and "documentationUrl" member is
// dropped; all else, and the order of every object's members, is kept.
func strip(in, out string) error {
	f, err := os.Open(in)
	if err != nil {
		return err
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(in, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			return fmt.Errorf("%s: %w", in, err)
		}
		defer zr.Close()
		r = zr
	}
	d := json.NewDecoder(r)
	d.UseNumber()
	var buf bytes.Buffer
	if err := copyStripped(d, &buf, 0); err != nil {
		return fmt.Errorf("%s: %w", in, err)
	}
	buf.WriteByte('\n')
	return os.WriteFile(out, buf.Bytes(), 0o644)
}

var dropped = map[string]bool{"documentation": true, "documentationUrl": true}

// copyStripped copies one JSON value from d to w, indented by two spaces
// per level, dropping documentation members.
func copyStripped(d *json.Decoder, w *bytes.Buffer, depth int) error {
	t, err := d.Token()
	if err != nil {
		return err
	}
	indent := func(n int) {
		w.WriteByte('\n')
		w.WriteString(strings.Repeat("  ", n))
	}
	switch t := t.(type) {
	case json.Delim:
		switch t {
		case '{':
			w.WriteByte('{')
			n := 0
			for d.More() {
				kt, err := d.Token()
				if err != nil {
					return err
				}
				k := kt.(string)
				if dropped[k] {
					var skip json.RawMessage
					if err := d.Decode(&skip); err != nil {
						return err
					}
					continue
				}
				if n > 0 {
					w.WriteByte(',')
				}
				n++
				indent(depth + 1)
				writeJSONString(w, k)
				w.WriteString(": ")
				if err := copyStripped(d, w, depth+1); err != nil {
					return err
				}
			}
			if _, err := d.Token(); err != nil {
				return err
			}
			if n > 0 {
				indent(depth)
			}
			w.WriteByte('}')
		case '[':
			w.WriteByte('[')
			n := 0
			for d.More() {
				if n > 0 {
					w.WriteByte(',')
				}
				n++
				indent(depth + 1)
				if err := copyStripped(d, w, depth+1); err != nil {
					return err
				}
			}
			if _, err := d.Token(); err != nil {
				return err
			}
			if n > 0 {
				indent(depth)
			}
			w.WriteByte(']')
		}
	case string:
		writeJSONString(w, t)
	case json.Number:
		w.WriteString(t.String())
	case bool:
		if t {
			w.WriteString("true")
		} else {
			w.WriteString("false")
		}
	case nil:
		w.WriteString("null")
	}
	return nil
}

func writeJSONString(w *bytes.Buffer, s string) {
	e := json.NewEncoder(w)
	e.SetEscapeHTML(false)
	_ = e.Encode(s) // a string always encodes
	w.Truncate(w.Len() - 1)
}
