// Package view renders everything the command line shows: diagnostics with
// source snippets (human) and in Terraform's JSON shape, plans as a
// Terraform-like diff, plan and state JSON (Terraform's format 1.2 / 1.0),
// the streaming machine-readable UI of -json, drift reports (JSON, JUnit),
// progress bars on a terminal (github.com/vbauerster/mpb/v8), and tables.
//
// It decides nothing and reads nothing but its arguments: it never imports
// the engine, never touches files or the network, and never decides exit
// codes. The same plan.Plan value is rendered for people (Human.Plan) and
// machines (WritePlanJSON, Stream.Plan).
//
// Where updplan differs from Terraform on purpose:
//   - drift is shown whenever there is any, also when the plan is otherwise
//     empty (Terraform then hides it);
//   - sensitive values are redacted (null) in every JSON document — plan,
//     state, outputs, drift — while the *_sensitive masks still mark them;
//     `output -json` shows them only with showSensitive;
//   - provider_name is "registry.updplan.dev/builtin/<provider>" (see
//     ProviderFullName): the providers are built in, the name is stable and
//     never resolved.
//
// Files: diagnostics.go (human and JSON diagnostics), diff.go and values.go
// (the attribute diff and value rendering), plan_human.go, plan_json.go and
// json_values.go (plan and state JSON), apply.go (apply messages, outputs,
// state show), stream.go (-json UI), drift.go, progress.go, table.go.
// Golden files in testdata are refreshed with
// `go test ./cmd/updplan/internal/view -update`.
package view
