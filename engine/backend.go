package engine

import (
	"context"
	"fmt"
	"os"
	"os/user"
	"path/filepath"
	"time"

	"github.com/hashicorp/hcl/v2"
	"github.com/updplan/updplan/engine/config"
	"github.com/updplan/updplan/engine/eval"
	"github.com/updplan/updplan/engine/state"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// DefaultStateFile is the local state file, beside the configuration.
const DefaultStateFile = "updplan.state"

// BackendDSNEnv holds the PostgreSQL backend's DSN when the backend block
// leaves dsn out (keeps the secret out of the configuration files).
const BackendDSNEnv = "UPDPLAN_BACKEND_DSN"

// Backend opens the backend the configuration names (the local file
// updplan.state beside the configuration by default). Its settings are
// evaluated early (early.go) with e.Inputs: they may use variables and
// local values that depend only on variables.
func (e *Engine) Backend(cfg *config.Config) (state.Backend, hcl.Diagnostics) {
	return e.backendFor(cfg, false)
}

// readOnlyOps are the operations that never write the state: their
// backend creates nothing (no PostgreSQL state tables on a database that
// has none yet).
var readOnlyOps = map[string]bool{"plan": true, "console": true, "drift": true, "output": true}

// backendFor is Backend; readOnly creates nothing in the backend.
func (e *Engine) backendFor(cfg *config.Config, readOnly bool) (state.Backend, hcl.Diagnostics) {
	be, diags := e.backend(cfg, readOnly)
	if diags.HasErrors() {
		return nil, diags
	}
	if d := e.encryptBackend(cfg, be); d.HasErrors() {
		be.Close()
		return nil, append(diags, d...)
	}
	return be, diags
}

func (e *Engine) backend(cfg *config.Config, readOnly bool) (state.Backend, hcl.Diagnostics) {
	if cfg.Settings == nil || cfg.Settings.Backend == nil {
		return state.NewLocal(filepath.Join(cfg.Dir, DefaultStateFile)), nil
	}
	b := cfg.Settings.Backend
	attrs, exprs, diags := backendExprs(cfg)
	if diags.HasErrors() {
		return nil, diags
	}
	ev, diags := e.earlyEvaluator(cfg, e.Inputs, exprs, "backend")
	if diags.HasErrors() {
		return nil, diags
	}
	str := func(name string) (string, hcl.Diagnostics) {
		a, ok := attrs[name]
		if !ok {
			return "", nil
		}
		v, d := ev.Expr(a.Expr, eval.Scope{})
		if d.HasErrors() {
			return "", d
		}
		v, _ = v.UnmarkDeep()
		rng := a.Expr.Range()
		if !v.IsKnown() {
			return "", hcl.Diagnostics{errorDiag("Invalid backend setting", fmt.Sprintf("The value of %s is not known before the state is read. Give it from variables or constants.", name), &rng)}
		}
		if v.IsNull() {
			return "", nil
		}
		if v.Type() != cty.String {
			conv, err := convert.Convert(v, cty.String)
			if err != nil {
				return "", hcl.Diagnostics{errorDiag("Invalid backend setting", fmt.Sprintf("%s must be a string.", name), &rng)}
			}
			v = conv
		}
		return v.AsString(), nil
	}
	switch b.Type {
	case "local":
		path, d := str("path")
		if d.HasErrors() {
			return nil, d
		}
		if path == "" {
			path = DefaultStateFile
		}
		if !filepath.IsAbs(path) {
			path = filepath.Join(cfg.Dir, path)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, hcl.Diagnostics{errorDiag("Cannot create the state directory", fmt.Sprintf("%s. Check the path and its permissions.", err), rangePtr(b.DeclRange))}
		}
		return state.NewLocal(path), nil
	case "postgres":
		dsn, d := str("dsn")
		if d.HasErrors() {
			return nil, d
		}
		if dsn == "" {
			dsn = os.Getenv(BackendDSNEnv)
		}
		if dsn == "" {
			return nil, hcl.Diagnostics{errorDiag("No PostgreSQL connection string",
				fmt.Sprintf("The postgres backend needs a connection string: set dsn in the backend block, or (better, as it holds a password) the environment variable %s.", BackendDSNEnv), rangePtr(b.DeclRange))}
		}
		ws, d := str("workspace")
		if d.HasErrors() {
			return nil, d
		}
		if ws == "" {
			ws = "default"
		}
		pg, err := openPostgres(dsn, ws, readOnly)
		if err != nil {
			return nil, hcl.Diagnostics{errorDiag("Cannot open the PostgreSQL backend", err.Error()+" Check the connection string and that the server is running.", rangePtr(b.DeclRange))}
		}
		return pg, nil
	}
	return nil, hcl.Diagnostics{errorDiag("Unsupported backend type",
		fmt.Sprintf("There is no backend %q. Use \"local\" or \"postgres\".%s", b.Type, didYouMean(b.Type, []string{"local", "postgres"})), rangePtr(b.TypeRange))}
}

// StateTypes decodes stored resource values with the schemas.
func (e *Engine) StateTypes() state.TypeFunc {
	s := e.Schemas()
	return func(name string) (cty.Type, bool) {
		rt := s.ResourceType(name)
		if rt == nil {
			return cty.NilType, false
		}
		return rt.Block.ImpliedType(), true
	}
}

// openLocked opens the configuration's backend and takes its lock; done
// releases the lock and closes the backend.
func (e *Engine) openLocked(ctx context.Context, cfg *config.Config, opts PlanOptions) (state.Backend, func(), hcl.Diagnostics) {
	be, diags := e.backendFor(cfg, readOnlyOps[opts.Operation])
	if diags.HasErrors() {
		return nil, nil, diags
	}
	unlock, d := e.lock(ctx, be, opts)
	diags = append(diags, d...)
	if d.HasErrors() {
		be.Close()
		return nil, nil, diags
	}
	return be, func() { unlock(); be.Close() }, diags
}

// lock takes the state lock unless -lock=false.
func (e *Engine) lock(ctx context.Context, be state.Backend, opts PlanOptions) (func(), hcl.Diagnostics) {
	if !opts.Lock {
		return func() {}, nil
	}
	info := e.LockInfo(opts.Operation, be)
	waiting := opts.Hooks.LockWaiting
	if opts.LockTimeout <= 0 {
		waiting = nil // nothing to wait for: the error names the holder
	}
	start := time.Now()
	id, err := be.Lock(ctx, info, opts.LockTimeout, waiting)
	logPhase(ctx, "state lock", start, "backend", be.Describe(), "operation", info.Operation, "ok", err == nil)
	if err != nil {
		return nil, hcl.Diagnostics{errorDiag("Error acquiring the state lock",
			fmt.Sprintf("%s\n\nupdplan takes the state lock so that two runs never change the same site at once. Wait for the other run, retry with -lock-timeout=5m to wait longer, or, if the holder died, run `updplan force-unlock ID`.", err), nil)}
	}
	return func() { _ = be.Unlock(context.WithoutCancel(ctx), id) }, nil
}

// LockInfo describes this run for the lock.
func (e *Engine) LockInfo(operation string, be state.Backend) state.LockInfo {
	who := "unknown"
	if u, err := user.Current(); err == nil {
		who = u.Username
	}
	host, _ := os.Hostname()
	return state.LockInfo{
		Operation: operation,
		Who:       who + "@" + host,
		Version:   e.Version,
		Created:   time.Now().UTC(),
		Path:      be.Describe(),
		PID:       os.Getpid(),
	}
}
