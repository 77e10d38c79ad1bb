package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdpfetch "github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/stretchr/testify/require"
)

// The map page, in a real headless Chromium, against the real binary, with
// no network beyond loopback. Budgets from the issue: interactive within
// 1.5 s, first load (page, scripts, styles, data, tiles) under 1 MB on the wire.
const (
	budgetInteractive = 1500 * time.Millisecond
	budgetFirstLoad   = 1 << 20
)

// needChromium returns Chromium's path; CI installs it (.ci/run), so there
// its absence is a failure, not a skip.
func needChromium(t *testing.T) string {
	t.Helper()
	// The real binary first: Debian's /usr/bin/chromium is a wrapper script.
	for _, p := range []string{"/usr/lib/chromium/chromium"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium not installed (CI installs it in .ci/run)")
	}
	t.Skip("chromium not installed (apt-get install chromium)")
	return ""
}

// artifactsDir is where the screenshots go: $KZMAP_ARTIFACTS, or
// testdata-out/browser at the repository root (git-ignored).
func artifactsDir(t *testing.T) string {
	t.Helper()
	d := os.Getenv("KZMAP_ARTIFACTS")
	if d == "" {
		d = filepath.Join("..", "testdata-out", "browser")
	}
	require.NoError(t, os.MkdirAll(d, 0o755))
	abs, err := filepath.Abs(d)
	require.NoError(t, err)
	return abs
}

// pageWatch records what a page did on the network and in its console.
type pageWatch struct {
	mu       sync.Mutex
	problems []string // console errors, exceptions, failed or outside requests
	requests map[network.RequestID]string
	bytes    int64 // encoded (on the wire) bytes of finished requests
	finished int
}

func (w *pageWatch) add(format string, args ...any) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.problems = append(w.problems, fmt.Sprintf(format, args...))
}

func (w *pageWatch) snapshot() (problems []string, bytes int64, finished int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.problems), w.bytes, w.finished
}

func (w *pageWatch) reset() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.bytes, w.finished = 0, 0
}

func isLoopback(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	switch u.Scheme {
	case "data", "blob", "about":
		return true
	}
	h := u.Hostname()
	return h == "127.0.0.1" || h == "localhost" || h == "::1"
}

// watch listens to one tab: every request that is not to loopback is
// refused (Fetch interception) and counted as a problem; so are failed
// requests, HTTP errors, console errors and uncaught exceptions.
func watch(t *testing.T, ctx context.Context, w *pageWatch) {
	t.Helper()
	w.mu.Lock()
	if w.requests == nil {
		w.requests = map[network.RequestID]string{}
	}
	w.mu.Unlock()
	require.NoError(t, chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *cdpfetch.EventRequestPaused:
			// The listener must not send commands itself.
			id, u := ev.RequestID, ev.Request.URL
			go func() {
				if isLoopback(u) {
					_, _ = chromedp.Call(ctx, cdpfetch.ContinueRequest, cdpfetch.ContinueRequestParams{RequestID: id})
					return
				}
				w.add("request outside loopback: %s", u)
				_, _ = chromedp.Call(ctx, cdpfetch.FailRequest, cdpfetch.FailRequestParams{RequestID: id, ErrorReason: network.ErrorReasonBlockedByClient})
			}()
		case *network.EventRequestWillBeSent:
			w.mu.Lock()
			w.requests[ev.RequestID] = ev.Request.URL
			w.mu.Unlock()
		case *network.EventResponseReceived:
			if ev.Response.Status >= 400 {
				w.add("HTTP %d for %s", ev.Response.Status, ev.Response.URL)
			}
		case *network.EventLoadingFinished:
			w.mu.Lock()
			w.bytes += int64(ev.EncodedDataLength)
			w.finished++
			w.mu.Unlock()
		case *network.EventLoadingFailed:
			if ev.Canceled { // a tile that left the view: not a failure
				return
			}
			w.mu.Lock()
			u := w.requests[ev.RequestID]
			w.mu.Unlock()
			w.add("request failed: %s: %s %s", u, ev.ErrorText, ev.BlockedReason)
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
				var parts []string
				for _, a := range ev.Args {
					parts = append(parts, string(a.Value)+a.Description)
				}
				w.add("console.%s: %s", ev.Type, strings.Join(parts, " "))
			}
		case *runtime.EventExceptionThrown:
			d := ev.ExceptionDetails
			msg := d.Text
			if d.Exception != nil {
				msg += " " + d.Exception.Description
			}
			w.add("uncaught exception: %s (%s:%d)", msg, d.URL, d.LineNumber)
		case *log.EventEntryAdded:
			if ev.Entry.Level == log.EntryLevelError {
				w.add("browser log error: %s %s", ev.Entry.Text, ev.Entry.URL)
			}
		}
	}))
}

