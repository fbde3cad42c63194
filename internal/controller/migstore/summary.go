package migstore

import (
	"cmp"
	"fmt"

	"ferry.dev/ferry/api/v1alpha1"
	"ferry.dev/ferry/internal/migrate"
)

// summarise writes the fields kubectl shows from st.
func summarise(s *v1alpha1.MigrationStatus, st migrate.State) {
	s.MigrationID = st.ID()
	s.Stage = string(st.Stage)
	s.Weights = &v1alpha1.MigrationWeights{Legacy: st.Weights.Legacy, Cluster: st.Weights.Cluster}
	s.Step = st.Step
	s.Paused = st.Paused
	s.Gates = fmt.Sprintf("legacy:%s cluster:%s", gate(st, migrate.Legacy), gate(st, migrate.Cluster))
	s.Message = cmp.Or(st.Alert, st.LegacyAlert, st.Reason)
	if st.AwaitingPromotion && s.Message == "" {
		s.Message = "waiting for promote"
	}
}

func gate(st migrate.State, side migrate.Side) migrate.GateStatus {
	h, ok := st.Health[side]
	if !ok || h.Status == "" {
		return migrate.GateUnknown
	}
	return h.Status
}
