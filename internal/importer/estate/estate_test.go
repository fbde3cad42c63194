package estate

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"ferry.dev/ferry/internal/importer/tfstate"
)

func build(t *testing.T, files ...string) Estate {
	t.Helper()
	var all []tfstate.Resource
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join("../testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		st, err := tfstate.Parse(f, data)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, st.Resources...)
	}
	return Build(all)
}

// summary is the part of a service the table checks: value, or "?" and
// the start of why it is unknown.
type summary struct {
	Name, Image, Port, Health, Replicas, Domain, Legacy, Type string
	Instances                                                 int
}

func summarize(s Service) summary {
	v := func(x Value) string {
		if x.Known() {
			return x.Text
		}
		return "?"
	}
	d := "?"
	if len(s.Domains) > 0 {
		d = s.Domains[0].Text
	}
	return summary{Name: s.Name, Image: v(s.Image), Port: v(s.Port), Health: v(s.Health), Replicas: v(s.Replicas),
		Domain: d, Legacy: v(s.Legacy), Type: s.Today.Type, Instances: s.Today.Instances}
}

// TestRealEstates: what each collected state means, checked against what a
// person reads in the file (see testdata/README.md).
func TestRealEstates(t *testing.T) {
	tests := []struct {
		name   string
		files  []string
		want   []summary
		region string
		notes  []string // substrings some note of the first service must hold
	}{
		{name: "ALB and alias record in a module, from a plan's prior state", files: []string{"alb-alias-record-plan.json"}, region: "us-east-1",
			want: []summary{{Name: "myapp", Image: "?", Port: "4000", Health: "/index.html", Replicas: "?",
				Domain: "myapp.mybusandbox.aws.mycompany.com", Legacy: "internal-mybu-sandbox-myapp-instance-alb-478863.us-east-1.elb.amazonaws.com"}}},
		{name: "ALB with instances and a stale CNAME in another state", files: []string{"alb-instances/main.tfstate", "alb-instances/route53.tfstate"}, region: "ap-south-1",
			want: []summary{{Name: "lb", Image: "?", Port: "80", Health: "/", Replicas: "2", Domain: "lb.traveler.ga",
				Legacy: "test-lb-tf-241407042.ap-south-1.elb.amazonaws.com", Type: "t2.micro", Instances: 2}},
			notes: []string{"the record is stale or the balancer was recreated"}},
		{name: "classic ELB and ASG in a module, no record", files: []string{"elb-asg-module.tfstate"}, region: "ap-southeast-2",
			want: []summary{{Name: "webserver-asg-elb", Image: "?", Port: "80", Health: "/", Replicas: "2", Domain: "?",
				Legacy: "webserver-asg-elb-234458921.ap-southeast-2.elb.amazonaws.com", Type: "t2.micro", Instances: 2}}},
		{name: "ASG behind no balancer", files: []string{"asg-no-balancer.tfstate"}, region: "ap-south-1"},
		{name: "ALB, listener and target group of driftctl's test", files: []string{"driftctl/aws_lb_listener.tfstate"}, region: "us-east-1",
			want: []summary{{Name: "test-lb-tf", Image: "?", Port: "80", Health: "/", Replicas: "?", Domain: "?", Legacy: "test-lb-tf-2047934243.us-east-1.elb.amazonaws.com"}}},
		{name: "weighted alias over an ASG running docker, and a CNAME to a classic ELB", files: []string{"hand-made/weighted-asg-docker.tfstate"}, region: "eu-west-1",
			want: []summary{
				{Name: "api", Image: "registry.example.com/shop/api:1.4.2", Port: "8080", Health: "/healthz", Replicas: "3",
					Domain: "api.shop.example.com", Legacy: "shop-api-1234567890.eu-west-1.elb.amazonaws.com", Type: "m5.large", Instances: 3},
				{Name: "www", Image: "?", Port: "3000", Health: "/status", Replicas: "2", Domain: "www.shop.example.com",
					Legacy: "shop-www-987654321.eu-west-1.elb.amazonaws.com", Type: "t3.medium", Instances: 2}},
			notes: []string{"weighted set of 2", "cluster=0 → a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6-1122334455"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := build(t, tt.files...)
			var got []summary
			for _, s := range e.Services {
				got = append(got, summarize(s))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("services (-want +got):\n%s", diff)
			}
			if e.Region != tt.region {
				t.Errorf("region %q, want %q", e.Region, tt.region)
			}
			for _, n := range tt.notes {
				if len(e.Services) == 0 || !strings.Contains(strings.Join(e.Services[0].Notes, "\n"), n) {
					t.Errorf("no note says %q", n)
				}
			}
			checkAccounted(t, e)
		})
	}
}

// checkAccounted: every resource read is in the report, exactly one of
// became and ignored set.
func checkAccounted(t *testing.T, e Estate) {
	t.Helper()
	for _, r := range e.Resources {
		if (r.Became == "") == (r.Ignored == "") {
			t.Errorf("%s: became %q, ignored %q: want exactly one", r.Address, r.Became, r.Ignored)
		}
	}
}

