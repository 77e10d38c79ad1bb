package handlers

// addWritePaths documents the writes (writes.go) and the change feed
// (changes.go), and the bearer scheme they use. The write methods join the
// existing items paths.
func addWritePaths(paths, components obj) {
	components["securitySchemes"] = obj{"bearer": obj{"type": "http", "scheme": "bearer",
		"description": "The token kzmap serve was started with (--token, KZMAP_TOKEN)."}}
	col, fid := ref("parameters", "collectionId"), ref("parameters", "featureId")
	security := []obj{{"bearer": []string{}}}
	body := func(desc string, schema obj) obj {
		return obj{"required": true, "description": desc, "content": obj{
			ContentTypeGeoJSON: obj{"schema": schema},
			ContentTypeJSON:    obj{"schema": schema},
		}}
	}
	problem := func(desc string) obj {
		return obj{"description": desc, "content": obj{ContentTypeProblem: obj{"schema": ref("schemas", "problem")}}}
	}
	writeErrors := func(r obj) obj {
		r["400"] = problem("The body is not valid RFC 7946, or a feature cannot be stored; `detail` names the feature (by index) and the reason.")
		r["401"] = problem("Missing or wrong bearer token.")
		r["404"] = ref("responses", "NotFound")
		r["405"] = problem("The server was started without a token (KZMAP_TOKEN) and takes no writes.")
		r["413"] = problem("The body is over the size limit (--max-body, 10 MB by default).")
		r["415"] = problem("Content-Type is not application/geo+json or application/json.")
		r["429"] = ref("responses", "TooManyRequests")
		r["500"] = ref("responses", "ServerError")
		return r
	}
	featureOrCollection := obj{"oneOf": []obj{ref("schemas", "feature"), ref("schemas", "featureCollection")}}
	feature := obj{ContentTypeGeoJSON: obj{"schema": ref("schemas", "feature")}}
	features := obj{ContentTypeGeoJSON: obj{"schema": featureOrCollection}}
	location := obj{"Location": obj{"description": "URL of the created feature", "schema": obj{"type": "string"}}}
	const durable = " Answered only once the write is on disk (BuntDB, fsync). Needs `Authorization: Bearer <token>`."

	add := func(path, method string, op obj) {
		item, _ := paths[path].(obj)
		if item == nil {
			item = obj{}
			paths[path] = item
		}
		item[method] = op
	}
	add("/collections/{collectionId}/items", "post", obj{
		"tags": []string{"Data"}, "summary": "Add features", "operationId": "createFeatures",
		"description": "A Feature, or a FeatureCollection whose features are all created or none. A feature without `id` gets a UUID version 7; " +
			"one whose id exists is refused with 409 (PUT replaces). Coordinates are checked (±180/±90, closed rings, at most --max-vertices positions per feature). " +
			"The region `events` counts, the search index, cached tiles and the change feed follow." + durable,
		"security":    security,
		"parameters":  []obj{col},
		"requestBody": body("The feature or features", featureOrCollection),
		"responses": writeErrors(obj{
			"201": obj{"description": "Created: the stored feature (or a FeatureCollection of them); Location names the (first) feature.",
				"headers": location, "content": features},
			"409": problem("A feature with this id exists."),
		}),
	})
	add("/collections/{collectionId}/items/{featureId}", "put", obj{
		"tags": []string{"Data"}, "summary": "Replace (or create) a feature", "operationId": "replaceFeature",
		"description": "The body is one Feature; an `id` in it must equal the path's." + durable,
		"security":    security,
		"parameters":  []obj{col, fid},
		"requestBody": body("The feature", ref("schemas", "feature")),
		"responses": writeErrors(obj{
			"200": obj{"description": "Replaced: the stored feature", "content": feature},
			"201": obj{"description": "Created: the stored feature", "headers": location, "content": feature},
		}),
	})
	add("/collections/{collectionId}/items/{featureId}", "delete", obj{
		"tags": []string{"Data"}, "summary": "Delete a feature", "operationId": "deleteFeature",
		"description": "Deletes the feature." + durable,
		"security":    security,
		"parameters":  []obj{col, fid},
		"responses":   writeErrors(obj{"204": obj{"description": "Deleted"}}),
	})
	add("/collections/{collectionId}", "put", obj{
		"tags": []string{"Data"}, "summary": "Create or replace a whole collection by import", "operationId": "importCollection",
		"description": "The body's features (a FeatureCollection) become the collection's features, in one transaction. " +
			"A new collection is named by `title` (default: its id); an existing one keeps its metadata." + durable,
		"security":    security,
		"parameters":  []obj{col, queryParam("title", "Title of a new collection, or a new title.", false, obj{"type": "string"})},
		"requestBody": body("The features", featureOrCollection),
		"responses": writeErrors(obj{
			"200": obj{"description": "Replaced", "content": obj{ContentTypeJSON: obj{"schema": obj{"type": "object"}}}},
			"201": obj{"description": "Created", "headers": location, "content": obj{ContentTypeJSON: obj{"schema": obj{"type": "object"}}}},
		}),
	})
	paths["/collections/{collectionId}/changes"] = obj{"get": obj{
		"tags": []string{"Data"}, "summary": "Change feed of a collection (Server-Sent Events)", "operationId": "getChanges",
		"description": "One event per create, replace or delete, in commit order: `event:` is the op, `id:` the change id, `data:` JSON " +
			"`{op, collection, id, time, href, feature}` (`feature` is the stored Feature; left out, with `truncated: true`, above 64 KiB). " +
			"Resume with the Last-Event-ID header (EventSource sends it on reconnecting) or `lastEventId`. The last 4096 changes of the current run " +
			"are kept; resuming from an older id, or one from before a restart, first gets an event `reset`: reload, then follow.",
		"parameters": []obj{col, queryParam("lastEventId", "Resume after this change id (as Last-Event-ID).", false, obj{"type": "string"})},
		"responses": func() obj {
			r := errorsFor("400", "404")
			r["200"] = obj{"description": "The event stream", "content": obj{ContentTypeEventStream: obj{"schema": obj{"type": "string"}}}}
			r["503"] = problem("The server is shutting down; reconnect (to another instance) with Last-Event-ID.")
			return r
		}(),
	}}
	paths["/admin/snapshot"] = obj{"get": obj{
		"tags": []string{"Admin"}, "summary": "Consistent copy of the database", "operationId": "getSnapshot",
		"description": "The whole database in BuntDB's file format, taken between writes; `kzmap serve --db FILE` opens it. Needs `Authorization: Bearer <token>`.",
		"security":    security,
		"responses": obj{
			"200": obj{"description": "The database file", "content": obj{"application/octet-stream": obj{"schema": obj{"type": "string", "format": "binary"}}}},
			"401": problem("Missing or wrong bearer token."),
			"405": problem("The server was started without a token."),
			"429": ref("responses", "TooManyRequests"),
			"500": ref("responses", "ServerError"),
		},
	}}
}
