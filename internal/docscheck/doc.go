// Package docscheck holds the tests that keep the repository's documents true to what it pins.
//
// The versions of the CLIs the provider is built, tested and documented with are written once:
// in the Go modules under tools/ (one per CLI, `tool` directive and its required version) and,
// for Terraform and OpenTofu releases that are installed rather than built, in the CI matrix of
// .github/workflows/test.yml. Everything else that names a version (the README, the guides and
// templates, DEVELOPERS.md, examples, scripts, error messages in Go) is checked against them by
// `go test ./internal/docscheck`, so a pin changed without its documents, or a document naming a
// version nothing pins, fails `make test`. The package has no non-test code.
package docscheck
