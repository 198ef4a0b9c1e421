// Package open311 serves GeoReport v2 (wiki.open311.org/GeoReport_v2) under
// /open311/v2/: discovery, services and their definitions, requests (read
// and, with an API key, written) and tokens, as .json or .xml.
package open311