// newTab opens a tab with the watch on and the viewport set; the context it
// returns limits every later action to two minutes.
func newTab(t *testing.T, browser context.Context, w *pageWatch, width, height int64, mobile bool) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser)
	t.Cleanup(cancel)
	require.NoError(t, chromedp.Do(ctx), "open tab")
	watch(t, ctx, w)
	scale := 1.0
	if mobile {
		scale = 2
	}
	for _, err := range []error{
		call(ctx, network.Enable, network.EnableParams{}),
		call(ctx, runtime.Enable, cdp.Empty{}),
		call(ctx, log.Enable, cdp.Empty{}),
		call(ctx, cdpfetch.Enable, cdpfetch.EnableParams{}),
		call(ctx, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true}),
		call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{
			Width: width, Height: height, DeviceScaleFactor: scale, Mobile: mobile}),
		call(ctx, emulation.SetTouchEmulationEnabled, emulation.SetTouchEmulationEnabledParams{Enabled: mobile}),
	} {
		require.NoError(t, err, "set up tab")
	}
	limited, cancelLimit := context.WithTimeout(ctx, 2*time.Minute)
	t.Cleanup(cancelLimit)
	return limited
}

func call[P, R any](ctx context.Context, cmd cdp.Command[P, R], params P) error {
	_, err := chromedp.Call(ctx, cmd, params)
	return err
}

// eval evaluates a script in the page and decodes its result.
func eval[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	require.NoError(t, err, "evaluate %.200s", expr)
	return v
}

// waitJS polls a JavaScript condition until it is true or d passes.
func waitJS(ctx context.Context, cond string, d time.Duration) error {
	deadline := time.Now().Add(d)
	for {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`Boolean(`+cond+`)`))
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("timed out after %v waiting for %s", d, cond)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

func cdRun(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	require.NoError(t, chromedp.Do(ctx, actions...), what)
}

// waitFor is an action that waits for a JavaScript condition.
func waitFor(cond string, d time.Duration) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, _ *chromedp.Target) error { return waitJS(ctx, cond, d) })
}

func text(t *testing.T, ctx context.Context, css string) string {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(css)))
	require.NoError(t, err, "text of %s", css)
	return v
}

func screenshot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	require.NoError(t, err, "screenshot "+name)
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, png, 0o644))
	t.Logf("screenshot: %s", p)
}

// loadMap opens the page and waits until the map says it is interactive
// (regions drawn, events loaded); it returns the page's own measure.
func loadMap(t *testing.T, ctx context.Context, pageURL string) time.Duration {
	t.Helper()
	cdRun(t, ctx, "load "+pageURL,
		chromedp.Navigate(pageURL),
		waitFor(`window.kzmap && window.kzmap.ready`, 30*time.Second))
	tti := eval[float64](t, ctx, `window.kzmap.tti`)
	return time.Duration(tti * float64(time.Millisecond))
}

// settle waits until the tile layers are idle after a view change.
func settle(t *testing.T, ctx context.Context) {
	t.Helper()
	cdRun(t, ctx, "settle",
		waitFor(`!Object.values(window.kzmap.layers).some(l => kzmap.map.hasLayer(l) && l.isLoading && l.isLoading())`, 15*time.Second),
		chromedp.Sleep(150*time.Millisecond))
}

type eventsFC struct {
	Features []struct {
		ID         string `json:"id"`
		Properties struct {
			Date   string  `json:"date"`
			Region *string `json:"region"`
		} `json:"properties"`
	} `json:"features"`
}

