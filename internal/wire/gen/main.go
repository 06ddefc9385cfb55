// Command gen generates the wire types of a service from its botocore
// model: Go types for the operations' inputs, outputs and nested
// structures, decoders that check the model's constraints, encoders, the
// service's modelled errors and a Handlers router. It speaks the protocol
// the model names: awsQuery (DecodeQuery, EncodeQueryXML, routed by
// Action), awsJson (DecodeJSON, EncodeJSON, routed by X-Amz-Target) and
// restJson1 (DecodeRESTJSON, EncodeRESTJSON, routed by method and path).
// It is run by go generate in internal/wire:
//
//	go run ./gen -model models/iam-2010-05-08.json -pkg iamwire -out iamwire
//
// It also copies a model from botocore without its documentation strings:
//
//	go run ./gen strip IN.json[.gz] OUT.json
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "strip" {
		if len(os.Args) != 4 {
			fmt.Fprintln(os.Stderr, "usage: gen strip IN.json[.gz] OUT.json")
			os.Exit(2)
		}
		if err := strip(os.Args[2], os.Args[3]); err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
		return
	}
	modelPath := flag.String("model", "", "stripped botocore model (service-2.json)")
	pkg := flag.String("pkg", "", "Go package name of the output")
	out := flag.String("out", "", "output directory")
	flag.Parse()
	if *modelPath == "" || *pkg == "" || *out == "" {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*modelPath, *pkg, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(modelPath, pkg, out string) error {
	m, err := loadModel(modelPath)
	if err != nil {
		return err
	}
	switch m.Metadata.Protocol {
	case "query", "json", "rest-json":
	default:
		return fmt.Errorf("%s: protocol %q: only query, json and rest-json are supported", modelPath, m.Metadata.Protocol)
	}
	g, err := newGenerator(m, pkg, filepath.ToSlash(modelPath))
	if err != nil {
		return err
	}
	files, err := g.generate()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	for name, src := range files {
		if err := os.WriteFile(filepath.Join(out, name), src, 0o644); err != nil {
			return err
		}
	}
	return nil
}