func TestEveryResourceIsAccountedFor(t *testing.T) {
	e := build(t, "alb-alias-record-plan.json")
	if len(e.Resources) != 117 {
		t.Errorf("%d entries for 117 resources", len(e.Resources))
	}
	e = build(t, "asg-no-balancer.tfstate")
	for _, r := range e.Resources {
		if r.Type == "aws_autoscaling_group" && !strings.Contains(r.Ignored, "behind no balancer") {
			t.Errorf("the ASG without a balancer: %+v", r)
		}
	}
}

func TestSameStateTwiceCountsOnce(t *testing.T) {
	e := build(t, "elb-asg-module.tfstate", "elb-asg-module.tfstate")
	if len(e.Services) != 1 {
		t.Fatalf("%d services, want 1", len(e.Services))
	}
	if e.Services[0].Replicas.Text != "2" {
		t.Errorf("replicas %q, want 2 (not counted twice)", e.Services[0].Replicas.Text)
	}
}

func TestFindDockerRun(t *testing.T) {
	tests := []struct {
		script string
		want   dockerRun
		found  bool
	}{
		{script: "#!/bin/bash\nsudo docker run -d -p 80:8080 --name web nginx:1.27\n",
			want: dockerRun{Image: "nginx:1.27", Ports: []portMap{{80, 8080}}}, found: true},
		{script: "docker run --rm -it -p127.0.0.1:8000:8000/tcp -m 512m --cpus=0.25 \\\n  ghcr.io/acme/app@sha256:abc",
			want: dockerRun{Image: "ghcr.io/acme/app@sha256:abc", Ports: []portMap{{8000, 8000}}, Memory: "512Mi", CPU: "250m"}, found: true},
		{script: "yum install -y docker && /usr/bin/docker run --env 'A=b c' -p 9000 $IMAGE",
			want: dockerRun{Image: "$IMAGE", Ports: []portMap{{0, 9000}}}, found: true},
		{script: "# docker run commented out\nnohup busybox httpd -f -p 8080 &", found: false},
		{script: "podman run --publish 443:8443 registry.example.com/x:2", want: dockerRun{Image: "registry.example.com/x:2", Ports: []portMap{{443, 8443}}}, found: true},
	}
	for _, tt := range tests {
		got, found := findDockerRun(tt.script)
		got.Line = ""
		if found != tt.found || !cmp.Equal(got, tt.want) {
			t.Errorf("findDockerRun(%q) = %+v, %v; want %+v, %v", tt.script, got, found, tt.want, tt.found)
		}
	}
}

func TestDecodeUserData(t *testing.T) {
	plain := "#!/bin/sh\ndocker run x:1\n"
	tests := []struct{ in, script, why string }{
		{in: base64.StdEncoding.EncodeToString([]byte(plain)), script: plain},
		{in: "9140716472977225125d8396fb7ba43b81a50d09", why: "only a hash"},
		{in: "", why: "no user data"},
	}
	for _, tt := range tests {
		script, why := decodeUserData(tt.in)
		if script != tt.script || !strings.Contains(why, tt.why) {
			t.Errorf("decodeUserData(%q) = %q, %q", tt.in, script, why)
		}
	}
}

func TestBalancerName(t *testing.T) {
	for in, want := range map[string]string{
		"internal-mybu-sandbox-myapp-instance-alb-478863.us-east-1.elb.amazonaws.com": "mybu-sandbox-myapp-instance-alb",
		"dualstack.test-lb-tf-241407042.ap-south-1.elb.amazonaws.com.":                "test-lb-tf",
		"api.example.com": "",
	} {
		if got := balancerName(in); got != want {
			t.Errorf("balancerName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestLabel(t *testing.T) {
	for in, want := range map[string]string{
		"webServerElb": "webserverelb", "test-lb-tf": "test-lb-tf", "2fast": "svc-2fast",
		"a__b..c": "a-b-c", strings.Repeat("x", 50): strings.Repeat("x", maxName),
	} {
		if got := label(in); got != want {
			t.Errorf("label(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestRecordSiblings: a record resource with count whose other instance
// points elsewhere; removing the resource from Terraform takes both.
func TestRecordSiblings(t *testing.T) {
	lb := tfstate.Resource{File: "x", Address: "aws_lb.web", Mode: "managed", Type: "aws_lb", Name: "web",
		Attrs: map[string]any{"arn": "arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/app/web/1", "dns_name": "web-1.eu-west-1.elb.amazonaws.com"}}
	rec := func(key, name, target string) tfstate.Resource {
		return tfstate.Resource{File: "x", Address: "aws_route53_record.r[" + key + "]", Key: key, Mode: "managed", Type: "aws_route53_record", Name: "r",
			Attrs: map[string]any{"fqdn": name, "type": "CNAME", "zone_id": "Z1", "records": []any{target}}}
	}
	e := Build([]tfstate.Resource{lb, rec("0", "web.example.com", "web-1.eu-west-1.elb.amazonaws.com"), rec("1", "other.example.com", "elsewhere.example.net")})
	if len(e.Services) != 1 || !strings.Contains(strings.Join(e.Services[0].Notes, "\n"), "and with it aws_route53_record.r[1]") {
		t.Errorf("services %+v", e.Services)
	}
}