type lookupAns struct {
	Results []struct {
		Collection string            `json:"collection"`
		Feature    map[string]string `json:"feature"`
	} `json:"results"`
}

// regionAt asks the server which January 2022 region holds a point.
func regionAt(t *testing.T, base string, lat, lon float64) map[string]string {
	t.Helper()
	var ans lookupAns
	getJSON(t, fmt.Sprintf("%s/lookup?lon=%g&lat=%g", base, lon, lat), &ans)
	for _, r := range ans.Results {
		if r.Collection == "regions" {
			return r.Feature
		}
	}
	return nil
}

// startBrowser starts a headless Chromium that resolves nothing but
// loopback; it ends with the test.
func startBrowser(t *testing.T, chrome string) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chrome),
		chromedp.DisableGPU,
		// Nothing resolves but loopback, and no proxy is tried; the Fetch
		// interception in watch refuses anything else that slips through.
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"),
		chromedp.Flag("no-proxy-server", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-features", "Translate,OptimizationHints,MediaRouter,DialMediaRouteProvider"),
		chromedp.WindowSize(1280, 800),
	)
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox)
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancelAlloc)
	browser, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(cancelBrowser)
	require.NoError(t, chromedp.Do(browser), "start chromium")
	return browser
}

func TestBrowserMap(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test: not in -short")
	}
	chrome := needChromium(t)
	srv := startServer(t, nil, "--db", ":memory:")

	// The page must be built into the binary (make assets).
	req, err := http.NewRequest(http.MethodGet, srv.URL+"/", nil)
	require.NoError(t, err)
	req.Header.Set("Accept", "text/html")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode == http.StatusServiceUnavailable && strings.Contains(string(body), "not built") {
		if os.Getenv("CI") != "" {
			t.Fatal("the map is not built into the binary: assets/dist is committed; restore it or run `make assets`")
		}
		t.Skip("map not built: run `make assets`")
	}
	require.Equal(t, http.StatusOK, resp.StatusCode, "GET / as a browser: %.300s", body)

	// What the server says, to compare the page with.
	var all eventsFC
	getJSON(t, srv.URL+"/collections/events/items?limit=1000", &all)
	require.NotEmpty(t, all.Features)
	var jan2 eventsFC
	getJSON(t, srv.URL+"/collections/events/items?limit=1000&datetime=2022-01-02", &jan2)
	wantJan2 := []string{}
	wantCounts := map[string]float64{}
	for _, f := range jan2.Features {
		wantJan2 = append(wantJan2, f.ID)
		if f.Properties.Region != nil {
			wantCounts[*f.Properties.Region]++
		}
	}
	require.NotEmpty(t, wantJan2)
	require.Less(t, len(wantJan2), len(all.Features), "2 January must not hold every event, or the filter test proves nothing")
	slices.Sort(wantJan2)

	browser := startBrowser(t, chrome)

	dir := artifactsDir(t)
	pageURL := srv.URL + "/"
	w := &pageWatch{}

	// --- desktop: first load and its budgets
	desk := newTab(t, browser, w, 1280, 800, false)
	tti := loadMap(t, desk, pageURL)
	settle(t, desk)
	if tti > budgetInteractive {
		// One retry on a cold, busy CI machine; the budget holds for the second.
		t.Logf("first load interactive after %v; loading again", tti)
		w.reset()
		tti = loadMap(t, desk, pageURL)
		settle(t, desk)
	}
	_, firstBytes, firstReqs := w.snapshot()
	t.Logf("desktop: interactive after %v; first load %d requests, %d bytes (%.0f KB) on the wire",
		tti, firstReqs, firstBytes, float64(firstBytes)/1024)
	// Time is a speed target: asserted only in `make bench` (KZMAP_BENCH=1),
	// never in CI, where a busy machine would make it flaky. Its figure is
	// logged and kept in figures.json either way.
	if os.Getenv("KZMAP_BENCH") != "" {
		require.LessOrEqual(t, tti, budgetInteractive, "time to interactive")
	}
	require.Less(t, firstBytes, int64(budgetFirstLoad), "first load transfer")
	require.Positive(t, firstReqs)

	t.Run("regions drawn", func(t *testing.T) {
		// The region tiles that hold features, and whether their canvases
		// have coloured pixels: the shading was painted, not only fetched.
		drawn := eval[struct {
			Codes   int `json:"codes"`
			Tiles   int `json:"tiles"`
			Painted int `json:"painted"`
		}](t, desk, `(() => {
			const l = kzmap.layers.regions;
			const tiles = l.tiles().filter(t => t.features.length).map(t => t.canvas);
			let painted = 0;
			for (const c of tiles) {
				const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
				for (let i = 3; i < d.length; i += 4 * 97) { if (d[i] > 0) { painted++; break; } }
			}
			return {codes: l.seen().size, tiles: tiles.length, painted};
		})()`)
		require.Equal(t, 17, drawn.Codes, "regions of January 2022 met in the tiles")
		require.Positive(t, drawn.Tiles)
		require.Equal(t, drawn.Tiles, drawn.Painted, "every region tile is painted")
	})
	screenshot(t, desk, dir, "desktop-1280x800.png")

	t.Run("click on Almaty names Almaty", func(t *testing.T) {
		// A point inside Almaty city, away from its event markers; the server
		// confirms where it is.
		const lat, lon = 43.215, 76.85
		want := regionAt(t, srv.URL, lat, lon)
		require.Equal(t, "KZ75", want["code"], "test point is not in Almaty city")

		eval[bool](t, desk, fmt.Sprintf(`kzmap.map.setView([%g, %g], 10, {animate: false}); true`, lat, lon))
		settle(t, desk)
		pt := eval[struct{ X, Y float64 }](t, desk, fmt.Sprintf(`(() => {
			const p = kzmap.map.latLngToContainerPoint([%g, %g]);
			const r = kzmap.map.getContainer().getBoundingClientRect();
			return {X: r.left + p.x, Y: r.top + p.y};
		})()`, lat, lon))
		cdRun(t, desk, "click", chromedp.MouseClickXY(pt.X, pt.Y),
			chromedp.WaitVisible(chromedp.CSS(`#kz-panel .kz-lookup`)))
		got := text(t, desk, `#kz-panel .kz-lookup`)
		region := eval[string](t, desk, `document.querySelector('#kz-panel .kz-lookup').dataset.region`)
		require.Equal(t, "KZ75", region)
		for _, k := range []string{"name_en", "name_kk", "name_ru"} {
			require.Contains(t, got, want[k], "look-up panel lacks %s", k)
		}
		require.Contains(t, got, "Almaty")
		require.Contains(t, got, "In January 2022")
		require.Contains(t, got, "Today")
		screenshot(t, desk, dir, "desktop-lookup-almaty.png")
	})

	t.Run("search Manghystau lands on Mangystau", func(t *testing.T) {
		cdRun(t, desk, "type",
			chromedp.Click(chromedp.CSS(`#kz-q`)),
			chromedp.SendKeys(chromedp.CSS(`#kz-q`), "Manghystau"),
			chromedp.WaitVisible(chromedp.CSS(`#kz-results li[role=option]`)))
		first := text(t, desk, `#kz-results li[role=option]`)
		require.Contains(t, first, "Mangystau", "first result as typed")
		cdRun(t, desk, "choose", chromedp.SendKeys(chromedp.CSS(`#kz-q`), kb.Enter),
			waitFor(`kzmap.selected && kzmap.selected.code === 'KZ47' && !kzmap.flying`, 10*time.Second),
			chromedp.Sleep(300*time.Millisecond))
		c := eval[struct{ Lat, Lng float64 }](t, desk, `kzmap.map.getCenter()`)
		// Mangystau lies between about 41 and 46 N, 50 and 56 E, and the
		// server agrees the new centre is in it.
		require.True(t, c.Lat > 41 && c.Lat < 46.5 && c.Lng > 50 && c.Lng < 56.5, "map centre %+v is not over Mangystau", c)
		require.Equal(t, "KZ47", regionAt(t, srv.URL, c.Lat, c.Lng)["code"], "centre after the search")
		settle(t, desk)
		screenshot(t, desk, dir, "desktop-search-mangystau.png")
	})

	// Every day of the timeline shows, and shades by, what ?datetime= of that
	// day answers: events the article dates only to a span count on each of
	// its days, as the API's rule has it.
	t.Run("timeline every day as the API", func(t *testing.T) {
		eval[bool](t, desk, `kzmap.map.setView([48.3, 67], 5, {animate: false}); true`)
		spans := 0
		for d := 2; d <= 10; d++ {
			day := fmt.Sprintf("2022-01-%02d", d)
			var fc eventsFC
			getJSON(t, srv.URL+"/collections/events/items?limit=1000&datetime="+day, &fc)
			want, wantCounts := []string{}, map[string]float64{}
			for _, f := range fc.Features {
				want = append(want, f.ID)
				if f.Properties.Region != nil {
					wantCounts[*f.Properties.Region]++
				}
			}
			slices.Sort(want)
			cdRun(t, desk, "pick "+day,
				chromedp.Click(chromedp.CSS(`label[for="kz-day-`+day+`"]`)),
				waitFor(`kzmap.state.date === '`+day+`'`, 5*time.Second))
			require.Equal(t, want, eval[[]string](t, desk, `kzmap.visibleEvents().sort()`), "events on the map for %s", day)
			require.Equal(t, wantCounts, eval[map[string]float64](t, desk, `kzmap.counts()`), "region shading counts for %s", day)
			// The day's bar counts the same events.
			title := eval[string](t, desk, `document.querySelector('label[for="kz-day-`+day+`"]').title`)
			require.True(t, strings.Contains(title, fmt.Sprintf(": %d events,", len(want))), "bar of %s: %q, want %d events", day, title, len(want))
			spans += eval[int](t, desk, `document.querySelectorAll('.kz-marker-span').length`)
		}
		require.Positive(t, spans, "no marker was drawn as dated only to a span of days")
		// A marker of events dated only to a span says so in its popup.
		cdRun(t, desk, "open a span marker",
			chromedp.Click(chromedp.CSS(`.kz-marker-span`)),
			chromedp.WaitVisible(chromedp.CSS(`.kz-popup .kz-event`)))
		require.Contains(t, text(t, desk, `.kz-popup`), "sometime between")
		settle(t, desk)
		screenshot(t, desk, dir, "desktop-10-january-span.png")
		eval[bool](t, desk, `kzmap.map.closePopup(); true`)
		cdRun(t, desk, "close the popup", waitFor(`!document.querySelector('.kz-popup')`, 5*time.Second))
	})

	t.Run("timeline 2 January", func(t *testing.T) {
		eval[bool](t, desk, `kzmap.map.setView([48.3, 67], 5, {animate: false}); true`)
		cdRun(t, desk, "move the timeline",
			chromedp.Click(chromedp.CSS(`label[for="kz-day-2022-01-02"]`)),
			waitFor(`kzmap.state.date === '2022-01-02'`, 5*time.Second))
		got := eval[[]string](t, desk, `kzmap.visibleEvents().sort()`)
		require.Equal(t, wantJan2, got, "events on the map for 2 January")
		counts := eval[map[string]float64](t, desk, `kzmap.counts()`)
		require.Equal(t, wantCounts, counts, "region shading counts for 2 January")
		require.True(t, eval[bool](t, desk, `document.getElementById('kz-day-2022-01-02').checked`))
		// A popup of the nationwide events of 2 January: date, source, claim mark.
		cdRun(t, desk, "open the nationwide popup",
			chromedp.Click(chromedp.CSS(`.kz-marker-country`)),
			chromedp.WaitVisible(chromedp.CSS(`.kz-popup .kz-event`)))
		popup := text(t, desk, `.kz-popup`)
		require.Contains(t, popup, "2022")
		require.Contains(t, popup, "Source:")
		require.Contains(t, popup, "Claim — no evidence produced")
		// The screenshot shows a claim as a reader sees it.
		eval[bool](t, desk, `document.querySelector('.kz-popup .kz-claim').scrollIntoView({block: 'start'}); true`)
		settle(t, desk)
		screenshot(t, desk, dir, "desktop-2-january-popup.png")
	})

	t.Run("permalink restores the view", func(t *testing.T) {
		eval[bool](t, desk, `kzmap.map.closePopup(); kzmap.map.setView([47.5, 72.25], 6, {animate: false}); true`)
		eval[bool](t, desk, `document.querySelector('.leaflet-control-layers').classList.add('leaflet-control-layers-expanded'); true`)
		// Switch the 2024 boundaries on from the keyboard, through the layers
		// control, as a reader would: focus its check box and press space.
		eval[bool](t, desk, `[...document.querySelectorAll('.leaflet-control-layers label')].find(l => l.textContent.includes('Regions since 2022')).querySelector('input').focus(); true`)
		cdRun(t, desk, "switch on 2024 boundaries",
			chromedp.KeyEvent(" "),
			waitFor(`location.hash.includes('regions-2024') && location.hash.includes('z=6')`, 5*time.Second))
		settle(t, desk)
		screenshot(t, desk, dir, "desktop-2024-boundaries.png")
		link := eval[string](t, desk, `location.href`)
		t.Logf("permalink: %s", link)

		other := newTab(t, browser, w, 1280, 800, false)
		loadMap(t, other, link)
		view := eval[struct {
			Zoom   float64  `json:"zoom"`
			Lat    float64  `json:"lat"`
			Lng    float64  `json:"lng"`
			Date   string   `json:"date"`
			Layers []string `json:"layers"`
			On2024 bool     `json:"on2024"`
			Events []string `json:"events"`
		}](t, other, `(() => {
			const m = kzmap.map, c = m.getCenter();
			return {zoom: m.getZoom(), lat: c.lat, lng: c.lng, date: kzmap.state.date,
				layers: [...kzmap.state.layers].sort(), on2024: m.hasLayer(kzmap.layers.regions2024),
				events: kzmap.visibleEvents().sort()};
		})()`)
		require.Equal(t, 6.0, view.Zoom)
		require.InDelta(t, 47.5, view.Lat, 1e-3)
		require.InDelta(t, 72.25, view.Lng, 1e-3)
		require.Equal(t, "2022-01-02", view.Date)
		require.Equal(t, []string{"districts", "events", "regions", "regions-2024"}, view.Layers)
		require.True(t, view.On2024)
		require.Equal(t, wantJan2, view.Events)
	})

	t.Run("draw a box lists its features", func(t *testing.T) {
		eval[bool](t, desk, `kzmap.map.setView([43.5, 52.5], 6, {animate: false}); true`)
		settle(t, desk)
		// Turn drawing on with the keyboard, then drag with the mouse.
		eval[bool](t, desk, `document.querySelector('.kz-tools button[aria-pressed]').focus(); true`)
		cdRun(t, desk, "start drawing", chromedp.KeyEvent("\r"),
			waitFor(`document.querySelector('.kz-tools button[aria-pressed]').getAttribute('aria-pressed') === 'true'`, 5*time.Second))
		box := eval[struct{ X0, Y0, X1, Y1 float64 }](t, desk, `(() => {
			const r = kzmap.map.getContainer().getBoundingClientRect();
			const a = kzmap.map.latLngToContainerPoint([44.5, 51.0]), b = kzmap.map.latLngToContainerPoint([42.5, 54.0]);
			return {X0: r.left + a.x, Y0: r.top + a.y, X1: r.left + b.x, Y1: r.top + b.y};
		})()`)
		cdRun(t, desk, "drag a box",
			chromedp.MouseEvent(chromedp.MouseMoved, box.X0, box.Y0),
			chromedp.MouseEvent(chromedp.MousePressed, box.X0, box.Y0, chromedp.ButtonType(input.MouseButtonLeft), chromedp.ClickCount(1)),
			chromedp.MouseEvent(chromedp.MouseMoved, (box.X0+box.X1)/2, (box.Y0+box.Y1)/2, chromedp.ButtonType(input.MouseButtonLeft)),
			chromedp.MouseEvent(chromedp.MouseMoved, box.X1, box.Y1, chromedp.ButtonType(input.MouseButtonLeft)),
			chromedp.MouseEvent(chromedp.MouseReleased, box.X1, box.Y1, chromedp.ButtonType(input.MouseButtonLeft), chromedp.ClickCount(1)),
			waitFor(`document.querySelector('#kz-panel .kz-selection') && !document.querySelector('.kz-selection button').disabled`, 10*time.Second))
		got := eval[struct {
			BBox  string   `json:"bbox"`
			Names []string `json:"names"`
		}](t, desk, `({bbox: document.querySelector('.kz-selection .kz-muted').textContent.replace('bbox=', ''),
			names: [...document.querySelectorAll('.kz-sel-list li')].map(li => li.textContent)})`)
		var want struct {
			NumberMatched int `json:"numberMatched"`
			Features      []struct {
				Properties struct {
					NameEN string `json:"name_en"`
				} `json:"properties"`
			} `json:"features"`
		}
		getJSON(t, srv.URL+"/collections/districts/items?limit=10000&bbox="+got.BBox, &want)
		require.Positive(t, want.NumberMatched)
		require.Len(t, got.Names, want.NumberMatched, "districts listed for bbox %s", got.BBox)
		for i, f := range want.Features {
			require.Equal(t, f.Properties.NameEN, got.Names[i])
		}
		screenshot(t, desk, dir, "desktop-box-selection.png")
	})

	t.Run("phone", func(t *testing.T) {
		phone := newTab(t, browser, w, 390, 844, true)
		tti := loadMap(t, phone, pageURL)
		settle(t, phone)
		t.Logf("phone: interactive after %v", tti)
		layout := eval[struct {
			ScrollW  float64 `json:"scrollW"`
			Search   float64 `json:"search"`
			Timeline float64 `json:"timeline"`
			TimeTop  float64 `json:"timeTop"`
			DayW     float64 `json:"dayW"`
		}](t, phone, `(() => {
			const r = (s) => document.querySelector(s).getBoundingClientRect();
			return {scrollW: document.documentElement.scrollWidth, search: r('#kz-q').right,
				timeline: r('.kz-days').right, timeTop: r('.kz-timeline').bottom,
				dayW: r('label[for="kz-day-2022-01-05"]').width};
		})()`)
		require.LessOrEqual(t, layout.ScrollW, 390.0, "no sideways scrolling")
		require.LessOrEqual(t, layout.Search, 390.0)
		require.LessOrEqual(t, layout.Timeline, 390.0)
		require.LessOrEqual(t, layout.TimeTop, 844.0)
		require.GreaterOrEqual(t, layout.DayW, 24.0, "timeline days big enough to tap")
		screenshot(t, phone, dir, "phone-390x844.png")
		// The look-up panel as a bottom sheet.
		cdRun(t, phone, "look up the centre",
			chromedp.Click(chromedp.CSS(`.kz-tools button`)),
			chromedp.WaitVisible(chromedp.CSS(`#kz-panel .kz-lookup`)))
		screenshot(t, phone, dir, "phone-lookup.png")
	})

	t.Run("online base map unreachable", func(t *testing.T) {
		// Its own watch: here requests to the outside are expected, and
		// refused; the page must stay whole and say why the base map is blank.
		ow := &pageWatch{}
		tab := newTab(t, browser, ow, 1280, 800, false)
		loadMap(t, tab, pageURL+"#z=5&ll=48.3,67&l=regions,events,osm")
		cdRun(t, tab, "base map fails",
			waitFor(`!document.querySelector('.kz-notice').hidden`, 15*time.Second))
		require.True(t, eval[bool](t, tab, `kzmap.map.hasLayer(kzmap.layers.osm) && kzmap.layers.regions.seen().size === 17`))
		screenshot(t, tab, dir, "desktop-basemap-offline.png")
		problems, _, _ := ow.snapshot()
		outside := 0
		for _, p := range problems {
			switch {
			case strings.Contains(p, "tile.openstreetmap.org"):
				outside++ // the refused base map tiles
			default:
				t.Errorf("page problem with the base map off-line: %s", p)
			}
		}
		require.Positive(t, outside, "the base map was never requested")
	})

	problems, _, _ := w.snapshot()
	for _, p := range problems {
		t.Errorf("page problem: %s", p)
	}
	report, err := json.Marshal(map[string]any{
		"interactive_ms": tti.Milliseconds(), "first_load_bytes": firstBytes, "first_load_requests": firstReqs,
	})
	require.NoError(t, err)
	t.Logf("browser figures: %s", report)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "figures.json"), report, 0o644))
}
