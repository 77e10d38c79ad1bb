package reader

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

// textDecoder turns DBF bytes into UTF-8 text.
type textDecoder struct {
	name  string
	table *[256]rune // nil for UTF-8
}

func (d *textDecoder) decode(b []byte) string {
	ascii := true
	for _, c := range b {
		if c >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return string(b)
	}
	if d.table == nil {
		// A fixed-width field may cut a multi-byte character in half; keep the
		// rest of the text rather than rejecting the whole file.
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	var sb strings.Builder
	sb.Grow(len(b) * 2)
	for _, c := range b {
		sb.WriteRune(d.table[c])
	}
	return sb.String()
}

func singleByte(name string, cm *charmap.Charmap) *textDecoder {
	var t [256]rune
	for i := range t {
		t[i] = cm.DecodeByte(byte(i))
	}
	return &textDecoder{name: name, table: &t}
}

var (
	decUTF8    = &textDecoder{name: "UTF-8"}
	decCP1251  = singleByte("windows-1251", charmap.Windows1251)
	decCP1252  = singleByte("windows-1252", charmap.Windows1252)
	decLatin1  = singleByte("ISO-8859-1", charmap.ISO8859_1)
	decCP866   = singleByte("CP866", charmap.CodePage866)
	cpgAliases = map[string]*textDecoder{
		"UTF8": decUTF8, "65001": decUTF8,
		"1251": decCP1251, "CP1251": decCP1251, "WINDOWS1251": decCP1251, "ANSI1251": decCP1251,
		"1252": decCP1252, "CP1252": decCP1252, "WINDOWS1252": decCP1252, "ANSI1252": decCP1252,
		"LATIN1": decLatin1, "ISO88591": decLatin1, "88591": decLatin1, "28591": decLatin1, "CP819": decLatin1,
		"866": decCP866, "CP866": decCP866, "IBM866": decCP866, "OEM866": decCP866,
	}
)

// cpgDecoder reads the content of a .cpg file. ok is false for a code page
// we do not know, which the caller reports rather than guess.
func cpgDecoder(cpg []byte) (d *textDecoder, ok bool) {
	s := string(bytes.TrimPrefix(cpg, []byte("\xef\xbb\xbf")))
	if !utf8.ValidString(s) {
		return nil, false
	}
	s = strings.ToUpper(strings.TrimSpace(s))
	s = strings.NewReplacer("-", "", "_", "", " ", "").Replace(s)
	if s == "" {
		return decUTF8, true
	}
	d, ok = cpgAliases[s]
	return d, ok
}

// ldidDecoder maps the DBF language driver id, used only when there is no
// .cpg. Ids we do not map fall back to UTF-8, what current writers produce.
func ldidDecoder(ldid byte) *textDecoder {
	switch ldid {
	case 0xC9:
		return decCP1251
	case 0x26, 0x65:
		return decCP866
	case 0x03:
		return decCP1252
	}
	return decUTF8
}
