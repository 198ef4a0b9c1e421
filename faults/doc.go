// Package faults holds Cầu Nối's end-to-end fault tests (in package
// faults_test). They build the caunoi binary, start a private PostgreSQL
// cluster on 127.0.0.1, and drive the server as a child process through
// SIGKILL crashes, a database outage, a graceful shutdown, slow and
// oversized requests, and a search of its logs for the configured secrets.
//
// They run only under `make test-faults` (scripts/test-faults.sh sets
// CAUNOI_FAULTS=1); a plain `go test ./...` passes over them. Each test
// appends its measured figures to the file named by CAUNOI_FAULTS_SUMMARY,
// which the script prints at the end.
package faults
