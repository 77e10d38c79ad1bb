package reader

import (
	"bytes"
	"encoding/binary"
	"math"
	"strconv"
	"strings"
)

type dbfField struct {
	name     string
	typ      byte
	offset   int // from the start of the record, after the deletion flag
	length   int
	decimals int
}

type dbfTable struct {
	fields  []dbfField
	records [][]byte // each without its deletion flag
	deleted []bool
}

// parseDBF reads a dBase III table. Values are decoded lazily by
// (*dbfTable).props so that a record's errors carry its number.
func parseDBF(name string, data []byte, dec *textDecoder) (*dbfTable, error) {
	if len(data) < 32 {
		return nil, fileErr(name, "truncated: %d bytes, a header needs 32", len(data))
	}
	nrec := int64(binary.LittleEndian.Uint32(data[4:8]))
	hlen := int(binary.LittleEndian.Uint16(data[8:10]))
	rlen := int(binary.LittleEndian.Uint16(data[10:12]))
	if hlen < 33 {
		return nil, fileErr(name, "header length %d is too small", hlen)
	}
	if hlen > len(data) {
		return nil, fileErr(name, "truncated: header length %d, file has %d bytes", hlen, len(data))
	}
	if rlen < 1 {
		return nil, fileErr(name, "record length %d is too small", rlen)
	}
	t := &dbfTable{}
	off := 1 // the deletion flag comes first
	pos := 32
	for ; ; pos += 32 {
		if pos >= hlen {
			return nil, fileErr(name, "field descriptors are not terminated within the %d-byte header", hlen)
		}
		if data[pos] == 0x0D {
			break
		}
		if pos+32 > hlen {
			return nil, fileErr(name, "field descriptor %d runs past the header", len(t.fields)+1)
		}
		d := data[pos : pos+32]
		raw := d[:11]
		if i := bytes.IndexByte(raw, 0); i >= 0 {
			raw = raw[:i]
		}
		f := dbfField{
			name:     strings.TrimSpace(dec.decode(raw)),
			typ:      d[11],
			offset:   off,
			length:   int(d[16]),
			decimals: int(d[17]),
		}
		if f.name == "" {
			return nil, fileErr(name, "field %d has no name", len(t.fields)+1)
		}
		if f.length == 0 {
			// Zero-width fields hold nothing, and would let a small file
			// make us build millions of empty values.
			return nil, fileErr(name, "field %s has length 0", f.name)
		}
		off += f.length
		t.fields = append(t.fields, f)
	}
	if off > rlen {
		return nil, fileErr(name, "fields take %d bytes but records are %d bytes", off, rlen)
	}
	if need := int64(hlen) + nrec*int64(rlen); need > int64(len(data)) {
		return nil, fileErr(name, "truncated: %d records of %d bytes need %d bytes, file has %d",
			nrec, rlen, need, len(data))
	}
	t.records = make([][]byte, nrec)
	t.deleted = make([]bool, nrec)
	for i := range t.records {
		rec := data[hlen+i*rlen : hlen+(i+1)*rlen]
		t.deleted[i] = rec[0] == '*'
		t.records[i] = rec
	}
	return t, nil
}

// props decodes record i (0-based) into typed values: 'C' string, 'N'/'F'
// int64 without decimals or float64 with them, 'L' bool, 'D' "YYYY-MM-DD";
// blank values of any type but 'C' become nil.
func (t *dbfTable) props(name string, i int, dec *textDecoder) (map[string]any, error) {
	rec := t.records[i]
	m := make(map[string]any, len(t.fields))
	for _, f := range t.fields {
		raw := rec[f.offset : f.offset+f.length]
		// Writers pad with spaces, some with NULs; shapelib (and so GDAL)
		// stops at the first NUL and trims spaces on both sides.
		if j := bytes.IndexByte(raw, 0); j >= 0 {
			raw = raw[:j]
		}
		s := dec.decode(bytes.Trim(raw, " "))
		var v any
		switch f.typ {
		case 'C':
			v = s
		case 'N', 'F':
			if s == "" || strings.Trim(s, "*") == "" {
				break // blank, or the overflow marker: no value
			}
			if f.decimals == 0 {
				if n, err := strconv.ParseInt(s, 10, 64); err == nil {
					v = n
					break
				}
			}
			x, err := strconv.ParseFloat(s, 64)
			if err != nil || math.IsInf(x, 0) || math.IsNaN(x) {
				return nil, recErr(name, i+1, "field %s: bad number %q", f.name, s)
			}
			v = x
		case 'L':
			switch s {
			case "Y", "y", "T", "t":
				v = true
			case "N", "n", "F", "f":
				v = false
			case "", "?":
			default:
				return nil, recErr(name, i+1, "field %s: bad logical %q", f.name, s)
			}
		case 'D':
			if s == "" || s == "00000000" {
				break
			}
			if len(s) != 8 || strings.Trim(s, "0123456789") != "" {
				return nil, recErr(name, i+1, "field %s: bad date %q, want YYYYMMDD", f.name, s)
			}
			v = s[:4] + "-" + s[4:6] + "-" + s[6:]
		case 'I':
			// Visual FoxPro binary integer.
			if f.length == 4 {
				v = int64(int32(binary.LittleEndian.Uint32(rec[f.offset : f.offset+4])))
			} else {
				v = s
			}
		default:
			v = s
		}
		m[f.name] = v
	}
	return m, nil
}
