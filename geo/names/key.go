// Package names matches place and person names across scripts and
// transliterations: Kazakh Cyrillic, Russian Cyrillic and the many Latin
// spellings of both (Manghystau, Mangystau, Mangghystau, Маңғыстау and
// Мангистау are one name). Key folds spelling variants into one phonetic key;
// Aliases join different words for the same thing (Nur-Sultan, Astana);
// Index ranks features by how well one of their names matches a query.
package names

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// cyrillic transliterates lower-case Cyrillic letters, Kazakh ones included,
// to the Latin spelling that Key's later rules fold to the same key as the
// usual English spellings. ң is "n", not "ng": in Kazakh names it is almost
// always written n in Latin (Zhanaozen, Baykonyr) and is followed by ғ where
// the Latin has "ng" (Маңғыстау, Mangystau).
var cyrillic = map[rune]string{
	'а': "a", 'ә': "a", 'б': "b", 'в': "v", 'г': "g", 'ғ': "g", 'ґ': "g",
	'д': "d", 'е': "e", 'ё': "e", 'є': "e", 'ж': "zh", 'з': "z", 'и': "i",
	'і': "i", 'ї': "i", 'й': "i", 'к': "k", 'қ': "k", 'л': "l", 'м': "m",
	'н': "n", 'ң': "n", 'о': "o", 'ө': "o", 'п': "p", 'р': "r", 'с': "s",
	'т': "t", 'у': "u", 'ұ': "u", 'ү': "u", 'ў': "u", 'ф': "f", 'х': "h",
	'һ': "h", 'ц': "ts", 'ч': "ch", 'ш': "sh", 'щ': "sh", 'ъ': "", 'ы': "i",
	'ь': "", 'э': "e", 'ю': "iu", 'я': "ia",
}

// digraphs are Kazakh Latin letters that stand for two (ş = sh, ç = ch);
// they are replaced before decomposition would reduce them to s and c.
var digraphs = strings.NewReplacer("ş", "sh", "Ş", "sh", "ç", "ch", "Ç", "ch")

// latin maps Latin letters that have no decomposition, and the letters Key
// merges outright: q with k, y and ı with i, w with v, j with zh.
var latin = map[rune]string{
	'ı': "i", 'ł': "l", 'ø': "o", 'æ': "ae", 'œ': "oe",
	'ß': "ss", 'đ': "d", 'ð': "d", 'þ': "th", 'q': "k", 'y': "i", 'w': "v",
	'j': "zh",
}

// stopwords are generic words that name the kind of a place rather than the
// place: "Almaty oblast", "Алматинская область" and "Almaty (city)" all have
// Almaty's key. They are compared after transliteration and folding; each
// maps to the kind it names (see nameKind).
var stopwords = map[string]string{}

// suffixes are Russian adjectival endings of region names (Алматинская →
// Almaty, Жамбылская → Zhambyl) in folded form, longest first; init fills it.
var suffixes []string

func init() {
	for kind, ws := range map[string][]string{
		kindRegion: {"oblast", "oblasti", "oblys", "oblysy", "obl", "region", "regional",
			"province", "district", "audany", "audan", "rayon", "raion",
			"область", "облысы", "обл", "ауданы", "аудан", "район"},
		kindCity: {"city", "kala", "kalasy", "qala", "gorod", "town",
			"қала", "қаласы", "город"},
	} {
		for _, w := range ws {
			for _, t := range tokens(w) {
				stopwords[fold(t)] = kind
			}
		}
	}
	seen := map[string]bool{}
	for _, w := range []string{
		"инская", "инский", "инской", "ская", "ский", "ской",
		"inskaya", "inskiy", "skaya", "skiy", "sky",
	} {
		f := fold(w)
		if !seen[f] {
			seen[f] = true
			suffixes = append(suffixes, f)
		}
	}
	sort.Slice(suffixes, func(i, j int) bool {
		if len(suffixes[i]) != len(suffixes[j]) {
			return len(suffixes[i]) > len(suffixes[j])
		}
		return suffixes[i] < suffixes[j]
	})
}

// Key returns the phonetic key of a name: case, diacritics, script and the
// usual transliteration variants folded away, generic words (oblast, region,
// city, district …) and Russian adjectival endings dropped, and separators
// removed. Two spellings of one name give the same key; the key is only for
// comparison, never for display. Key(Key(s)) == Key(s).
func Key(s string) string {
	k := key(s)
	// key is built to be idempotent; the loop guards against exotic Unicode
	// whose case mapping or decomposition changes on a second pass.
	for i := 0; i < 4; i++ {
		k2 := key(k)
		if k2 == k {
			return k
		}
		k = k2
	}
	return k
}

