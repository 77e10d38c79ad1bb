package e2e

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"kzmap/handlers"
)

// hostileToken is the write token the hostile server is started with.
const hostileToken = "hostile-test-token"

// hostile is one request that a careless or malicious client might send, and
// the answer the contract prescribes.
type hostile struct {
	name    string
	method  string
	target  string // sent as is on the request line: may hold anything
	header  []string
	body    []byte
	chunked bool // send the body without Content-Length
	status  int
	ctype   string // Content-Type of the answer; 4xx are always problem+json
}

const (
	geojson = "application/geo+json"
	jsonCT  = "application/json"
	problem = "application/problem+json"
)

func hostileRequests() []hostile {
	big := strings.Repeat("x", 100<<10)         // 100 KB
	twenty := bytes.Repeat([]byte(" "), 20<<20) // 20 MB of JSON whitespace
	feature := func(lon, lat string) []byte {
		return []byte(`{"type":"Feature","geometry":{"type":"Point","coordinates":[` + lon + `,` + lat + `]},"properties":{"title":"x"}}`)
	}
	auth := []string{"Authorization", "Bearer " + hostileToken, "Content-Type", geojson}
	items := "/collections/districts/items"
	bad := func(name, target string) hostile {
		return hostile{name: name, method: "GET", target: target, status: 400}
	}
	notFound := func(name, target string) hostile {
		return hostile{name: name, method: "GET", target: target, status: 404}
	}
	tile := func(name, target string, status int) hostile {
		return hostile{name: name, method: "GET", target: target, status: status}
	}
	write := func(name, method, target string, status int, body []byte, header ...string) hostile {
		return hostile{name: name, method: method, target: target, header: header, body: body, status: status}
	}
	return []hostile{
		// bbox
		bad("bbox letters", items+"?bbox=a,b,c,d"),
		bad("bbox empty", items+"?bbox="),
		bad("bbox NaN", items+"?bbox=NaN,40,60,50"),
		bad("bbox Inf", items+"?bbox=Inf,40,60,50"),
		bad("bbox -Infinity", items+"?bbox=-Infinity,40,60,50"),
		bad("bbox 1e309", items+"?bbox=1e309,40,60,50"),
		bad("bbox 3 numbers", items+"?bbox=50,40,60"),
		bad("bbox 5 numbers", items+"?bbox=50,40,60,50,1"),
		bad("bbox 7 numbers", items+"?bbox=1,2,3,4,5,6,7"),
		bad("bbox latitude 91", items+"?bbox=50,40,60,91"),
		bad("bbox longitude -181", items+"?bbox=-181,40,60,50"),
		bad("bbox south north of north", items+"?bbox=50,50,60,40"),
		bad("bbox empty numbers", items+"?bbox=,,,"),
		bad("bbox twice", items+"?bbox=50,40,60,50&bbox=50,40,60,50"),
		bad("bbox bad escape", items+"?bbox=%zz"),
		bad("bbox 100 KB", items+"?bbox="+big),
		bad("bbox 10000 numbers", items+"?bbox="+strings.Repeat("1,", 9999)+"1"),
		bad("bbox invalid UTF-8", items+"?bbox=%ff%fe,1,2,3"),
		// limit and offset
		bad("limit negative", items+"?limit=-1"),
		bad("limit zero", items+"?limit=0"),
		bad("limit letters", items+"?limit=abc"),
		bad("limit fraction", items+"?limit=1.5"),
		bad("limit NaN", items+"?limit=NaN"),
		bad("limit exponent", items+"?limit=1e3"),
		{name: "limit huge is clamped", method: "GET", target: items + "?limit=99999999999999999999999&properties=code", status: 200, ctype: geojson},
		bad("offset negative", items+"?offset=-5"),
		bad("offset huge", items+"?offset=99999999999"),
		bad("offset hex", items+"?offset=0x10"),
		// datetime
		bad("datetime word", "/collections/events/items?datetime=yesterday"),
		bad("datetime month 13", "/collections/events/items?datetime=2022-13-45"),
		bad("datetime reversed", "/collections/events/items?datetime=2022-01-10/2022-01-01"),
		bad("datetime two slashes", "/collections/events/items?datetime=a/b/c"),
		bad("datetime 100 KB", "/collections/events/items?datetime="+big),
		{name: "datetime QGIS extremes", method: "GET", target: "/collections/events/items?datetime=2022-01-07/9999-12-31T00:00:00Z", status: 200, ctype: geojson},
		// other parameters
		bad("unknown parameter", items+"?limt=5"),
		bad("unknown parameter 100 KB", items+"?"+big+"=1"),
		bad("5000 parameters", items+"?"+strings.Repeat("a=1&", 5000)),
		bad("format xml", items+"?f=xml"),
		bad("properties invalid UTF-8", items+"?properties=%ff"),
		bad("parameter name bad escape", items+"?%zz=1"),
		bad("filter value invalid UTF-8", items+"?region=%c3%28"),
		// look-ups
		bad("lookup letters", "/lookup?lon=abc&lat=45"),
		bad("lookup NaN", "/lookup?lon=NaN&lat=45"),
		bad("lookup Infinity", "/lookup?lon=Infinity&lat=45"),
		bad("lookup 1e400", "/lookup?lon=1e400&lat=45"),
		bad("lookup longitude 181", "/lookup?lon=181&lat=45"),
		bad("lookup latitude 91", "/lookup?lon=60&lat=91"),
		bad("lookup lat missing", "/lookup?lon=60"),
		bad("lookup empty", "/lookup"),
		bad("collection lookup latitude -91", "/collections/districts/lookup?lon=60&lat=-91"),
		{name: "lookup outside Kazakhstan", method: "GET", target: "/lookup?lon=0&lat=0", status: 200, ctype: jsonCT},
		// search
		bad("search empty", "/search?q="),
		bad("search blank", "/search?q=%20%20"),
		bad("search invalid UTF-8", "/search?q=%ff"),
		bad("search NUL", "/search?q=a%00b"),
		bad("search 300 characters", "/search?q="+strings.Repeat("a", 300)),
		bad("search 100 KB", "/search?q="+big),
		bad("search twice", "/search?q=a&q=b"),
		bad("search limit negative", "/search?q=Almaty&limit=-3"),
		// paths
		notFound("unknown collection", "/collections/nope"),
		notFound("unknown collection items", "/collections/nope/items"),
		notFound("unknown feature", items+"/NOPE"),
		notFound("traversal", "/../../etc/passwd"),
		notFound("traversal escaped", "/collections/..%2f..%2fetc%2fpasswd"),
		notFound("traversal feature id", items+"/..%2F..%2F..%2Fetc%2Fpasswd"),
		notFound("traversal assets", "/assets/../../go.mod"),
		notFound("traversal assets escaped", "/assets/..%2f..%2fgo.mod"),
		notFound("traversal double escaped", "/assets/%252e%252e%252fgo.mod"),
		notFound("invalid UTF-8 escaped", "/collections/%ff%fe/items"),
		notFound("invalid UTF-8 raw", "/collections/\xff\xfe/items"),
		notFound("8 KB path", "/"+strings.Repeat("a", 8<<10)),
		notFound("NUL in path", "/collections/regions%00/items"),
		// tiles
		tile("tile zoom 25", "/tiles/districts/25/0/0.mvt", 400),
		tile("tile zoom negative", "/tiles/districts/-1/0/0.mvt", 400),
		tile("tile x out of range", "/tiles/districts/2/4/0.mvt", 400),
		tile("tile y out of range", "/tiles/districts/2/0/9.mvt", 400),
		tile("tile letters", "/tiles/districts/a/b/c.mvt", 400),
		tile("tile zoom fraction", "/tiles/districts/1.5/0/0.mvt", 400),
		tile("tile zoom 2^64", "/tiles/districts/18446744073709551616/0/0.mvt", 400),
		tile("tile unknown collection", "/tiles/nope/0/0/0.mvt", 404),
		tile("tile traversal", "/tiles/..%2f..%2fetc/0/0/0.mvt", 404),
		tile("OGC tile row out of range", "/collections/districts/tiles/WebMercatorQuad/3/8/0", 400),
		{name: "tile garbage If-None-Match", method: "GET", target: "/tiles/districts/0/0/0.mvt", header: []string{"If-None-Match", "\"\xff<script>W/\"\"\""},
			status: 200, ctype: "application/vnd.mapbox-vector-tile"},
		// methods
		{name: "PATCH collections", method: "PATCH", target: "/collections", status: 405},
		{name: "DELETE collection metadata", method: "DELETE", target: "/collections/districts/lookup", status: 405},
		{name: "POST search", method: "POST", target: "/search?q=a", status: 405},
		{name: "TRACE landing", method: "TRACE", target: "/", status: 405},
		{name: "made-up method", method: "BREW", target: "/collections", status: 405},
		// bodies and writes
		{name: "GET with 20 MB body", method: "GET", target: "/collections", body: twenty, status: 413},
		write("20 MB feature", "POST", items, 413, twenty, auth...),
		{name: "20 MB feature chunked", method: "POST", target: items, header: auth, body: twenty, chunked: true, status: 413},
		write("20 MB with a bad token", "POST", items, 413, twenty, "Authorization", "Bearer wrong", "Content-Type", geojson),
		write("no token", "POST", items, 401, feature("60", "45"), "Content-Type", geojson),
		write("wrong token", "POST", items, 401, feature("60", "45"), "Authorization", "Bearer wrong", "Content-Type", geojson),
		write("empty bearer", "POST", items, 401, feature("60", "45"), "Authorization", "Bearer ", "Content-Type", geojson),
		write("basic auth", "POST", items, 401, feature("60", "45"), "Authorization", "Basic aG9zdGlsZTp0ZXN0", "Content-Type", geojson),
		write("token with CRLF junk", "PUT", items+"/KZ191000", 401, feature("60", "45"), "Authorization", "Bearer "+hostileToken+"x", "Content-Type", geojson),
		write("content type text/plain", "POST", items, 415, feature("60", "45"), "Authorization", "Bearer "+hostileToken, "Content-Type", "text/plain"),
		write("content type xml", "POST", items, 415, []byte("<Feature/>"), "Authorization", "Bearer "+hostileToken, "Content-Type", "application/xml"),
		write("content type form", "PUT", items+"/KZ191000", 415, []byte("a=b"), "Authorization", "Bearer "+hostileToken, "Content-Type", "application/x-www-form-urlencoded"),
		write("content type garbage", "POST", items, 415, feature("60", "45"), "Authorization", "Bearer "+hostileToken, "Content-Type", ";;;\xff"),
		write("malformed JSON", "POST", items, 400, []byte(`{"type":"Feature",`), auth...),
		write("JSON array", "POST", items, 400, []byte(`[1,2,3]`), auth...),
		write("NaN coordinate", "POST", items, 400, feature("NaN", "45"), auth...),
		write("latitude 95", "POST", items, 400, feature("60", "95"), auth...),
		write("huge number", "POST", items, 400, feature("1e999", "45"), auth...),
		write("invalid UTF-8 body", "PUT", items+"/KZ191000", 400, []byte("{\"type\":\"Feature\",\"properties\":{\"a\":\"\xff\"}"), auth...),
		write("title bytes FF FE", "POST", items, 400, []byte(`{"type":"Feature","geometry":{"type":"Point","coordinates":[71,45]},"properties":{"title":"`+"\xff\xfe"+`"}}`), auth...),
		write("deep nesting", "POST", items, 400, []byte(strings.Repeat("[", 100000)), auth...),
		write("delete unknown feature", "DELETE", items+"/NOPE", 404, nil, "Authorization", "Bearer "+hostileToken),
		write("post to unknown collection", "POST", "/collections/nope/items", 404, feature("60", "45"), auth...),
		// headers
		{name: "10 KB request id", method: "GET", target: "/healthz", header: []string{"X-Request-Id", strings.Repeat("r<>\"\xff", 2<<10)}, status: 200, ctype: jsonCT},
		{name: "garbage Accept", method: "GET", target: "/collections", header: []string{"Accept", "\xff/*;q=NaN, */*;q=-1, text/html;q=1e999"}, status: 200},
		{name: "HEAD unknown collection", method: "HEAD", target: "/collections/nope", status: 404},
	}
}

