// Command terraform-provider-sequence serves the Sequence provider to Terraform and OpenTofu.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/sequencehq/terraform-provider-sequence/internal/pluginlog"
	"github.com/sequencehq/terraform-provider-sequence/internal/pluginprofile"
	"github.com/sequencehq/terraform-provider-sequence/internal/provider"
)

// Documentation is generated from the provider schema, examples/ and templates/ (see `make generate`);
// the tfplugindocs binary is the one pinned in tools/tfplugindocs.
//go:generate bash scripts/generate-docs.sh

// version is set at release time by goreleaser through -ldflags "-X main.version=...".
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve (prints TF_REATTACH_PROVIDERS to set)")
	flag.Parse()

	if !debug {
		// Plugin logs off unless the user set a TF_LOG* variable (see pluginlog.QuietDefaults).
		if err := pluginlog.ApplyQuietDefaults(); err != nil {
			log.Fatal(err.Error())
		}
	}

	opts := providerserver.ServeOpts{
		Address: "registry.terraform.io/sequencehq/sequence",
		Debug:   debug,
	}

	stopProfile := pluginprofile.Start() // a no-op unless built for the benchmark's -cpuprofile
	err := providerserver.Serve(context.Background(), provider.New(version), opts)
	stopProfile()
	if err != nil {
		log.Fatal(err.Error())
	}
}
