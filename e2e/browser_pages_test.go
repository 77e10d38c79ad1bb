package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// The OGC API HTML pages in a real Chromium, with no network beyond
// loopback: the landing page, the collections, every default collection's
// page and items page, and one feature's page, at desktop and phone sizes.
// Each must load with no console error; the map of an items or feature page
// must draw exactly the features its table lists; no Markdown may show as
// raw characters; and the lines a collection page offers to paste into
// QGIS, GDAL and Python must name URLs that answer.
func TestBrowserPages(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test: not in -short")
	}
	chrome := needChromium(t)
	srv := startServer(t, nil, "--db", ":memory:")

	var cols struct {
		Collections []struct {
			ID string `json:"id"`
		} `json:"collections"`
	}
	getJSON(t, srv.URL+"/collections", &cols)
	require.NotEmpty(t, cols.Collections)
	var districts eventsFC
	getJSON(t, srv.URL+"/collections/districts/items?limit=1", &districts)
	require.Len(t, districts.Features, 1)
	featureURL := srv.URL + "/collections/districts/items/" + districts.Features[0].ID + "?f=html"

	type page struct {
		name, url, kind string // kind: map (the web map), list, collection, items, item
		shot            bool   // screenshot at both sizes
	}
	pages := []page{
		{"landing", srv.URL + "/?f=html", "map", true},
		{"collections", srv.URL + "/collections?f=html", "list", true},
	}
	for _, c := range cols.Collections {
		pages = append(pages,
			page{"collection-" + c.ID, srv.URL + "/collections/" + c.ID + "?f=html", "collection", c.ID == "events"},
			page{"items-" + c.ID, srv.URL + "/collections/" + c.ID + "/items?f=html", "items", c.ID == "districts" || c.ID == "events"})
	}
	pages = append(pages, page{"item", featureURL, "item", true},
		page{"search", srv.URL + "/search?q=Almaty&f=html", "items", true})

	browser := startBrowser(t, chrome)
	dir := artifactsDir(t)
	sizes := []struct {
		name          string
		width, height int64
		mobile        bool
	}{{"desktop", 1280, 800, false}, {"phone", 390, 844, true}}
	for _, size := range sizes {
		t.Run(size.name, func(t *testing.T) {
			w := &pageWatch{}
			tab := newTab(t, browser, w, size.width, size.height, size.mobile)
			for _, p := range pages {
				t.Run(p.name, func(t *testing.T) {
					openPage(t, tab, p.url, p.kind)
					switch p.kind {
					case "items", "item":
						checkDrawn(t, tab, p.kind)
					case "collection":
						if size.name == "desktop" {
							checkPasteable(t, tab, srv.URL)
						}
					}
					if p.kind != "map" {
						checkNoMarkdown(t, tab)
					}
					if p.shot {
						screenshot(t, tab, dir, fmt.Sprintf("page-%s-%s.png", p.name, size.name))
						// What is below the first screen, too: the table, or
						// the lines to paste.
						if below := map[string]string{"items": ".kz-tablewrap", "item": ".kz-tablewrap", "collection": ".kz-open"}[p.kind]; below != "" {
							cdRun(t, tab, "scroll", chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, document.querySelector('`+below+`').getBoundingClientRect().top + window.scrollY - 60)`),
								chromedp.Sleep(200*time.Millisecond))
							screenshot(t, tab, dir, fmt.Sprintf("page-%s-%s-below.png", p.name, size.name))
						}
					}
					problems, _, _ := w.snapshot()
					require.Empty(t, problems, "%s: console errors, failed or outside requests", p.url)
				})
			}
		})
	}

	// The filter form asks for the URL a client would write, and its answer
	// lists what the JSON answer to the same query lists.
	t.Run("filter form", func(t *testing.T) {
		w := &pageWatch{}
		tab := newTab(t, browser, w, 1280, 800, false)
		openPage(t, tab, srv.URL+"/collections/events/items?f=html", "items")
		cdRun(t, tab, "fill in datetime and submit",
			chromedp.SetValue(chromedp.CSS(`#kz-datetime`), "2022-01-02"),
			chromedp.Evaluate[chromedp.Void](`document.querySelector('#kz-filter button[type=submit]').click()`),
			waitFor(`location.search.includes('datetime=')`, 10*time.Second))
		openPage(t, tab, "", "items")
		got := eval[string](t, tab, `location.href`)
		require.Equal(t, srv.URL+"/collections/events/items?f=html&datetime=2022-01-02&limit=10", got, "the form's URL")
		var jan2 eventsFC
		getJSON(t, srv.URL+"/collections/events/items?datetime=2022-01-02&limit=10", &jan2)
		var want []string
		for _, f := range jan2.Features {
			want = append(want, f.ID)
		}
		rows := eval[[]string](t, tab, `[...document.querySelectorAll('tr[data-fid]')].map(r => r.dataset.fid)`)
		require.Equal(t, want, rows, "the rows are the JSON answer's features")
		checkDrawn(t, tab, "items")

		// A bbox drawn on the map: around Almaty.
		openPage(t, tab, srv.URL+"/collections/events/items?f=html&limit=100", "items")
		cdRun(t, tab, "start drawing",
			chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0); kzpage.map.setView([43.3, 76.9], 8, {animate: false}); document.getElementById('kz-draw').click()`),
			waitFor(`document.getElementById('kz-draw').getAttribute('aria-pressed') === 'true'`, 5*time.Second),
			chromedp.Sleep(500*time.Millisecond))
		box := eval[struct{ X0, Y0, X1, Y1 float64 }](t, tab, `(() => {
			const m = kzpage.map, r = m.getContainer().getBoundingClientRect();
			const a = m.latLngToContainerPoint([43.6, 76.4]), b = m.latLngToContainerPoint([43.0, 77.4]);
			return {X0: r.left + a.x, Y0: r.top + a.y, X1: r.left + b.x, Y1: r.top + b.y};
		})()`)
		cdRun(t, tab, "drag a box",
			chromedp.MouseEvent(chromedp.MouseMoved, box.X0, box.Y0),
			chromedp.MouseEvent(chromedp.MousePressed, box.X0, box.Y0, chromedp.ButtonType(input.MouseButtonLeft), chromedp.ClickCount(1)),
			chromedp.MouseEvent(chromedp.MouseMoved, (box.X0+box.X1)/2, (box.Y0+box.Y1)/2, chromedp.ButtonType(input.MouseButtonLeft)),
			chromedp.MouseEvent(chromedp.MouseMoved, box.X1, box.Y1, chromedp.ButtonType(input.MouseButtonLeft)),
			chromedp.MouseEvent(chromedp.MouseReleased, box.X1, box.Y1, chromedp.ButtonType(input.MouseButtonLeft), chromedp.ClickCount(1)),
			waitFor(`document.getElementById('kz-bbox').value !== ''`, 5*time.Second))
		bbox := eval[string](t, tab, `document.getElementById('kz-bbox').value`)
		require.Regexp(t, `^76\.\d{4},43\.\d{4},77\.\d{4},43\.\d{4}$`, bbox, "the drawn bbox")
		cdRun(t, tab, "submit the bbox",
			chromedp.Evaluate[chromedp.Void](`document.querySelector('#kz-filter button[type=submit]').click()`),
			waitFor(`location.search.includes('bbox=')`, 10*time.Second))
		openPage(t, tab, "", "items")
		require.Equal(t, srv.URL+"/collections/events/items?f=html&bbox="+url.QueryEscape(bbox)+"&limit=100", eval[string](t, tab, `location.href`))
		var inBox eventsFC
		getJSON(t, srv.URL+"/collections/events/items?limit=100&bbox="+bbox, &inBox)
		want = nil
		for _, f := range inBox.Features {
			want = append(want, f.ID)
		}
		require.NotEmpty(t, want, "events near Almaty")
		require.Less(t, len(want), 28, "the box must select some events away")
		rows = eval[[]string](t, tab, `[...document.querySelectorAll('tr[data-fid]')].map(r => r.dataset.fid)`)
		require.Equal(t, want, rows, "the rows are the JSON answer's features")
		checkDrawn(t, tab, "items")
		screenshot(t, tab, dir, "page-items-events-bbox-desktop.png")

		// Next page, from the pager, keeps the filter.
		openPage(t, tab, srv.URL+"/collections/districts/items?f=html&limit=10", "items")
		cdRun(t, tab, "next page",
			chromedp.Evaluate[chromedp.Void](`document.querySelector('.kz-pager a[rel=next]').click()`),
			waitFor(`location.search.includes('offset=10')`, 10*time.Second))
		openPage(t, tab, "", "items")
		require.Equal(t, "11", eval[string](t, tab, `document.querySelector('.kz-count').textContent.split('–')[0].trim()`))
		checkDrawn(t, tab, "items")
		problems, _, _ := w.snapshot()
		require.Empty(t, problems)
	})
}

// openPage loads a page (or, with no URL, waits for the one being loaded)
// and waits until its map, if any, is drawn and its tiles are in.
func openPage(t *testing.T, ctx context.Context, url, kind string) {
	t.Helper()
	var actions []chromedp.Action[chromedp.Void]
	if url != "" {
		actions = append(actions, chromedp.Navigate(url))
	}
	actions = append(actions, waitFor(`document.readyState === 'complete'`, 30*time.Second))
	switch kind {
	case "map":
		actions = append(actions, waitFor(`window.kzmap && window.kzmap.ready`, 30*time.Second))
	default:
		actions = append(actions,
			waitFor(`window.kzpage && window.kzpage.ready`, 30*time.Second),
			waitFor(`![...document.querySelectorAll('.leaflet-tile-container img')].some(i => !i.complete)`, 15*time.Second))
	}
	actions = append(actions, chromedp.Sleep(300*time.Millisecond))
	cdRun(t, ctx, "open "+url, actions...)
}

// checkDrawn compares the features drawn on the page's map (SVG elements
// tagged with their feature id) with the rows of its table: the same ids,
// every one drawn inside the map's view.
func checkDrawn(t *testing.T, ctx context.Context, kind string) {
	t.Helper()
	got := eval[struct {
		Rows    []string `json:"rows"`
		Drawn   []string `json:"drawn"`
		Outside []string `json:"outside"`
	}](t, ctx, `(() => {
		const rows = [...document.querySelectorAll('tr[data-fid]')].map(r => r.dataset.fid);
		const box = document.getElementById('kz-pagemap').getBoundingClientRect();
		const drawn = new Set(), outside = new Set();
		for (const e of document.querySelectorAll('#kz-pagemap [data-fid]')) {
			drawn.add(e.dataset.fid);
			const r = e.getBoundingClientRect();
			if (r.right < box.left || r.left > box.right || r.bottom < box.top || r.top > box.bottom) outside.add(e.dataset.fid);
		}
		return { rows, drawn: [...drawn], outside: [...outside] };
	})()`)
	drawn := slices.Sorted(slices.Values(got.Drawn))
	if kind == "item" {
		require.Len(t, drawn, 1, "a feature page draws its feature")
		return
	}
	rows := slices.Sorted(slices.Values(got.Rows))
	require.NotEmpty(t, rows)
	require.Equal(t, rows, drawn, "drawn features = table rows")
	require.Empty(t, got.Outside, "features drawn outside the map's view")
}

// checkNoMarkdown fails when the page's text shows Markdown's characters.
func checkNoMarkdown(t *testing.T, ctx context.Context) {
	t.Helper()
	txt := eval[string](t, ctx, `document.querySelector('main').innerText`)
	for _, raw := range []string{"`", "**", "](http"} {
		require.NotContains(t, txt, raw, "raw Markdown in the page's text")
	}
}

var pyLine = regexp.MustCompile(`Features\('([^']+)'\)\.collection_items\('([^']+)', limit=(\d+)\)`)

// checkPasteable fetches what the collection page says to paste into QGIS,
// GDAL and Python, and runs the GDAL line when GDAL is installed.
func checkPasteable(t *testing.T, ctx context.Context, base string) {
	t.Helper()
	lines := eval[map[string]string](t, ctx,
		`Object.fromEntries([...document.querySelectorAll('code[data-kind]')].map(c => [c.dataset.kind, c.textContent]))`)
	require.Len(t, lines, 3, "QGIS, GDAL and Python lines")
	var urls []string
	require.Equal(t, base+"/", lines["qgis"])
	urls = append(urls, lines["qgis"])
	gdal, ok := strings.CutPrefix(lines["gdal"], "ogrinfo OAPIF:")
	require.True(t, ok, "GDAL line %q", lines["gdal"])
	urls = append(urls, gdal)
	// GDAL itself, where it is installed, opens what the line names.
	if ogrinfo, err := exec.LookPath("ogrinfo"); err == nil {
		out, err := exec.Command(ogrinfo, "-ro", "-so", "OAPIF:"+gdal).CombinedOutput()
		require.NoError(t, err, "%s", out)
		id := gdal[strings.LastIndex(gdal, "/")+1:]
		require.Contains(t, string(out), ": "+id+" (", "ogrinfo opens the collection:\n%s", out)
	}
	m := pyLine.FindStringSubmatch(lines["python"])
	require.NotNil(t, m, "Python line %q", lines["python"])
	require.True(t, strings.HasPrefix(lines["python"], "from owslib.ogcapi.features import Features\n"))
	urls = append(urls, m[1]+"/collections/"+m[2]+"/items?limit="+m[3])
	for _, u := range urls {
		require.True(t, strings.HasPrefix(u, base), "%s is not on this server", u)
		resp, err := http.Get(u)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		require.Equal(t, http.StatusOK, resp.StatusCode, "GET %s", u)
		require.Contains(t, resp.Header.Get("Content-Type"), "json", "GET %s answers JSON to a client", u)
	}
}
