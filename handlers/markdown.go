package handlers

import (
	"html/template"
	"strings"
)

// markdownHTML renders the little Markdown that collection descriptions use
// as safe HTML: `code`, **strong**, *emphasis* and [text](url) links whose
// url is http or https. Everything else, HTML included, is escaped text; a
// marker with no closing partner stays as it was written.
func markdownHTML(s string) template.HTML {
	var b strings.Builder
	mdInline(&b, s)
	return template.HTML(b.String())
}

// markdownText is s with the same markup removed, for plain-text places
// (the page title, attributes).
func markdownText(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); {
		switch {
		case s[i] == '`':
			if j := strings.IndexByte(s[i+1:], '`'); j > 0 {
				b.WriteString(s[i+1 : i+1+j])
				i += j + 2
				continue
			}
		case strings.HasPrefix(s[i:], "**"):
			if j := strings.Index(s[i+2:], "**"); j > 0 {
				b.WriteString(markdownText(s[i+2 : i+2+j]))
				i += j + 4
				continue
			}
		case s[i] == '*':
			if j := closeEm(s[i+1:]); j > 0 {
				b.WriteString(markdownText(s[i+1 : i+1+j]))
				i += j + 2
				continue
			}
		case s[i] == '[':
			if text, _, n := mdLink(s[i:]); n > 0 {
				b.WriteString(markdownText(text))
				i += n
				continue
			}
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

func mdInline(b *strings.Builder, s string) {
	for i := 0; i < len(s); {
		switch {
		case s[i] == '`':
			if j := strings.IndexByte(s[i+1:], '`'); j > 0 {
				b.WriteString("<code>")
				b.WriteString(template.HTMLEscapeString(s[i+1 : i+1+j]))
				b.WriteString("</code>")
				i += j + 2
				continue
			}
		case strings.HasPrefix(s[i:], "**"):
			if j := strings.Index(s[i+2:], "**"); j > 0 {
				b.WriteString("<strong>")
				mdInline(b, s[i+2:i+2+j])
				b.WriteString("</strong>")
				i += j + 4
				continue
			}
		case s[i] == '*':
			if j := closeEm(s[i+1:]); j > 0 {
				b.WriteString("<em>")
				mdInline(b, s[i+1:i+1+j])
				b.WriteString("</em>")
				i += j + 2
				continue
			}
		case s[i] == '[':
			if text, url, n := mdLink(s[i:]); n > 0 {
				b.WriteString(`<a href="`)
				b.WriteString(template.HTMLEscapeString(url))
				b.WriteString(`">`)
				mdInline(b, text)
				b.WriteString("</a>")
				i += n
				continue
			}
		}
		// Escape one whole UTF-8 sequence at a time.
		j := i + 1
		for j < len(s) && s[j]&0xC0 == 0x80 {
			j++
		}
		b.WriteString(template.HTMLEscapeString(s[i:j]))
		i = j
	}
}

// closeEm finds the closing * of an emphasis opened just before s: the text
// must not start or end with a space (so "2 * 3 * 4" stays as written).
func closeEm(s string) int {
	if s == "" || s[0] == ' ' || s[0] == '*' {
		return -1
	}
	j := strings.IndexByte(s, '*')
	if j <= 0 || s[j-1] == ' ' {
		return -1
	}
	return j
}

// mdLink reads [text](url) at the start of s, url http or https with no
// space; n is the length read, 0 when s does not start with such a link.
func mdLink(s string) (text, url string, n int) {
	end := strings.Index(s, "](")
	if end < 1 {
		return "", "", 0
	}
	close := strings.IndexByte(s[end+2:], ')')
	if close < 1 {
		return "", "", 0
	}
	text, url = s[1:end], s[end+2:end+2+close]
	if strings.ContainsAny(text, "[]") || strings.ContainsAny(url, " \t\n\"'<>") ||
		!(strings.HasPrefix(url, "https://") || strings.HasPrefix(url, "http://")) {
		return "", "", 0
	}
	return text, url, end + 3 + close
}
