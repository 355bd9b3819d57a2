// Package server is feedfold's HTTP side: the mux, authentication,
// middleware (request logging, security headers, body limits), /healthz,
// /metrics, and the native REST API under /v1 (api.go; see README.md in
// this directory for the endpoints). Protocol front-ends for reader apps
// (Google Reader, Fever) and the deduplicated output feeds are not built
// yet; they will sit beside api.go and share the same store and auth.
package server
