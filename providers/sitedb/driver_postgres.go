package sitedb

import (
	"context"
	"database/sql"
	"errors"
	"net"
	"strings"
	"syscall"

	"github.com/hashicorp/hcl/v2"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/updplan/updplan/providers"
)

// The DSN is sensitive: no diagnostic built here quotes it, a pgx error
// message (which can quote host, user and database) or a connection
// string. Only server-side messages of known, harmless kinds are passed on.

func postgresDialect(secrets []string) *dialect {
	return &dialect{
		name:    "postgres",
		dollar:  true,
		inJSON:  "SELECT json_array_elements_text(CAST(? AS json))",
		tables:  "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()",
		explain: func(err error, what string) *hcl.Diagnostic { return explainPostgres(err, what, secrets) },
	}
}

func openPostgres(dsn string) (*store, hcl.Diagnostics) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, hcl.Diagnostics{providers.AttrError(pathAttr("dsn"), "Invalid PostgreSQL connection string",
			"The dsn of the sitedb provider is not a valid PostgreSQL connection string (expected postgres://user:password@host:5432/database or key=value pairs). Its value is not shown because it is sensitive. Correct it and run the command again.")}
	}
	secrets := []string{dsn}
	if cfg.Password != "" {
		secrets = append(secrets, cfg.Password)
	}
	db := stdlib.OpenDB(*cfg)
	return &store{db: db, d: postgresDialect(secrets)}, nil
}

func explainPostgres(err error, what string, secrets []string) *hcl.Diagnostic {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		if kind, ok := map[string]string{"23503": "foreign key", "23505": "unique", "23514": "check", "23502": "not null"}[pe.Code]; ok {
			return constraintDiag(constraint{kind: kind, name: pe.ConstraintName}, scrub(pe.Message, secrets), what)
		}
		switch {
		case pe.Code == "28P01" || pe.Code == "28000":
			return providers.Errorf("PostgreSQL login failed",
				"Could not %s: the PostgreSQL server refused the user name or password of the sitedb provider's dsn. Correct the credentials in dsn (for example through a sensitive variable) and run the command again.", what)
		case pe.Code == "3D000":
			return providers.Errorf("PostgreSQL database missing",
				"Could not %s: the database named in the sitedb provider's dsn does not exist on the server. Create it (createdb) or correct dsn.", what)
		case pe.Code == "42501":
			return providers.Errorf("PostgreSQL permission denied",
				"Could not %s: the PostgreSQL user of the sitedb provider lacks a privilege (%s). Grant the user rights on its schema, or use the database owner.", what, scrub(pe.Message, secrets))
		case pe.Code == "55P03" || pe.Code == "40P01" || pe.Code == "40001":
			return providers.Errorf("Site database busy",
				"Could not %s: PostgreSQL reported a lock conflict (%s). Another updplan run is probably changing the site database. Run the command again when it has finished.", what, scrub(pe.Message, secrets))
		case strings.HasPrefix(pe.Code, "08") || strings.HasPrefix(pe.Code, "57"):
			return providers.Errorf("PostgreSQL server unavailable",
				"Could not %s: the PostgreSQL server is not accepting connections (%s). Check that it is running and run the command again.", what, pe.Code)
		}
		return providers.Errorf("Site database error", "Could not %s: PostgreSQL error %s: %s. Check the database and run the command again.", what, pe.Code, scrub(pe.Message, secrets))
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return providers.Errorf("Site database unreachable", "Could not %s: the operation was cancelled or timed out before PostgreSQL answered. Check that the server named in dsn is reachable and run the command again.", what)
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	var dnsErr *net.DNSError
	switch {
	case errors.As(err, &dnsErr):
		return providers.Errorf("Site database unreachable",
			"Could not %s: the host name of the PostgreSQL server in the sitedb provider's dsn does not resolve. Correct the host in dsn.", what)
	case errors.Is(err, syscall.ECONNREFUSED):
		return providers.Errorf("Site database unreachable",
			"Could not %s: the PostgreSQL server refused the connection (nothing listens on the host and port of the sitedb provider's dsn). Start the server or correct the host and port in dsn.", what)
	case errors.As(err, &ne) && ne.Timeout():
		return providers.Errorf("Site database unreachable",
			"Could not %s: connecting to the PostgreSQL server of the sitedb provider's dsn timed out. Check the host, port and firewall, and run the command again.", what)
	case errors.As(err, &ce), errors.Is(err, sql.ErrConnDone):
		return providers.Errorf("Site database unreachable",
			"Could not %s: the connection to the PostgreSQL server of the sitedb provider's dsn failed. Check that the server runs and accepts connections (host, port, TLS settings) and run the command again.", what)
	}
	return providers.Errorf("Site database error",
		"Could not %s: %s. Check the server and the sitedb provider's dsn and run the command again.", what, scrub(err.Error(), secrets))
}

// scrub removes every secret from a message, longest first.
func scrub(msg string, secrets []string) string {
	for _, s := range secrets {
		if s != "" {
			msg = strings.ReplaceAll(msg, s, "(sensitive)")
		}
	}
	return msg
}