// TestHostileRequests sends the table to the real binary, checks each answer
// against the contract, then checks that the server is still alive and
// logged no panic.
func TestHostileRequests(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the server")
	}
	srv := startServer(t, []string{"KZMAP_TOKEN=" + hostileToken}, "--db", ":memory:")
	host := strings.TrimPrefix(srv.URL, "http://")
	requireCapabilities(t, srv.URL)

	cases := hostileRequests()
	require.GreaterOrEqual(t, len(cases), 80)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			want := tc.status
			resp, body, err := rawRequest(host, tc)
			require.NoError(t, err)
			ctype := resp.Header.Get("Content-Type")
			if resp.StatusCode != want {
				t.Fatalf("status %d, want %d (%s): %.300s", resp.StatusCode, want, ctype, body)
			}
			switch {
			case want >= 400:
				require.Equal(t, problem, ctype, "error answers are problem+json")
				if tc.method != "HEAD" {
					require.Contains(t, string(body), fmt.Sprintf(`"status":%d`, want))
				}
			case tc.ctype != "":
				require.True(t, strings.HasPrefix(ctype, tc.ctype), "content type %q, want %q", ctype, tc.ctype)
			}
			id := resp.Header.Get("X-Request-Id")
			require.NotEmpty(t, id)
			require.LessOrEqual(t, len(id), 64)
		})
	}

	// Still alive: the process runs and answers.
	require.NoError(t, syscall.Kill(srv.cmd.Process.Pid, 0), "server process gone")
	resp := getJSON(t, srv.URL+"/healthz", nil)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var cols struct{ Collections []any }
	getJSON(t, srv.URL+"/collections", &cols)
	require.NotEmpty(t, cols.Collections)
	time.Sleep(3 * handlers.LogFlushInterval) // the access log's last batch
	srv.mu.Lock()
	logs := srv.logs.String()
	srv.mu.Unlock()
	require.NotContains(t, logs, "panic serving request")
	require.NotContains(t, logs, `"status":500`)
}