func key(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "")
	}
	toks := tokens(s)
	if len(toks) == 0 {
		return ""
	}
	folded := make([]string, 0, len(toks))
	for _, t := range toks {
		if f := fold(t); f != "" {
			folded = append(folded, f)
		}
	}
	// Generic words go only when something else is left: "City" alone is a name.
	kept := folded[:0:0]
	for _, f := range folded {
		if stopwords[f] == "" {
			kept = append(kept, f)
		}
	}
	if len(kept) == 0 {
		kept = folded
	}
	var b strings.Builder
	for _, f := range kept {
		b.WriteString(stem(f))
	}
	return collapse(b.String())
}

// tokens splits s into words of letters and digits, lower-cased, with
// diacritics stripped. Apostrophes and combining marks do not split a word
// (Gur'yev, Nursultan), other punctuation and spaces do (Nur-Sultan).
func tokens(s string) []string {
	s = norm.NFD.String(digraphs.Replace(s))
	var out []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			out = append(out, b.String())
			b.Reset()
		}
	}
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r), r == '\'', r == '’', r == 'ʼ', r == 'ʹ', r == '`':
			continue
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		default:
			flush()
		}
	}
	flush()
	return out
}

// fold transliterates one lower-case word to Latin and collapses spelling
// variants.
func fold(w string) string {
	var b strings.Builder
	b.Grow(len(w) + 4)
	rs := []rune(w)
	for i, r := range rs {
		// A soft or hard sign before a vowel is heard as y (Гурьев, Guryev).
		if (r == 'ь' || r == 'ъ') && i+1 < len(rs) && strings.ContainsRune("еёюяи", rs[i+1]) {
			b.WriteByte('i')
			continue
		}
		if t, ok := cyrillic[r]; ok {
			b.WriteString(t)
			continue
		}
		if t, ok := latin[r]; ok {
			b.WriteString(t)
			continue
		}
		b.WriteRune(r)
	}
	f := collapse(b.String())
	// A word-initial "ie" is Russian е written "ye" (Yessik, Есик).
	if strings.HasPrefix(f, "ie") && len(f) > 2 {
		f = f[1:]
	}
	return f
}

func isVowel(c byte) bool {
	switch c {
	case 'a', 'e', 'i', 'o', 'u':
		return true
	}
	return false
}

// collapse applies the shrinking rewrite rules until none applies: dzh → zh,
// gh → g, kh → h, shch → sh, ou → u, an i between two vowels dropped
// (Tokayev → tokaev), doubled letters single.
func collapse(s string) string {
	for {
		t := collapseOnce(s)
		if t == s {
			return s
		}
		s = t
	}
}

func collapseOnce(s string) string {
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			// Copy a non-ASCII rune whole: it takes no part in the rules.
			_, n := utf8.DecodeRuneInString(s[i:])
			b = append(b, s[i:i+n]...)
			i += n - 1
			continue
		}
		rest := s[i:]
		switch {
		case strings.HasPrefix(rest, "dzh"):
			b = append(b, 'z', 'h')
			i += 2
			continue
		case strings.HasPrefix(rest, "shch"):
			b = append(b, 's', 'h')
			i += 3
			continue
		case strings.HasPrefix(rest, "gh"):
			b = append(b, 'g')
			i++
			continue
		case strings.HasPrefix(rest, "kh"):
			b = append(b, 'h')
			i++
			continue
		case strings.HasPrefix(rest, "ou"):
			b = append(b, 'u')
			i++
			continue
		}
		if c == 'i' && len(b) > 0 && isVowel(b[len(b)-1]) && i+1 < len(s) && isVowel(s[i+1]) {
			continue
		}
		if len(b) > 0 && b[len(b)-1] == c {
			continue
		}
		b = append(b, c)
	}
	return string(b)
}

// stem drops a Russian adjectival ending and then any final vowels, so that
// Алматинская, Almaty and Алматы meet at "almat". Final vowels stay when
// dropping them would leave fewer than minStem letters: Abay stays "abai",
// not "ab", which would match half the country as a substring.
func stem(w string) string {
	w = w[:len(w)-len(adjectiveEnding(w))]
	s := w
	for len(s) > 0 && isVowel(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	if len(s) < minStem {
		return w
	}
	return s
}

// adjectiveEnding returns the Russian adjectival ending of the folded word w,
// or "" when it has none or dropping it would leave fewer than minStem letters.
func adjectiveEnding(w string) string {
	for _, suf := range suffixes {
		if len(w) >= len(suf)+minStem && strings.HasSuffix(w, suf) {
			return suf
		}
	}
	return ""
}

// minStem is the shortest stem that stem cuts a word down to.
const minStem = 3
