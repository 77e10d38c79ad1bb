package handlers

import (
	"strings"

	"github.com/labstack/echo/v4"
)

// ContentSecurityPolicy is sent with every HTML answer. The pages load only
// their own scripts, styles and tiles; the map may show OpenStreetMap's base
// map (img-src), and Leaflet uses data: URIs for its icons. Styles allow
// 'unsafe-inline' because the plain HTML pages carry one <style> block; no
// inline script is allowed, which is what stops injected markup from running.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; " +
	"style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data: blob: https://tile.openstreetmap.org https://*.tile.openstreetmap.org; " +
	"connect-src 'self'; font-src 'self'; worker-src 'self' blob:; " +
	"object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"

// securityHeaders sets X-Content-Type-Options on every answer (browsers must
// not guess a JSON or MVT answer is HTML) and the page policies on HTML
// answers. The headers are set just before the status is written, when the
// content type is known.
func securityHeaders() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			res := c.Response()
			res.Before(func() {
				h := res.Header()
				h.Set(echo.HeaderXContentTypeOptions, "nosniff")
				if strings.HasPrefix(h.Get(echo.HeaderContentType), "text/html") {
					h.Set(echo.HeaderContentSecurityPolicy, ContentSecurityPolicy)
					// Origin only, cross-origin: OpenStreetMap's tile policy
					// asks for a Referer, and paths with queries stay private.
					h.Set(echo.HeaderReferrerPolicy, "strict-origin-when-cross-origin")
					h.Set(echo.HeaderXFrameOptions, "SAMEORIGIN")
				}
			})
			return next(c)
		}
	}
}
