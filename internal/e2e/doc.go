// Package e2e is the end-to-end browser test of mamori. It builds the real
// binary, starts "mamori serve" on an empty data directory and drives
// headless Chromium (through chromedp) as a new customer would: first-run
// setup, turning on two-step verification, signing out, and signing in
// again with a password and a one-time code, once in Japanese and once in
// English. Along the way it checks that the pages work under the strict
// Content-Security-Policy and saves a screenshot of every page.
//
// The test runs when Chromium is installed (/usr/bin/chromium, or chromium
// in PATH) and skips otherwise; with MAMORI_TEST_BROWSER=1, as in CI, a
// missing Chromium is a failure instead. Screenshots go to the directory in
// MAMORI_ARTIFACTS, or else to artifacts/e2e at the module root:
//
//	MAMORI_TEST_BROWSER=1 go test -count=1 -v ./internal/e2e/
package e2e
