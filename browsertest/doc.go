// Package browsertest drives Debian's Chromium through the web pages with
// chromedp, against the real handler on 127.0.0.1 (internal/apitest): a
// citizen on a phone, a staff member at a desk. It holds only tests; they
// are skipped when Chromium is missing, except in CI (CI=true), where they
// fail. Screenshots of each page go to $CAUNOI_ARTIFACTS/screenshots (else
// the system's temporary directory, caunoi-artifacts/screenshots).
package browsertest
