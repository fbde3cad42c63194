package tfstate

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const testdata = "../testdata/"

func parseFile(t *testing.T, name string) (*State, error) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(testdata, name))
	if err != nil {
		t.Fatal(err)
	}
	return Parse(name, data)
}

// TestRealInputs: every collected file (see testdata/README.md) parses in
// the form it was written, with every resource instance and its full
// address, modules included.
func TestRealInputs(t *testing.T) {
	tests := []struct {
		file      string
		form      Form
		resources int
		addresses []string
	}{
		{file: "alb-alias-record-plan.json", form: FormShowPlan, resources: 117,
			addresses: []string{"module.alb.aws_alb.alb", "module.alb.aws_route53_record.route53",
				"module.lambda_TFUpgradeTest.module.data-tags.data.aws_route53_zone.default"}},
		{file: "alb-instances/main.tfstate", form: FormStateV4, resources: 16,
			addresses: []string{"aws_lb.alb", "aws_instance.web[0]", "aws_instance.web[1]", "data.aws_subnets.sid"}},
		{file: "alb-instances/route53.tfstate", form: FormStateV4, resources: 2},
		{file: "elb-asg-module.tfstate", form: FormStateV4, resources: 9,
			addresses: []string{"module.webserver_cluster.aws_elb.webServerElb", "module.webserver_cluster.aws_autoscaling_group.webServerAsg"}},
		{file: "asg-no-balancer.tfstate", form: FormStateV4, resources: 4},
		{file: "driftctl/aws_lb_listener.tfstate", form: FormStateV4, resources: 7, addresses: []string{"aws_lb_listener.front_end"}},
		{file: "driftctl/aws_route53_record.tfstate", form: FormStateV4, resources: 3},
		{file: "show-state-no-aws.json", form: FormShowState, resources: 2},
		{file: "show-state-0.1-modules.json", form: FormShowState, resources: 7,
			addresses: []string{"null_resource.baz[2]", "module.foo.null_resource.foo", "data.null_data_source.baz"}},
		{file: "hand-made/weighted-asg-docker.tfstate", form: FormStateV4, resources: 18,
			addresses: []string{`aws_route53_record.api["legacy"]`, "aws_subnet.private[2]"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			st, err := parseFile(t, tt.file)
			if err != nil {
				t.Fatal(err)
			}
			if st.Form != tt.form {
				t.Errorf("form %q, want %q", st.Form, tt.form)
			}
			if len(st.Resources) != tt.resources {
				t.Errorf("%d resources, want %d", len(st.Resources), tt.resources)
			}
			have := map[string]bool{}
			for _, r := range st.Resources {
				have[r.Address] = true
				if r.File != tt.file || r.Attrs == nil {
					t.Errorf("%s: file %q, attrs nil %v", r.Address, r.File, r.Attrs == nil)
				}
			}
			for _, a := range tt.addresses {
				if !have[a] {
					t.Errorf("no resource %s", a)
				}
			}
		})
	}
}

// TestBadInput: input that is not Terraform state is a *FormatError that
// names the file and says what is wrong.
func TestBadInput(t *testing.T) {
	tests := []struct {
		name, file, data string
		want             string
	}{
		{name: "another state version", file: "invalid/state-version-3.tfstate", want: "state version 3: ferry reads version 4"},
		{name: "other JSON", file: "invalid/not-terraform.json", want: "not Terraform state: the top level is an array"},
		{name: "truncated", file: "invalid/truncated.tfstate", want: "truncated: the JSON ends after 1000 bytes"},
		{name: "object without markers", data: `{"Id": "x", "Type": "aws_elb"}`, want: `no "version" (a .tfstate file) or "format_version"`},
		{name: "empty", data: "  \n", want: "empty"},
		{name: "not JSON", data: "resource \"aws_lb\" \"x\" {}", want: "not JSON"},
		{name: "two documents", data: `{"version": 4} {}`, want: "more than one JSON value"},
		{name: "show format 2", data: `{"format_version": "2.0", "values": {}}`, want: `format_version "2.0"`},
		{name: "plan of nothing", data: `{"format_version": "1.2", "planned_values": {}}`, want: "a plan with no prior_state"},
		{name: "resource without type", data: `{"version": 4, "resources": [{"mode": "managed", "name": "x", "instances": []}]}`, want: `resources[0]: no "type"`},
		{name: "index that is a fraction", data: `{"version": 4, "resources": [{"mode": "managed", "type": "t", "name": "x", "instances": [{"index_key": 1.5, "attributes": {}}]}]}`, want: "not a whole number"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			name := tt.file
			if tt.file != "" {
				_, err = parseFile(t, tt.file)
			} else {
				name = "input.json"
				_, err = Parse(name, []byte(tt.data))
			}
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("error %v (%T), want a *FormatError", err, err)
			}
			if fe.File != name || !strings.HasPrefix(err.Error(), name+": ") || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want it to start with %q and say %q", err, name+": ", tt.want)
			}
		})
	}
}

func TestEmptyShowState(t *testing.T) {
	st, err := Parse("empty.json", []byte(`{"format_version":"1.0"}`))
	if err != nil || len(st.Resources) != 0 || st.Form != FormShowState {
		t.Errorf("got %+v, %v; want an empty state", st, err)
	}
}

func TestResourceAddress(t *testing.T) {
	r := Resource{Address: `module.m.aws_route53_record.api["blue"]`, Key: `"blue"`}
	if got := r.ResourceAddress(); got != "module.m.aws_route53_record.api" {
		t.Errorf("ResourceAddress() = %q", got)
	}
}
