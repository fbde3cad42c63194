package kops

import (
	"fmt"

	"gopkg.in/yaml.v3"
)

// text is a scalar with the line it was written on.
type text struct {
	Value string
	Line  int
}

// UnmarshalYAML keeps the line and refuses anything but a scalar.
func (t *text) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: want a single value, got a %s", n.Line, kindName(n.Kind))
	}
	t.Value, t.Line = n.Value, n.Line
	return nil
}

func kindName(k yaml.Kind) string {
	switch k {
	case yaml.SequenceNode:
		return "list"
	case yaml.MappingNode:
		return "mapping"
	}
	return "value"
}

// document is the part every kops object shares.
type document struct {
	APIVersion text      `yaml:"apiVersion"`
	Kind       text      `yaml:"kind"`
	Metadata   metadata  `yaml:"metadata"`
	Spec       yaml.Node `yaml:"spec"`
	// line is where the document starts, for problems with it as a whole.
	line int
	file string
}

type metadata struct {
	Name   text              `yaml:"name"`
	Labels map[string]string `yaml:"labels"`
}

// clusterSpec holds the Cluster fields the analysis reads.
type clusterSpec struct {
	CloudProvider       text          `yaml:"cloudProvider"`
	Authorization       *authz        `yaml:"authorization"`
	KubeAPIServer       *apiServer    `yaml:"kubeAPIServer"`
	EncryptionConfig    *bool         `yaml:"encryptionConfig"`
	SSHAccess           []text        `yaml:"sshAccess"`
	KubernetesAPIAccess []text        `yaml:"kubernetesApiAccess"`
	SSHKeyName          *text         `yaml:"sshKeyName"`
	EtcdClusters        []etcdCluster `yaml:"etcdClusters"`
	Subnets             []subnet      `yaml:"subnets"`
}

type authz struct {
	RBAC        *yaml.Node `yaml:"rbac"`
	AlwaysAllow *yaml.Node `yaml:"alwaysAllow"`
}

type apiServer struct {
	AuthorizationMode *text `yaml:"authorizationMode"`
}

type etcdCluster struct {
	Name        text         `yaml:"name"`
	EtcdMembers []etcdMember `yaml:"etcdMembers"`
}

type etcdMember struct {
	Name            text  `yaml:"name"`
	InstanceGroup   text  `yaml:"instanceGroup"`
	EncryptedVolume *bool `yaml:"encryptedVolume"`
}

type subnet struct {
	Name   text `yaml:"name"`
	Zone   text `yaml:"zone"`
	Region text `yaml:"region"`
}

// groupSpec holds the InstanceGroup fields the analysis reads.
type groupSpec struct {
	Role    text   `yaml:"role"`
	MinSize *int   `yaml:"minSize"`
	MaxSize *int   `yaml:"maxSize"`
	Subnets []text `yaml:"subnets"`
	Zones   []text `yaml:"zones"`
}

// group is a decoded InstanceGroup with where it was written.
type group struct {
	doc  document
	spec groupSpec
}
