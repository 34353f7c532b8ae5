// Package pgtest gives tests a private PostgreSQL cluster: initdb and
// pg_ctl in a temporary directory, listening on a free loopback port, started
// on first use and stopped by Main when the tests are done. Each call to DSN
// creates a fresh database for the calling test and drops it at cleanup.
//
// When the PostgreSQL binaries are missing, DSN skips the test with a message
// naming the Debian package, unless UPDPLAN_REQUIRE_SERVERS=1, in which case
// the test fails.
//
// It does not manage long-lived servers, tune PostgreSQL, or run anywhere but
// in tests.
package pgtest