// requireCapabilities fails the test unless the write endpoints (Allow
// lists POST, a token being configured) and the tile routes are there: the
// tests that use it expect both, and must not pass by finding less.
func requireCapabilities(t *testing.T, base string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodOptions, base+"/collections/events/items", nil)
	require.NoError(t, err)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Contains(t, resp.Header.Get("Allow"), "POST", "write endpoints")
	resp, err = http.Get(base + "/tiles/districts/0/0/0.mvt")
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode, "tile routes")
}

// rawRequest writes the request bytes itself, so that nothing on the client
// side cleans, escapes or refuses what the test means to send.
func rawRequest(host string, h hostile) (*http.Response, []byte, error) {
	conn, err := net.DialTimeout("tcp", host, 5*time.Second)
	if err != nil {
		return nil, nil, err
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(60 * time.Second))
	var head bytes.Buffer
	fmt.Fprintf(&head, "%s %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n", h.method, h.target, host)
	for i := 0; i+1 < len(h.header); i += 2 {
		fmt.Fprintf(&head, "%s: %s\r\n", h.header[i], h.header[i+1])
	}
	switch {
	case h.body == nil:
	case h.chunked:
		head.WriteString("Transfer-Encoding: chunked\r\n")
	default:
		fmt.Fprintf(&head, "Content-Length: %d\r\n", len(h.body))
	}
	head.WriteString("\r\n")
	// The server may answer (413) and close before the body is all sent:
	// write in the background and read the answer whatever happens to the
	// write.
	go func() {
		if _, err := conn.Write(head.Bytes()); err != nil {
			return
		}
		if h.body == nil {
			return
		}
		if h.chunked {
			for b := h.body; len(b) > 0; {
				n := min(len(b), 64<<10)
				if _, err := fmt.Fprintf(conn, "%x\r\n%s\r\n", n, b[:n]); err != nil {
					return
				}
				b = b[n:]
			}
			_, _ = io.WriteString(conn, "0\r\n\r\n")
			return
		}
		_, _ = conn.Write(h.body)
	}()
	req := &http.Request{Method: h.method, URL: &url.URL{Path: "/"}}
	resp, err := http.ReadResponse(bufio.NewReader(conn), req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}
