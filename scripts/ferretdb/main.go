// Command ferretdb runs FerretDB v1 (embedded as a library) on top of PostgreSQL, so that the
// MongoDB store can be tested against a real MongoDB-wire server on machines where no mongod
// can be installed. Started by scripts/ensure-ferretdb.sh; see that script for the build.
//
// It is a test engine, not the production server: FerretDB 1.x updates are not atomic, and
// transactions, change streams, partial/TTL indexes are missing (docs in the fact sheet).
//
// Telemetry is off: the embeddable package never starts the reporter and disables it explicitly.
// The cmd/ferretdb binary is not used because, installed from the module proxy, it panics at start
// (missing generated build/version/version.txt, FerretDB issue #2982).
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listenAddr := flag.String("listen-addr", "127.0.0.1:27018", "TCP address to listen on for MongoDB wire protocol clients")
	postgresqlURL := flag.String("postgresql-url", "postgres://postgres@127.0.0.1:5432/troly1022_ferretdb", "PostgreSQL URL of the database that holds the documents (UTF8, C collation)")
	logLevel := flag.String("log-level", "warn", "log level: debug, info, warn or error")
	flag.Parse()

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fmt.Fprintf(os.Stderr, "ferretdb: bad -log-level %q: %v\n", *logLevel, err)
		os.Exit(2)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:      ferretdb.ListenerConfig{TCP: *listenAddr},
		Handler:       "postgresql",
		PostgreSQLURL: *postgresqlURL,
		Logger:        logger,
	})
	if err != nil {
		// e.g. the port is taken: New binds the listener.
		fmt.Fprintf(os.Stderr, "ferretdb: %v\n", err)
		os.Exit(1)
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = f.Run(ctx)
	}()

	// MongoDBURI returns once the listener is ready.
	fmt.Fprintf(os.Stderr, "ferretdb: pid %d listening, %s (PostgreSQL %s)\n", os.Getpid(), f.MongoDBURI(), *postgresqlURL)

	<-done
	fmt.Fprintln(os.Stderr, "ferretdb: stopped")
}
