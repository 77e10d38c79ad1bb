package handlers

import "testing"

func TestMarkdownHTML(t *testing.T) {
	tests := []struct {
		name, in, html, text string
	}{
		{"plain", "Regions of 2022.", "Regions of 2022.", "Regions of 2022."},
		{"code", "see `precision`; marked `evidence: none`", "see <code>precision</code>; marked <code>evidence: none</code>", "see precision; marked evidence: none"},
		{"strong and em", "**bold** and *soft*", "<strong>bold</strong> and <em>soft</em>", "bold and soft"},
		{"link", "by [RFE/RL](https://www.rferl.org/a?b=1&c=2)", `by <a href="https://www.rferl.org/a?b=1&amp;c=2">RFE/RL</a>`, "by RFE/RL"},
		{"javascript link stays text", "[x](javascript:alert(1))", "[x](javascript:alert(1))", "[x](javascript:alert(1))"},
		{"html escaped", `<script>alert("x")</script> & co`, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; co", `<script>alert("x")</script> & co`},
		{"html inside code", "`<b>`", "<code>&lt;b&gt;</code>", "<b>"},
		{"html inside link text", "[<i>](http://x.example/)", `<a href="http://x.example/">&lt;i&gt;</a>`, "<i>"},
		{"quote in url refused", `[a](http://x"onmouseover=1)`, "[a](http://x&#34;onmouseover=1)", `[a](http://x"onmouseover=1)`},
		{"unclosed markers", "a ` b * c ** d [e](", "a ` b * c ** d [e](", "a ` b * c ** d [e]("},
		{"arithmetic is not emphasis", "2 * 3 * 4", "2 * 3 * 4", "2 * 3 * 4"},
		{"utf-8", "Нур-Султан `код`", "Нур-Султан <code>код</code>", "Нур-Султан код"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(markdownHTML(tt.in)); got != tt.html {
				t.Errorf("markdownHTML(%q) = %q, want %q", tt.in, got, tt.html)
			}
			if got := markdownText(tt.in); got != tt.text {
				t.Errorf("markdownText(%q) = %q, want %q", tt.in, got, tt.text)
			}
		})
	}
}
