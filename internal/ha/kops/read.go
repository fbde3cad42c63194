package kops

import (
	"bytes"
	"errors"
	"io"

	"gopkg.in/yaml.v3"

	"ferry.dev/ferry/internal/ha"
)

// APIVersion is the only kops API version read.
const APIVersion = "kops.k8s.io/v1alpha2"

// File is one input: its name (for messages) and its bytes.
type File struct {
	// Name names the input in errors.
	Name string
	// Data is the input's YAML, one or more documents.
	Data []byte
}

// specs is everything read from the files, before it is resolved.
type specs struct {
	cluster     *document
	clusterSpec clusterSpec
	groups      []group
	sshKeys     int
	// broken names the documents that could not be decoded, so that
	// references to them do not pile up more errors.
	broken map[string]bool
}

// Read parses the files (each may hold several YAML documents) and resolves
// them into one cluster. Every problem is returned at once, each an *Error
// with its file and line.
func Read(files ...File) (ha.Cluster, error) {
	s := specs{broken: map[string]bool{}}
	var p problems
	for _, f := range files {
		for _, d := range parse(f, &p) {
			s.add(d, &p)
		}
	}
	if s.cluster == nil {
		if len(p.errs) == 0 {
			name := "(no files)"
			if len(files) > 0 {
				name = files[0].Name
			}
			p.add(name, 0, "no kops Cluster document (kind: Cluster) in the input; pass the output of kops get cluster -o yaml too")
		}
		return ha.Cluster{}, p.err()
	}
	c := resolve(&s, &p)
	if err := p.err(); err != nil {
		return ha.Cluster{}, err
	}
	return c, nil
}

// parse splits a file into its documents, skipping empty ones.
func parse(f File, p *problems) []document {
	dec := yaml.NewDecoder(bytes.NewReader(f.Data))
	var docs []document
	for i := 0; i < 100000; i++ {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			p.addYAML(f.Name, err.Error())
			break
		}
		if len(n.Content) == 0 || (n.Content[0].Kind == yaml.ScalarNode && n.Content[0].Tag == "!!null") {
			continue
		}
		d := document{line: n.Content[0].Line, file: f.Name}
		if decode(&n, &d, f.Name, p) {
			docs = append(docs, d)
		}
	}
	return docs
}

// decode decodes n into v, recording type errors with their lines.
func decode(n *yaml.Node, v any, file string, p *problems) bool {
	err := n.Decode(v)
	var te *yaml.TypeError
	switch {
	case err == nil:
		return true
	case errors.As(err, &te):
		p.addYAML(file, te.Errors...)
	default:
		p.addYAML(file, err.Error())
	}
	return false
}

// add files a document under its kind.
func (s *specs) add(d document, p *problems) {
	if d.APIVersion.Value != APIVersion {
		p.add(d.file, lineOr(d.APIVersion.Line, d.line), "apiVersion %q: want %s", d.APIVersion.Value, APIVersion)
		s.markBroken(d)
		return
	}
	if d.Metadata.Name.Value == "" {
		p.add(d.file, d.line, "%s without metadata.name", d.Kind.Value)
		return
	}
	switch d.Kind.Value {
	case "Cluster":
		s.addCluster(d, p)
	case "InstanceGroup":
		s.addGroup(d, p)
	case "SSHCredential":
		s.sshKeys++
	default:
		p.add(d.file, lineOr(d.Kind.Line, d.line), "unknown kind %q: want Cluster, InstanceGroup or SSHCredential", d.Kind.Value)
	}
}

func (s *specs) addCluster(d document, p *problems) {
	if s.cluster != nil {
		p.add(d.file, d.Kind.Line, "a second Cluster %q: %s:%d already defines %q; check one cluster at a time",
			d.Metadata.Name.Value, s.cluster.file, s.cluster.Kind.Line, s.cluster.Metadata.Name.Value)
		return
	}
	if d.Spec.Kind == 0 {
		p.add(d.file, d.line, "Cluster %q has no spec", d.Metadata.Name.Value)
		return
	}
	if decode(&d.Spec, &s.clusterSpec, d.file, p) {
		s.cluster = &d
		return
	}
	s.markBroken(d)
}

func (s *specs) addGroup(d document, p *problems) {
	for _, g := range s.groups {
		if g.doc.Metadata.Name.Value == d.Metadata.Name.Value {
			p.add(d.file, d.Metadata.Name.Line, "InstanceGroup %q is defined twice (first at %s:%d)",
				d.Metadata.Name.Value, g.doc.file, g.doc.Metadata.Name.Line)
			return
		}
	}
	g := group{doc: d}
	if d.Spec.Kind == 0 {
		p.add(d.file, d.line, "InstanceGroup %q has no spec", d.Metadata.Name.Value)
		return
	}
	if decode(&d.Spec, &g.spec, d.file, p) {
		s.groups = append(s.groups, g)
		return
	}
	s.markBroken(d)
}

// markBroken remembers a document that was reported and left out.
func (s *specs) markBroken(d document) {
	if d.Kind.Value == "Cluster" {
		s.broken["Cluster"] = true
		return
	}
	s.broken["InstanceGroup/"+d.Metadata.Name.Value] = true
}

func lineOr(line, fallback int) int {
	if line == 0 {
		return fallback
	}
	return line
}
