package handlers

// StaticPath is where the map's static files are served (Config.Static):
// hashed scripts, styles and images, flat in one folder.
const StaticPath = "/assets"

// staticOpenAPIPaths documents the static files when they are served.
func (s *server) staticOpenAPIPaths() obj {
	if s.Static == nil {
		return obj{}
	}
	return obj{StaticPath + "/{file}": obj{"get": obj{
		"tags": []string{"Map"}, "summary": "The web map's scripts, styles and images", "operationId": "getAsset",
		"parameters": []obj{{"name": "file", "in": "path", "required": true, "schema": obj{"type": "string"}}},
		"description": "Files of the map page served at / to browsers. Names carry a content hash and are cached for a year; " +
			"not part of the data API.",
		"responses": obj{
			"200": obj{"description": "The file", "content": obj{"*/*": obj{"schema": obj{"type": "string", "format": "binary"}}}},
			"404": ref("responses", "NotFound"),
		},
	}}}
}
