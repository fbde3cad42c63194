package spec

import (
	"k8s.io/apimachinery/pkg/util/intstr"

	"ferry.dev/ferry/api/v1alpha1"
)

func (c *checker) rollout(path string, raw *v1alpha1.Rollout) Rollout {
	if raw == nil {
		raw = &v1alpha1.Rollout{}
	}
	r := Rollout{
		MaxSurge:         c.intOrPercent(path+".maxSurge", raw.MaxSurge, DefaultMaxSurge),
		MaxUnavailable:   c.intOrPercent(path+".maxUnavailable", raw.MaxUnavailable, DefaultMaxUnavailable),
		PreStop:          c.seconds(path+".preStop", raw.PreStop, DefaultPreStop),
		TerminationGrace: c.seconds(path+".terminationGrace", raw.TerminationGrace, DefaultTerminationGrace),
		MinReady:         c.seconds(path+".minReady", raw.MinReady, 0),
	}
	if isZero(r.MaxSurge) && isZero(r.MaxUnavailable) {
		c.errorf(path+".maxSurge", "maxSurge and maxUnavailable cannot both be 0: the rollout could never start")
	}
	return r
}

func (c *checker) disruption(path string, raw *v1alpha1.Disruption, replicas int32) *Disruption {
	if raw != nil && raw.MaxUnavailable != "" && raw.MinAvailable != "" {
		c.errorf(path, "set either maxUnavailable or minAvailable, not both")
	}
	if replicas <= 1 {
		if raw != nil {
			c.errorf(path, "a PodDisruptionBudget needs replicas > 1 (with one replica it would block every node drain)")
		}
		return nil
	}
	if raw != nil && raw.MinAvailable != "" {
		v := c.intOrPercent(path+".minAvailable", raw.MinAvailable, DefaultPDBMaxUnavail)
		if (v.Type == intstr.Int && v.IntVal >= replicas) || (v.Type == intstr.String && v.StrVal == "100%") {
			c.errorf(path+".minAvailable", "%s of %d replicas would allow no disruption; node drains would hang", v.String(), replicas)
		}
		return &Disruption{MinAvailable: &v}
	}
	s := DefaultPDBMaxUnavail
	if raw != nil && raw.MaxUnavailable != "" {
		s = raw.MaxUnavailable
	}
	v := c.intOrPercent(path+".maxUnavailable", s, DefaultPDBMaxUnavail)
	if isZero(v) {
		c.errorf(path+".maxUnavailable", "0 would allow no disruption; node drains would hang")
	}
	return &Disruption{MaxUnavailable: &v}
}

func isZero(v intstr.IntOrString) bool {
	return (v.Type == intstr.Int && v.IntVal == 0) || (v.Type == intstr.String && v.StrVal == "0%")
}

func (c *checker) spread(path string, raw *v1alpha1.Spread) (zones, hosts Spread) {
	if raw == nil {
		return SpreadPreferred, SpreadPreferred
	}
	allowed := []string{string(SpreadPreferred), string(SpreadRequired), string(SpreadOff)}
	zones = Spread(c.oneOf(path+".zones", raw.Zones, string(SpreadPreferred), allowed...))
	hosts = Spread(c.oneOf(path+".hosts", raw.Hosts, string(SpreadPreferred), allowed...))
	return zones, hosts
}
